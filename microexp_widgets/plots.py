"""Plotly figures of a take: an annotation view of its movements (lanes over picked traces), and an AU snapshot.

The timeline figure reads like a FACS coder's annotation tiers (as in ELAN): one lane per Action Unit that moved, a bar
from onset to offset for each movement and a marker at its apex; under the lanes, the intensity traces of only the AUs
picked (by default the AU of the strongest movement and at most three more). Micro, macro and cut-off movements differ
in bar height, hatching, apex marker shape and a text label, not colour alone. Weak channels of the face model are
named "(weak)" on their lane and dotted as traces.

Plain functions returning ``plotly.graph_objects.Figure`` (or the dicts inside one), so lessons can use them without
widgets; :class:`~microexp_widgets.TimelineView` draws :func:`timeline_figure` again whenever the take, the picked
movement or the picked traces change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .aus import AU_TABLE, REGIONS, ActionUnit, au_info
from .plot_lanes import KIND_STYLE, KINDS, bar_end, default_trace_aus, kind_labels, lane_aus
from .spotting import kind_words

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from .spotting import AUEvent
    from .timeline import AUTimeline

__all__ = [
    "au_snapshot_figure",
    "default_trace_aus",
    "lane_aus",
    "timeline_figure",
    "timeline_layout",
    "timeline_traces",
]

# One colour per AU for its trace (Okabe-Ito first, then Tol's colours), so neighbouring traces differ.
_PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
    "#882255", "#44AA99", "#117733", "#999933", "#AA4499", "#332288", "#DDCC77", "#88CCEE",
    "#661100", "#6699CC", "#AA4466", "#4477AA", "#228833", "#EE6677",
)  # fmt: skip
AU_COLORS = {au.code: _PALETTE[i % len(_PALETTE)] for i, au in enumerate(AU_TABLE)}
Y_MAX = 1.05
TITLE_FONT = {"size": 14}
LANE_PX = 26
TRACES_PX = 170
_MARGIN = {"l": 10, "r": 16, "t": 40, "b": 96}  # the bottom holds the time axis and the traces' legend
_GAP_PX = 30
LABEL_FONT_SIZE = 10


def _label(au: ActionUnit) -> str:
    return f"{au.code} {au.name}" + ("" if au.reliable else " (weak)")


def _hover(au: ActionUnit) -> str:
    weak = "<br><i>weak channel with this model: a flat line does not mean still</i>" if not au.reliable else ""
    return (
        f"<b>{au.code}</b> {au.name}<br>muscle: {au.muscle}<br>region: {au.region}"
        f"<br>time: %{{x:.2f}} s<br>value: %{{y:.2f}}{weak}<extra></extra>"
    )


# ---------------------------------------------------------------------------------------------------------------
# The figure's traces: always the same list in the same order, so tests and callers can find each by its meta.role


def _event_text(event: AUEvent) -> list:
    au = au_info(event.au)
    return [au.code, au.name, au.muscle, kind_words(event), event.onset_s, event.apex_s, event.offset_s,
            event.duration_ms, event.peak]  # fmt: skip


_EVENT_HOVER = (
    "<b>%{customdata[1]}</b> %{customdata[2]}<br>muscle: %{customdata[3]}<br>%{customdata[4]}"
    "<br>onset %{customdata[5]:.2f} s, apex %{customdata[6]:.2f} s, offset %{customdata[7]:.2f} s"
    "<br>%{customdata[8]:.0f} ms, peak value %{customdata[9]:.2f}<extra></extra>"
)


def _lane_backgrounds(lanes: Sequence[str], duration_s: float) -> dict:
    """A faint full-length band per lane: it stripes the lanes and makes a click anywhere on a lane count."""
    return {
        "type": "bar",
        "orientation": "h",
        "x": [duration_s] * len(lanes),
        "base": [0.0] * len(lanes),
        "y": list(range(len(lanes))),
        "width": 0.96,
        "marker": {"color": ["rgba(0,0,0,0.045)" if i % 2 == 0 else "rgba(0,0,0,0.015)" for i in range(len(lanes))]},
        "customdata": [[code] for code in lanes],
        "hovertemplate": "%{customdata[0]}: click to show or hide its trace<extra></extra>",
        "showlegend": False,
        "xaxis": "x",
        "yaxis": "y",
        "meta": {"role": "lanes"},
    }


def _bars(kind: str, events: Sequence[AUEvent], lanes: Sequence[str], selected: int | None) -> dict:
    style = KIND_STYLE[kind]
    rows = [(i, e) for i, e in enumerate(events) if e.kind == kind and e.au in lanes]
    return {
        "type": "bar",
        "orientation": "h",
        "base": [e.onset_s for _, e in rows],
        "x": [bar_end(e) - e.onset_s for _, e in rows],
        "y": [lanes.index(e.au) for _, e in rows],
        "width": style["height"],
        "marker": {
            "color": style["color"],
            "opacity": 0.9,
            "pattern": {"shape": style["pattern"], "fgcolor": "#FFFFFF", "fillmode": "overlay", "size": 6},
            "line": {
                "color": ["#000000" if i == selected else "#333333" for i, _ in rows],
                "width": [3 if i == selected else 0.5 for i, _ in rows],
            },
        },
        "customdata": [[i, *_event_text(e)] for i, e in rows],
        "hovertemplate": _EVENT_HOVER,
        "name": style["label"],
        "showlegend": False,
        "xaxis": "x",
        "yaxis": "y",
        "meta": {"role": "bars", "kind": kind},
    }


def _apex_symbol(event: AUEvent) -> str:
    """Star for micro, circle for macro; a cut-off movement's triangle points at the edge that cut it."""
    return {"start": "triangle-left", "end": "triangle-right"}.get(
        event.cut_off or "", KIND_STYLE[event.kind]["symbol"]
    )


