"""Plotly figures of a take: AU intensities over time with the spotted movements, an event strip, an AU snapshot.

Plain functions returning ``plotly.graph_objects.Figure`` so lessons can use them without widgets;
:class:`~microexp_widgets.TimelineView` builds its ``FigureWidget`` from the same pieces and then updates it in place.
Micro and macro movements differ in more than colour: micro bands have a dotted outline and a "micro" label, and
their apex markers are stars (macro: circles). Weak channels (``reliable=False``) are dotted and named "(weak)".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .aus import AU_TABLE, REGIONS, ActionUnit

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from .spotting import AUEvent
    from .timeline import AUTimeline

__all__ = [
    "au_snapshot_figure",
    "au_trace",
    "event_shapes",
    "event_strip_figure",
    "timeline_figure",
]

# One colour per AU, grouped by region so neighbours in the legend differ (Okabe-Ito-like, then tints).
_PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
    "#882255", "#44AA99", "#117733", "#999933", "#AA4499", "#332288", "#DDCC77", "#88CCEE",
    "#661100", "#6699CC", "#AA4466", "#4477AA", "#228833", "#EE6677",
)  # fmt: skip
AU_COLORS = {au.code: _PALETTE[i % len(_PALETTE)] for i, au in enumerate(AU_TABLE)}
MICRO_FILL = "rgba(213, 94, 0, 0.22)"
MACRO_FILL = "rgba(0, 114, 178, 0.10)"
Y_MAX = 1.05
TITLE_FONT = {"size": 14}


def _label(au: ActionUnit) -> str:
    return f"{au.code} {au.name}" + ("" if au.reliable else " (weak)")


def _hover(au: ActionUnit) -> str:
    weak = "" if au.reliable else "<br><i>weak channel with this model: a flat line does not mean still</i>"
    return (
        f"<b>{au.code}</b> {au.name}<br>muscle: {au.muscle}<br>region: {au.region}"
        f"<br>time: %{{x:.2f}} s<br>value: %{{y:.2f}}{weak}<extra></extra>"
    )


def au_trace(au: ActionUnit, times: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray) -> dict:
    """A scatter trace (as a dict) of one AU's intensity over time; NaN (no face) leaves a visible gap."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": np.asarray(times, dtype=float),
        "y": np.asarray(values, dtype=float),
        "name": _label(au),
        "legendgroup": au.region,
        "legendgrouptitle": {"text": au.region},
        "line": {
            "color": AU_COLORS[au.code],
            "width": 1.5 if au.reliable else 1.2,
            "dash": "solid" if au.reliable else "dot",
        },
        "hovertemplate": _hover(au),
        "connectgaps": False,
        "meta": {"au": au.code, "region": au.region, "reliable": au.reliable},
    }


def _series(timeline: AUTimeline | None, code: str) -> tuple[np.ndarray, np.ndarray]:
    if timeline is None or code not in timeline.frame.columns:
        return np.empty(0), np.empty(0)
    frame = timeline.frame
    return frame["time_s"].to_numpy(dtype=float), frame[code].to_numpy(dtype=float)


def event_shapes(events: Iterable[AUEvent], selected: int | None = None) -> list[dict]:
    """Shaded bands (plotly layout shapes) from onset to offset of each event; ``selected`` is outlined thickly."""
    shapes = []
    for index, event in enumerate(events):
        micro = event.kind == "micro"
        chosen = index == selected
        shape = {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": event.onset_s,
            "x1": max(event.offset_s, event.onset_s + 1e-3),
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "fillcolor": MICRO_FILL if micro else MACRO_FILL,
            "line": {
                "color": "#000000" if chosen else ("#D55E00" if micro else "rgba(0,0,0,0)"),
                "width": 3 if chosen else (1.5 if micro else 0),
                "dash": "dot" if micro else "solid",
            },
            "name": f"{event.au} {event.kind}",
        }
        if micro or chosen:
            shape["label"] = {
                "text": f"{'micro' if micro else 'macro'} {event.au}",
                "textposition": "top left",
                "font": {"size": 10},
            }
        shapes.append(shape)
    return shapes


def apex_trace(events: Sequence[AUEvent]) -> dict:
    """Markers at each event's apex: stars for micro, circles for macro (clickable in the widget)."""
    from .aus import au_info

    return {
        "type": "scatter",
        "mode": "markers",
        "x": [e.apex_s for e in events],
        "y": [min(float(e.peak), Y_MAX) for e in events],
        "name": "event apex (★ micro, ● macro)",
        "marker": {
            "symbol": ["star" if e.kind == "micro" else "circle" for e in events],
            "size": [13 if e.kind == "micro" else 8 for e in events],
            "color": [AU_COLORS.get(e.au, "#444444") for e in events],
            "line": {"color": "#000000", "width": 1},
        },
        "customdata": [[e.au, au_info(e.au).name, e.kind, e.onset_s, e.offset_s, e.duration_ms] for e in events],
        "hovertemplate": (
            "<b>%{customdata[0]}</b> %{customdata[1]}: %{customdata[2]} movement<br>"
            "onset %{customdata[3]:.2f} s, apex %{x:.2f} s, offset %{customdata[4]:.2f} s"
            "<br>%{customdata[5]:.0f} ms, peak %{y:.2f}<extra></extra>"
        ),
        "legendgroup": "events",
        "meta": {"role": "apex"},
    }


