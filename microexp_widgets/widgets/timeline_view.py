"""``TimelineView``: a take's movements as annotation lanes over the traces a learner picks, with a table and a still.

The figure is a plain plotly figure shown as one output that JupyterLab's plotly renderer draws whole every time
(a ``FigureWidget`` drew nothing when it was built and filled in one cell, or when its 5 MB module missed anywidget's
2 s start-up deadline on a busy machine); a small relay passes clicks on it back to Python. Picking a movement (in
the lanes or the table) shows its AU's trace and the take's own frame at its apex; that picture travels as a custom
message (:mod:`._still`), not as widget state, and exists only for the current take.
"""

from __future__ import annotations

import html
import json
import threading
from typing import TYPE_CHECKING

import ipywidgets as widgets
import traitlets

from .. import _learner_data, plots
from ..aus import AU_TABLE, REGIONS, au_info
from ..errors import VideoDecodeError
from ..spotting import kind_words
from ._plot_clicks import PlotClicks
from ._still import StillView

if TYPE_CHECKING:
    import pandas as pd

    from ..spotting import AUEvent
    from ..timeline import AUTimeline
    from .recorder import Recorder

__all__ = ["TimelineView"]

_TABLE_HEADER = f"{'AU':<6}{'onset s':>9}{'apex s':>9}{'offset s':>10}{'ms':>8}  kind"
_NO_PICTURE = (
    "No picture available: this timeline does not keep its video (an OpenFace CSV, or a take that was cleared "
    "or replaced)."
)
_KEY = (
    "Each row is one Action Unit that moved; a bar runs from onset to offset. ★ thin hatched bar = micro (500 ms or "
    "shorter: a label for its length only, not an expression or a feeling), ▲ = short (the same length, on a take "
    "analysed too slowly to call it micro), ● full bar = macro, ◀ ▶ dotted grey bar = cut off by the start or end "
    "of the take (its length is unknown). Click a bar or a row to see its trace and its apex frame."
)
_ON_ICON, _OFF_ICON = "check-square-o", "square-o"
# Selecting points means nothing on a timeline, and "autoscale" does what "reset axes" does: a narrower toolbar.
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
_PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _row(event: AUEvent) -> str:
    kind = event.kind if event.complete else f"cut off ({event.cut_off})"
    return (
        f"{event.au:<6}{event.onset_s:>9.2f}{event.apex_s:>9.2f}{event.offset_s:>10.2f}"
        f"{event.duration_ms:>8.0f}  {kind}"
    )


def _show_state(button: widgets.ToggleButton) -> None:
    """On and off differ in icon and style, not colour alone."""
    button.icon = _ON_ICON if button.value else _OFF_ICON
    button.button_style = "info" if button.value else ""


def _toggle(description: str, tooltip: str, value: bool = True) -> widgets.ToggleButton:
    button = widgets.ToggleButton(value=value, description=description, tooltip=tooltip)
    _show_state(button)
    button.observe(lambda change: _show_state(change.owner), "value")
    return button


