"""``TimelineView``: a take's Action-Unit timeline as one plotly ``FigureWidget``, its movements as a table.

The figure is built once and updated in place (``batch_update``) for every new timeline, so replacing a take never
rebuilds the widget. Picking a movement shows the learner's own frame at its apex; that picture travels as a custom
message (:mod:`._still`), not as widget state, and exists only for the current take.
"""

from __future__ import annotations

import html
import threading
from typing import TYPE_CHECKING

import ipywidgets as widgets
import numpy as np
import traitlets

from .. import plots
from ..aus import AU_TABLE, REGIONS, au_info
from ._still import StillView

if TYPE_CHECKING:
    import pandas as pd

    from ..timeline import AUTimeline
    from .recorder import Recorder

__all__ = ["TimelineView"]

EVENT_COLUMNS = ["au", "onset_s", "apex_s", "offset_s", "duration_ms", "kind"]
_TABLE_HEADER = f"{'AU':<6}{'onset s':>9}{'apex s':>9}{'offset s':>10}{'ms':>8}  kind"
_NO_PICTURE = (
    "No picture available: this timeline does not keep its video (an OpenFace CSV, or a take that was cleared "
    "or replaced)."
)
_PICK_HINT = "Pick a movement in the list to see your own frame at its apex (kept in memory for this take only)."
_STYLE = (
    "<style>.microexp-events select, .microexp-events .widget-html-content pre "
    "{font-family: var(--jp-code-font-family, monospace); font-size: 12px;}</style>"
)


def _row(event) -> str:
    return (
        f"{event.au:<6}{event.onset_s:>9.2f}{event.apex_s:>9.2f}{event.offset_s:>10.2f}"
        f"{event.duration_ms:>8.0f}  {event.kind}"
    )