def _apexes(events: Sequence[AUEvent], lanes: Sequence[str]) -> dict:
    rows = [(i, e) for i, e in enumerate(events) if e.au in lanes]
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [e.apex_s for _, e in rows],
        "y": [lanes.index(e.au) for _, e in rows],
        "marker": {
            "symbol": [_apex_symbol(e) for _, e in rows],
            "size": [14 if e.kind == "micro" else 10 for _, e in rows],
            "color": "#FFFFFF",
            "line": {"color": "#000000", "width": 1.5},
        },
        "customdata": [[i, *_event_text(e)] for i, e in rows],
        "hovertemplate": _EVENT_HOVER,
        "name": "apex",
        "showlegend": False,
        "xaxis": "x",
        "yaxis": "y",
        "meta": {"role": "apexes"},
    }


def _labels(events: Sequence[AUEvent], lanes: Sequence[str], duration_s: float) -> dict:
    placed = kind_labels(events, lanes, duration_s)
    return {
        "type": "scatter",
        "mode": "text",
        "x": [x for _, x, _ in placed],
        "y": [lanes.index(events[i].au) for i, _, _ in placed],
        "text": [text for _, _, text in placed],
        "textposition": "middle right",
        "textfont": {"size": LABEL_FONT_SIZE, "color": "#222222"},
        "hoverinfo": "skip",
        "showlegend": False,
        "cliponaxis": False,
        "xaxis": "x",
        "yaxis": "y",
        "meta": {"role": "labels"},
    }