def _layout(title: str, duration_s: float | None) -> dict:
    layout = {
        "title": {"text": title, "font": TITLE_FONT},
        "xaxis": {"title": {"text": "time (s)"}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": "intensity (0 = neutral, 1 = strongest)"}, "range": [0, Y_MAX]},
        "legend": {"groupclick": "toggleitem", "tracegroupgap": 6},
        "hovermode": "closest",
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "height": 460,
        "template": "plotly_white",
    }
    if duration_s:
        layout["xaxis"]["range"] = [0, duration_s]
    return layout


def timeline_title(timeline: AUTimeline | None) -> str:
    if timeline is None:
        return "No take yet: record one, or use a sample clip"
    micro = sum(1 for e in timeline.events if e.kind == "micro")
    return (
        f"Facial movements in {timeline.source or 'the take'}: face in {timeline.face_frames} of {timeline.frames} "
        f"frames, {len(timeline.events)} movements ({micro} micro)"
    )


def timeline_figure(
    timeline: AUTimeline | None, *, regions: Iterable[str] = REGIONS, show_events: bool = True
) -> go.Figure:
    """AU intensity over time, one line per AU grouped by face region, with the spotted movements shaded.

    Every AU of the table gets a trace (empty when the timeline lacks it), so the figure's shape is the same for any
    timeline; AUs outside ``regions`` start hidden (``legendonly``).
    """
    import plotly.graph_objects as go

    shown = set(regions)
    traces = []
    for au in AU_TABLE:
        trace = au_trace(au, *_series(timeline, au.code))
        trace["visible"] = True if au.region in shown else "legendonly"
        traces.append(trace)
    events = list(timeline.events) if (timeline is not None and show_events) else []
    traces.append(apex_trace(events))
    layout = _layout(timeline_title(timeline), timeline.duration_s if timeline is not None else None)
    layout["shapes"] = event_shapes(events)
    return go.Figure(data=traces, layout=layout)


def event_strip_figure(timeline: AUTimeline) -> go.Figure:
    """One row per AU, one bar per movement from onset to offset; micro bars are hatched and labelled."""
    import plotly.graph_objects as go

    from .aus import au_info

    figure = go.Figure()
    for kind, pattern in (("macro", ""), ("micro", "/")):
        events = [e for e in timeline.events if e.kind == kind]
        figure.add_bar(
            y=[f"{e.au} {au_info(e.au).name}" for e in events],
            x=[max(e.offset_s - e.onset_s, 1e-3) for e in events],
            base=[e.onset_s for e in events],
            orientation="h",
            name=kind,
            text=[kind if kind == "micro" else "" for e in events],
            textposition="inside",
            marker={
                "color": [AU_COLORS.get(e.au, "#444444") for e in events],
                "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "#000000"},
                "line": {"color": "#000000", "width": 1 if kind == "micro" else 0},
                "opacity": 0.85,
            },
            customdata=[[e.apex_s, e.duration_ms, e.peak] for e in events],
            hovertemplate="%{y}<br>%{base:.2f} to %{x:.2f} s after onset<br>apex %{customdata[0]:.2f} s, "
            "%{customdata[1]:.0f} ms, peak %{customdata[2]:.2f}<extra>" + kind + "</extra>",
        )
    layout = _layout(f"Movements over time ({len(timeline.events)})", timeline.duration_s)
    layout["yaxis"] = {"title": {"text": ""}, "categoryorder": "category descending"}
    layout["height"] = max(240, 40 + 26 * len({e.au for e in timeline.events}))
    layout["barmode"] = "overlay"
    figure.update_layout(layout)
    return figure


def au_snapshot_figure(timeline: AUTimeline, time_s: float) -> go.Figure:
    """Every AU's intensity at the frame nearest ``time_s``, as bars; weak AUs hatched and named "(weak)"."""
    import plotly.graph_objects as go

    frame = timeline.frame
    if frame.empty:
        raise ValueError("This timeline has no frames to show.")
    index = int(np.argmin(np.abs(frame["time_s"].to_numpy(dtype=float) - time_s)))
    row = frame.iloc[index]
    aus = [au for au in AU_TABLE if au.code in frame.columns]
    values = [float(row[au.code]) for au in aus]
    figure = go.Figure(
        go.Bar(
            x=[_label(au) for au in aus],
            y=values,
            marker={
                "color": [AU_COLORS[au.code] for au in aus],
                "pattern": {"shape": ["" if au.reliable else "x" for au in aus]},
            },
            customdata=[[au.muscle, au.region] for au in aus],
            hovertemplate="%{x}<br>muscle: %{customdata[0]}<br>region: %{customdata[1]}"
            "<br>value: %{y:.2f}<extra></extra>",
        )
    )
    face = "" if bool(row["face"]) else " (no face in this frame)"
    figure.update_layout(
        title={"text": f"Action Units at {float(row['time_s']):.2f} s{face}", "font": TITLE_FONT},
        yaxis={"range": [0, Y_MAX], "title": {"text": "intensity"}},
        xaxis={"tickangle": -45},
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 140},
    )
    return figure
