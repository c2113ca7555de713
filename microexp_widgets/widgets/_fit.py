"""An invisible strip that makes plotly figures beside it follow their container's width (see ``_fit.js``)."""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as widgets


class FitWidth(anywidget.AnyWidget):
    """Place one in the same box as a ``FigureWidget``; it has no state and draws nothing."""

    _esm = Path(__file__).with_name("_fit.js")

    def __init__(self, **kwargs):
        kwargs.setdefault("layout", widgets.Layout(width="100%", height="0px"))
        super().__init__(**kwargs)