def au_trace(au: ActionUnit, times: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray) -> dict:
    """A scatter trace (as a dict) of one AU's intensity over time; NaN (no face) leaves a visible gap."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": np.asarray(times, dtype=float),
        "y": np.asarray(values, dtype=float),
        "name": _label(au),
        "line": {
            "color": AU_COLORS[au.code],
            "width": 1.8 if au.reliable else 1.4,
            "dash": "solid" if au.reliable else "dot",
        },
        "hovertemplate": _hover(au),
        "connectgaps": False,
        "xaxis": "x2",
        "yaxis": "y2",
        "meta": {"role": "trace", "au": au.code, "region": au.region, "reliable": au.reliable},
    }


def _series(timeline: AUTimeline | None, code: str) -> tuple[np.ndarray, np.ndarray]:
    if timeline is None or code not in timeline.frame.columns:
        return np.empty(0), np.empty(0)
    frame = timeline.frame
    return frame["time_s"].to_numpy(dtype=float), frame[code].to_numpy(dtype=float)


def timeline_traces(
    timeline: AUTimeline | None,
    *,
    regions: Iterable[str] = REGIONS,
    traces: Iterable[str] | None = None,
    selected: int | None = None,
) -> list[dict]:
    """Every trace of the timeline figure, as dicts, always the same number in the same order.

    Lanes (backgrounds, one bar trace per kind, apex markers, kind labels), then one intensity trace per AU of the
    table, visible only for the AUs in ``traces`` (default: :func:`default_trace_aus`).
    """
    events = list(timeline.events) if timeline is not None else []
    lanes = lane_aus(events, regions)
    duration = _duration(timeline)
    shown = set(default_trace_aus(events) if traces is None else traces)
    out = [_lane_backgrounds(lanes, duration)]
    out += [_bars(kind, events, lanes, selected) for kind in KINDS]
    out += [_apexes(events, lanes), _labels(events, lanes, duration)]
    for au in AU_TABLE:
        # A hidden trace carries no samples: the figure travels to the page whole at every redraw.
        trace = au_trace(au, *_series(timeline if au.code in shown else None, au.code))
        trace["visible"] = au.code in shown
        out.append(trace)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Layout


def _duration(timeline: AUTimeline | None) -> float:
    return float(timeline.duration_s) if timeline is not None and timeline.duration_s > 0 else 1.0


def timeline_title(timeline: AUTimeline | None) -> str:
    if timeline is None:
        return "No take yet: record one, or use a sample clip"
    counts = {kind: sum(1 for e in timeline.events if e.kind == kind) for kind in KINDS}
    # Short enough to stay clear of plotly's toolbar, which shows at the top right while the pointer is on the plot;
    # the summary above the plot says why a take has "short" movements.
    named = ("micro", "macro", "short", "cut_off")
    parts = [f"{counts[kind]} {kind.replace('_', ' ')}" for kind in named if counts[kind] or kind in ("micro", "macro")]
    return f"{len(timeline.events)} movements in {timeline.source or 'the take'}: {', '.join(parts)}"


def figure_height(lane_count: int) -> int:
    """Pixels for ``lane_count`` lanes (at least two) above the traces."""
    return _MARGIN["t"] + _MARGIN["b"] + LANE_PX * max(2, lane_count) + _GAP_PX + TRACES_PX


def timeline_layout(
    timeline: AUTimeline | None,
    *,
    regions: Iterable[str] = REGIONS,
    selected: int | None = None,
    cursor_s: float | None = None,
) -> dict:
    """The figure's layout: lanes on top (``yaxis``), traces below (``yaxis2``), one time axis, cursor and selection."""
    events = list(timeline.events) if timeline is not None else []
    lanes = lane_aus(events, regions)
    duration = _duration(timeline)
    height = figure_height(len(lanes))
    traces_top = TRACES_PX / (height - _MARGIN["t"] - _MARGIN["b"])
    gap = _GAP_PX / (height - _MARGIN["t"] - _MARGIN["b"])
    shapes = []
    if selected is not None and 0 <= selected < len(events):
        event = events[selected]
        shapes.append({
            "type": "rect", "xref": "x2", "yref": "y2 domain", "x0": event.onset_s, "x1": bar_end(event),
            "y0": 0, "y1": 1, "fillcolor": "rgba(0,0,0,0.07)", "line": {"width": 0}, "layer": "below",
        })  # fmt: skip
    if cursor_s is not None:
        shapes.append({
            "type": "line", "xref": "x2", "yref": "paper", "x0": cursor_s, "x1": cursor_s, "y0": 0, "y1": 1,
            "line": {"color": "#333333", "width": 1, "dash": "dash"},
        })  # fmt: skip
    lane_names = [_label(au_info(code)) for code in lanes]
    return {
        "title": {"text": timeline_title(timeline), "font": TITLE_FONT, "x": 0.01, "xref": "container"},
        "height": height,
        "margin": dict(_MARGIN),
        "template": "plotly_white",
        "hovermode": "closest",
        "barmode": "overlay",
        "bargap": 0,
        "showlegend": True,
        "legend": {
            "orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom",
            "font": {"size": 11},
        },
        "xaxis": {
            "anchor": "y", "range": [0, duration], "showticklabels": False, "matches": "x2",
            "showgrid": True, "fixedrange": False,
        },
        "xaxis2": {"anchor": "y2", "range": [0, duration], "title": {"text": "time (s)", "standoff": 4}},
        "yaxis": {
            "domain": [traces_top + gap, 1], "tickmode": "array", "tickvals": list(range(len(lanes))),
            "ticktext": lane_names, "range": [max(2, len(lanes)) - 0.5, -0.5], "automargin": True,
            "showgrid": False, "zeroline": False, "fixedrange": True, "tickfont": {"size": 11},
        },
        "yaxis2": {
            # Starting a little below 0 lifts the "0" of this axis clear of the "0" of the time axis.
            "domain": [0, traces_top], "range": [-0.08, Y_MAX], "title": {"text": "intensity", "standoff": 4},
            "automargin": True, "fixedrange": True,
        },
        "shapes": shapes,
    }  # fmt: skip


def timeline_figure(
    timeline: AUTimeline | None,
    *,
    regions: Iterable[str] = REGIONS,
    traces: Iterable[str] | None = None,
    selected: int | None = None,
    cursor_s: float | None = None,
) -> go.Figure:
    """A take as annotation lanes (one per AU that moved) over the intensity traces of the picked AUs."""
    import plotly.graph_objects as go

    regions = tuple(regions)
    return go.Figure(
        data=timeline_traces(timeline, regions=regions, traces=traces, selected=selected),
        layout=timeline_layout(timeline, regions=regions, selected=selected, cursor_s=cursor_s),
    )


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