class TimelineView(widgets.VBox):
    """Draw an :class:`~microexp_widgets.AUTimeline`: AU intensities over time, the spotted movements, a table.

    Parameters
    ----------
    timeline
        The timeline to show first (from a recording, a sample clip, a file, or an OpenFace CSV); settable later.

    Notes
    -----
    ``figure`` is the plotly ``FigureWidget``; ``time_s`` is the time cursor (set by clicking the plot or picking
    a movement; an :class:`~microexp_widgets.AUFace` can follow it with ``face.link(view)``).
    """

    timeline = traitlets.Any(None, allow_none=True, help="The AUTimeline shown, or None.")
    """Type: AUTimeline or None. Default: None. Setting it redraws the figure in place."""
    time_s = traitlets.Float(0.0, help="Time cursor in seconds.")
    """Type: float. Default: 0.0. Moves the dashed cursor line; follows clicks on the plot."""
    selected = traitlets.Int(-1, help="Index of the picked movement in timeline.events, or -1.")
    """Type: int. Default: -1."""

    def __init__(self, timeline: AUTimeline | None = None):
        import plotly.graph_objects as go

        self.figure = go.FigureWidget(plots.timeline_figure(None))
        self._au_count = len(AU_TABLE)
        self.figure.add_scatter(
            x=[], y=[], mode="lines", name="cursor", showlegend=False, hoverinfo="skip",
            line={"color": "#333333", "width": 1, "dash": "dash"},
        )  # fmt: skip
        self._apex = self.figure.data[self._au_count]
        self._cursor = self.figure.data[self._au_count + 1]
        for trace in self.figure.data[: self._au_count]:
            trace.on_click(self._on_plot_click)
        self._apex.on_click(self._on_apex_click)

        self._region_buttons = {
            region: widgets.ToggleButton(value=True, description=region, tooltip=f"show or hide the {region} AUs")
            for region in REGIONS
        }
        for region, button in self._region_buttons.items():
            button.observe(lambda change, region=region: self._toggle_region(region, change.new), "value")
        regions = widgets.HBox([widgets.Label("Face regions:"), *self._region_buttons.values()])

        self._summary = widgets.HTML()
        self._events_header = widgets.HTML(f"{_STYLE}<pre>{html.escape(_TABLE_HEADER)}</pre>")
        self._events = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="480px"))
        self._events.observe(self._on_pick, "value")
        events_box = widgets.VBox(
            [widgets.HTML("<b>Movements</b>"), self._events_header, self._events],
        )
        events_box.add_class("microexp-events")
        self._still = StillView()
        self._still_caption = widgets.HTML()
        still_box = widgets.VBox([widgets.HTML("<b>Your frame at the apex</b>"), self._still, self._still_caption])
        self._still_id = 0
        super().__init__([self._summary, regions, self.figure, widgets.HBox([events_box, still_box])])
        self.add_class("microexp-timeline-view")
        self._redraw(None)
        if timeline is not None:
            self.timeline = timeline

    # ---------------------------------------------------------------------------------------------------------
    # Public API

    def link(self, recorder: Recorder) -> TimelineView:
        """Draw every new take of ``recorder`` here (and its current one, if any); returns this view."""
        recorder.observe(self._on_recorder_timeline, "timeline")
        if recorder.timeline is not None:
            self.timeline = recorder.timeline
        return self

    def unlink(self, recorder: Recorder) -> None:
        """Stop following ``recorder``."""
        recorder.unobserve(self._on_recorder_timeline, "timeline")

    @property
    def events_table(self) -> pd.DataFrame:
        """The movements listed in the table: AU, onset, apex, offset, duration (ms) and kind."""
        import pandas as pd

        events = [] if self.timeline is None else self.timeline.events
        return pd.DataFrame([{k: e.as_dict()[k] for k in EVENT_COLUMNS} for e in events], columns=EVENT_COLUMNS)

    @property
    def event_rows(self) -> list[str]:
        """The table's rows as shown."""
        return [label for label, _ in self._events.options]

    def select_event(self, index: int) -> None:
        """Pick movement ``index`` (as clicking its row does): highlight it and show the frame at its apex."""
        self._events.value = index

    # ---------------------------------------------------------------------------------------------------------
    # Drawing

    def _on_recorder_timeline(self, change) -> None:
        self.timeline = change.new

    @traitlets.observe("timeline")
    def _timeline_changed(self, change) -> None:
        self._redraw(change.new)

    def _redraw(self, timeline: AUTimeline | None) -> None:
        events = list(timeline.events) if timeline is not None else []
        apex = plots.apex_trace(events)
        with self.figure.batch_update():
            for trace, au in zip(self.figure.data[: self._au_count], AU_TABLE, strict=True):
                if timeline is not None and au.code in timeline.frame.columns:
                    trace.x = timeline.frame["time_s"].to_numpy(dtype=float)
                    trace.y = timeline.frame[au.code].to_numpy(dtype=float)
                else:
                    trace.x, trace.y = np.empty(0), np.empty(0)
            self._apex.x = apex["x"]
            self._apex.y = apex["y"]
            self._apex.marker = apex["marker"]
            self._apex.customdata = apex["customdata"]
            self.figure.layout.shapes = plots.event_shapes(events)
            self.figure.layout.title.text = plots.timeline_title(timeline)
            if timeline is not None and timeline.duration_s > 0:
                self.figure.layout.xaxis.range = [0, timeline.duration_s]
            self._cursor.x, self._cursor.y = [], []
        self._summary.value = self._summary_html(timeline)
        self._still_id += 1
        self.selected = -1
        self._events.options = [(_row(e), i) for i, e in enumerate(events)]
        self._events.value = None
        self._still.show(None, "")
        self._still_caption.value = html.escape(_PICK_HINT if events else "")

    def _summary_html(self, timeline: AUTimeline | None) -> str:
        if timeline is None:
            return "No take yet: record one, use a sample clip, or set <code>view.timeline</code>."
        weak = ", ".join(au.code for au in AU_TABLE if not au.reliable and au.code in timeline.frame.columns)
        parts = [
            f"{timeline.duration_s:.1f} s, a face in {timeline.face_frames} of {timeline.frames} frames.",
            "Shaded bands are movements: dotted outline and ★ = micro (500 ms or shorter), plain band and ● = macro.",
        ]
        if weak:
            parts.append(f"Dotted lines ({weak}) are weak channels of this face model: a flat line there means little.")
        parts += list(timeline.warnings)
        return "<br>".join(html.escape(p) for p in parts)

    def _toggle_region(self, region: str, shown: bool) -> None:
        with self.figure.batch_update():
            for trace, au in zip(self.figure.data[: self._au_count], AU_TABLE, strict=True):
                if au.region == region:
                    trace.visible = True if shown else "legendonly"

    @traitlets.observe("time_s")
    def _move_cursor(self, change) -> None:
        t = float(change.new)
        with self.figure.batch_update():
            self._cursor.x = [t, t]
            self._cursor.y = [0, plots.Y_MAX]

    def _on_plot_click(self, trace, points, state) -> None:
        if points.xs:
            self.time_s = float(points.xs[0])

    def _on_apex_click(self, trace, points, state) -> None:
        if points.point_inds:
            self.select_event(int(points.point_inds[0]))

    # ---------------------------------------------------------------------------------------------------------
    # A picked movement

    def _on_pick(self, change) -> None:
        index = change.new
        timeline = self.timeline
        if index is None or timeline is None or not 0 <= index < len(timeline.events):
            return
        event = timeline.events[index]
        self.selected = index
        with self.figure.batch_update():
            self.figure.layout.shapes = plots.event_shapes(timeline.events, selected=index)
        self.time_s = event.apex_s
        self._still_id += 1
        still_id = self._still_id
        name = au_info(event.au).name
        self._still_caption.value = html.escape(f"Looking for your frame at {event.apex_s:.2f} s…")

        page_stills = getattr(timeline, "page_stills", None)
        if page_stills:  # a take analysed in the browser: its frames never left the page
            caption = (
                f"{event.au} {name}, {event.kind}, at its apex ({event.apex_s:.2f} s). Your own frame: "
                "kept in this browser tab only, for this take only."
            )
            self._still.show_page_frame(page_stills, event.apex_s, caption)
            self._still_caption.value = html.escape(caption)
            return

        def fetch() -> None:
            try:
                rgb = timeline.still_at(event.apex_s)
            except Exception:  # a damaged clip: say there is no picture rather than fail
                rgb = None
            if still_id != self._still_id:
                return
            if rgb is None:
                caption = _NO_PICTURE
            else:
                caption = (
                    f"{event.au} {name}, {event.kind}, at its apex ({event.apex_s:.2f} s). Your own frame: "
                    "kept in this kernel's memory for this take only."
                )
            self._still.show(rgb, caption)
            self._still_caption.value = html.escape(caption)

        threading.Thread(target=fetch, name="microexp-still", daemon=True).start()
