"""Clicks on a plotly figure drawn as a plain output (not a FigureWidget), passed on to Python."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import ipywidgets as widgets


class PlotClicks(anywidget.AnyWidget):
    """Place one in the same box as an ``Output`` that shows a plotly figure; ``on_click(callback)`` hears its clicks.

    The callback gets the clicked point as a dict: ``role`` (the trace's ``meta.role``), ``key`` (the first item of the
    point's ``customdata``, or None) and ``x``.
    """

    _esm = Path(__file__).with_name("_plot_clicks.js")
    # The TimelineView, the one view that holds a PlotClicks, is built of ipywidgets, which have no stylesheet of
    # their own: its CSS rides here, loaded once per page when this widget's model arrives (not on every render).
    _css = Path(__file__).with_name("timeline_view.css")

    def __init__(self, **kwargs):
        kwargs.setdefault("layout", widgets.Layout(width="100%", height="0px"))
        super().__init__(**kwargs)
        self._callbacks = widgets.CallbackDispatcher()
        self.on_msg(self._on_page_message)

    def on_click(self, callback: Callable[[dict], None], remove: bool = False) -> None:
        self._callbacks.register_callback(callback, remove=remove)

    def _on_page_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("kind") == "click":
            self._callbacks({"role": content.get("role"), "key": content.get("key"), "x": content.get("x")})