class TimelineView(widgets.VBox):
    """Draw an :class:`~microexp_widgets.AUTimeline` as annotation lanes, picked AU traces, a table and a still.

    Parameters
    ----------
    timeline
        The timeline to show first (from a recording, a sample clip, a file, or an OpenFace CSV); settable later.

    Notes
    -----
    ``figure`` is the plotly ``Figure`` last drawn; ``time_s`` is the time cursor (set by clicking a trace or picking a
    movement; an :class:`~microexp_widgets.AUFace` can follow it with ``face.link(view)``).
    """

    timeline = traitlets.Any(None, allow_none=True, help="The AUTimeline shown, or None.")
    """Type: AUTimeline or None. Default: None. Setting it draws the take."""
    time_s = traitlets.Float(0.0, help="Time cursor in seconds.")
    """Type: float. Default: 0.0. Moves the dashed cursor line; follows clicks on a trace."""
    selected = traitlets.Int(-1, help="Index of the picked movement in timeline.events, or -1.")
    """Type: int. Default: -1."""
    traces = traitlets.List(traitlets.Unicode(), help="AU codes whose intensity traces are drawn under the lanes.")
    """Type: list[str]. Default: the AU of the strongest movement and at most three more (set for each take)."""

    def __init__(self, timeline: AUTimeline | None = None):
        self._trace_buttons: dict[str, widgets.ToggleButton] = {}
        self.figure = plots.timeline_figure(None)
        self._plot = widgets.Output(layout=widgets.Layout(min_height=f"{plots.figure_height(0)}px"))
        self._clicks = PlotClicks()
        self._clicks.on_click(self._on_plot_click)

        self._region_buttons = {
            region: _toggle(region, f"show or hide the lanes of the {region}") for region in REGIONS
        }
        for button in self._region_buttons.values():
            button.observe(lambda _change: self._draw_figure(), "value")
        regions = widgets.HBox([widgets.Label("Face regions:"), *self._region_buttons.values()])
        regions.add_class("microexp-toggles")
        self._trace_row = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self._trace_row.add_class("microexp-toggles")

        #: The take in one paragraph, above the lanes, as the learner reads it.
        self.summary = widgets.HTML()
        self._events_header = widgets.HTML(f"<pre>{html.escape(_TABLE_HEADER)}</pre>")
        self._events = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="520px"))
        self._events.observe(self._on_pick, "value")
        events_box = widgets.VBox([widgets.HTML("<b>Movements</b>"), self._events_header, self._events])
        events_box.add_class("microexp-events")
        self._still = StillView()
        self._still_title = widgets.HTML()
        #: The words under the apex picture (or why there is none).
        self.still_caption = widgets.HTML()
        still_box = widgets.VBox([self._still_title, self._still, self.still_caption])
        self._still_id = 0
        self._cursor_s: float | None = None  # no cursor line until something sets time_s for this take
        super().__init__(
            [self.summary, regions, self._trace_row, self._clicks, self._plot, widgets.HBox([events_box, still_box])]
        )
        self.add_class("microexp-timeline-view")
        self._redraw(None)
        if timeline is not None:
            self.timeline = timeline
        _learner_data.register(self, TimelineView.clear)

    # ---------------------------------------------------------------------------------------------------------
    # Public API

    def link(self, recorder: Recorder) -> TimelineView:
        """Draw every new take of ``recorder`` here (and its current one, if any); returns this view."""
        recorder.observe(self._on_recorder_timeline, "timeline")
        if recorder.timeline is not None:
            self.timeline = recorder.timeline
        return self

    def clear(self) -> bool:
        """Show no timeline (used by "delete everything"); returns False when none was shown."""
        shown = self.timeline is not None
        self.timeline = None
        return shown

    def unlink(self, recorder: Recorder) -> None:
        """Stop following ``recorder``."""
        recorder.unobserve(self._on_recorder_timeline, "timeline")

    @property
    def events_table(self) -> pd.DataFrame:
        """The movements listed in the table, one row each, as :meth:`AUTimeline.events_frame` gives them."""
        import pandas as pd

        from ..timeline import EVENT_COLUMNS

        return pd.DataFrame(columns=EVENT_COLUMNS) if self.timeline is None else self.timeline.events_frame()

    @property
    def event_rows(self) -> list[str]:
        """The table's rows as shown."""
        return [label for label, _ in self._events.options]

    @property
    def lanes(self) -> list[str]:
        """The AUs that have a lane now (they moved, and their region is shown)."""
        events = [] if self.timeline is None else self.timeline.events
        return plots.lane_aus(events, self._shown_regions())

    def select_event(self, index: int) -> None:
        """Pick movement ``index`` (as clicking its bar or row does): show its trace and the frame at its apex."""
        self._events.value = index

    # ---------------------------------------------------------------------------------------------------------
    # Drawing

    def _on_recorder_timeline(self, change) -> None:
        self.timeline = change.new

    @traitlets.observe("timeline")
    def _timeline_changed(self, change) -> None:
        self._redraw(change.new)

    def _shown_regions(self) -> tuple[str, ...]:
        return tuple(region for region, button in self._region_buttons.items() if button.value)

    def _redraw(self, timeline: AUTimeline | None) -> None:
        events = list(timeline.events) if timeline is not None else []
        self._still_id += 1
        self._cursor_s = None
        self.selected = -1
        self.traces = plots.default_trace_aus(events)
        self._make_trace_buttons(events)
        self.summary.value = self._summary_html(timeline)
        self._events.options = [(_row(e), i) for i, e in enumerate(events)]
        self._events.value = None
        own = timeline is None or timeline.is_own_take
        self._still_title.value = "<b>Your frame at the apex</b>" if own else "<b>The clip's frame at the apex</b>"
        self._still.show(None, "")
        self.still_caption.value = html.escape(self._pick_hint(timeline) if events else "")
        self._draw_figure()

    def _draw_figure(self) -> None:
        """Draw the figure as it is now, as one plain plotly output (see ``_plot_clicks.js`` for why)."""
        selected = self.selected if self.selected >= 0 else None
        self.figure = plots.timeline_figure(
            self.timeline, regions=self._shown_regions(), traces=self.traces, selected=selected,
            cursor_s=self._cursor_s,
        )  # fmt: skip
        bundle = {
            _PLOTLY_MIME: {**json.loads(self.figure.to_json()), "config": PLOT_CONFIG},
            "text/plain": plots.timeline_title(self.timeline),
        }
        # Set as the output's state (not printed into it), so it works from any thread and outside a kernel too.
        self._plot.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    def _make_trace_buttons(self, events: list[AUEvent]) -> None:
        codes = [au.code for au in AU_TABLE if au.code in {e.au for e in events}]
        self._trace_buttons = {}
        for code in codes:
            info = au_info(code)
            button = _toggle(code, f"show or hide the trace of {code} {info.name}", value=code in self.traces)
            button.observe(lambda change, code=code: self._set_trace(code, change.new), "value")
            self._trace_buttons[code] = button
        label = widgets.Label("Traces under the lanes:" if codes else "")
        self._trace_row.children = (label, *self._trace_buttons.values())

    def _set_trace(self, code: str, shown: bool) -> None:
        if shown == (code in self.traces):
            return
        self.traces = [c for c in self.traces if c != code] + ([code] if shown else [])

    @traitlets.observe("traces")
    def _traces_changed(self, change) -> None:
        for code, button in self._trace_buttons.items():
            button.value = code in change.new
        if self.timeline is not None:
            self._draw_figure()

    def _summary_html(self, timeline: AUTimeline | None) -> str:
        if timeline is None:
            return "No take yet: record one, use a sample clip, or set <code>view.timeline</code>."
        whose = "your take" if timeline.is_own_take else f"the sample clip ({timeline.source})"
        parts = [
            f"{timeline.duration_s:.1f} s of {whose}, a face in {timeline.face_frames} of {timeline.frames} frames.",
            _KEY,
        ]
        weak = ", ".join(au.code for au in AU_TABLE if not au.reliable and au.code in timeline.frame.columns)
        if weak:
            parts.append(f"Lanes and dotted traces marked (weak) ({weak}) are weak channels of this face model: "
                         "a flat line there means little.")  # fmt: skip
        parts += list(timeline.warnings)
        return "<br>".join(html.escape(p) for p in parts)

    @staticmethod
    def _pick_hint(timeline: AUTimeline | None) -> str:
        if timeline is not None and not timeline.is_own_take:
            return "Pick a movement to see the clip's frame at its apex (kept in memory only)."
        return "Pick a movement to see your own frame at its apex (kept in memory for this take only)."

    @traitlets.observe("time_s")
    def _move_cursor(self, _change) -> None:
        # The cursor line is drawn with the next redraw (a pick or a click): a replay on a linked AUFace moves
        # time_s many times a second, and redrawing the whole figure that often would stall the page.
        self._cursor_s = self.time_s if self.timeline is not None else None

    def _on_plot_click(self, point: dict) -> None:
        """A bar or apex picks its movement; a lane picks its strongest one; a trace moves the cursor there."""
        role, key = point.get("role"), point.get("key")
        if self.timeline is None:
            return
        if role in ("bars", "apexes") and isinstance(key, int) and 0 <= key < len(self.timeline.events):
            self.select_event(key)
        elif role == "lanes":
            in_lane = [(i, e) for i, e in enumerate(self.timeline.events) if e.au == key]
            if in_lane:
                self.select_event(max(in_lane, key=lambda pair: (pair[1].complete, pair[1].peak))[0])
        elif role == "trace" and isinstance(point.get("x"), (int, float)):
            self.time_s = float(point["x"])
            self._draw_figure()

    # ---------------------------------------------------------------------------------------------------------
    # A picked movement

    def _on_pick(self, change) -> None:
        index = change.new
        timeline = self.timeline
        if index is None or timeline is None or not 0 <= index < len(timeline.events):
            return
        event = timeline.events[index]
        self.selected = index
        if event.au not in self.traces:
            self.traces = [*self.traces, event.au]
        self.time_s = event.apex_s
        self._draw_figure()
        self._still_id += 1
        still_id = self._still_id
        page_stills = getattr(timeline, "page_stills", None)
        if page_stills:  # a take analysed in the browser: its frames never left the page
            caption = (
                f"{event.au} {au_info(event.au).name}, {kind_words(event)}, at its apex ({event.apex_s:.2f} s). "
                "Your own frame: kept in this browser tab only, for this take only."
            )
            self._still.show_page_frame(page_stills, event.apex_s, caption)
            self.still_caption.value = html.escape(caption)
            return
        self.still_caption.value = html.escape(f"Looking for the frame at {event.apex_s:.2f} s…")
        threading.Thread(
            target=self._fetch_still, args=(timeline, event, still_id), name="microexp-still", daemon=True
        ).start()

    def _fetch_still(self, timeline: AUTimeline, event: AUEvent, still_id: int) -> None:
        problem = ""
        try:
            rgb = timeline.still_at(event.apex_s)
        except (VideoDecodeError, OSError) as error:  # the clip was damaged, or its file moved, since the analysis
            rgb, problem = None, f"No picture: the frame could not be read from the clip again ({error})"
        if still_id != self._still_id:
            return
        what = f"{event.au} {au_info(event.au).name}, {kind_words(event)}, at its apex ({event.apex_s:.2f} s)."
        if rgb is None:
            caption = problem or _NO_PICTURE
        elif timeline.is_own_take:
            caption = f"{what} Your own frame: kept in this kernel's memory for this take only."
        else:
            caption = f"{what} A frame of the sample clip ({timeline.source}), not of you."
        self._still.show(rgb, caption, own=timeline.is_own_take)
        if still_id == self._still_id:
            self.still_caption.value = html.escape(caption)
