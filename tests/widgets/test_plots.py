"""The plain plotly figures: annotation lanes over picked traces, kinds that differ beyond colour, snapshot bars."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _made_timelines import two_movements

from microexp_widgets import plot_lanes, plots
from microexp_widgets.aus import AU_TABLE
from microexp_widgets.spotting import AUEvent
from microexp_widgets.timeline import AUTimeline

AU_COUNT = len(AU_TABLE)


@pytest.fixture(scope="module")
def timeline():
    made = two_movements()
    assert [(e.au, e.kind) for e in made.events] == [("AU04", "micro"), ("AU12", "macro")]
    return made


def _role(figure, role, kind=None):
    return [t for t in figure.data if t.meta["role"] == role and (kind is None or t.meta.get("kind") == kind)]


def test_one_lane_per_au_that_moved_with_a_bar_from_onset_to_offset(timeline):
    figure = plots.timeline_figure(timeline)
    assert list(figure.layout.yaxis.ticktext) == ["AU04 brow lowerer", "AU12 lip corner puller"]
    (micro,) = _role(figure, "bars", "micro")
    (macro,) = _role(figure, "bars", "macro")
    assert list(micro.base) == [1.0] and list(micro.x) == pytest.approx([0.2]) and list(micro.y) == [0]
    assert list(macro.base) == [3.0] and list(macro.x) == pytest.approx([1.5]) and list(macro.y) == [1]
    (apex,) = _role(figure, "apexes")
    assert list(apex.x) == [e.apex_s for e in timeline.events]


def test_micro_macro_and_cut_off_differ_in_shape_and_label_not_colour_alone():
    styles = plots.KIND_STYLE
    assert len({s["symbol"] for s in styles.values()}) == len(plots.KINDS) == 4
    assert len({s["pattern"] for s in styles.values()}) == len(plots.KINDS)
    assert styles["micro"]["height"] < styles["macro"]["height"]
    assert [styles[kind]["label"] for kind in plots.KINDS] == ["macro", "micro", "short", "cut off"]
    frame = two_movements().frame.copy()
    frame.loc[:3, "AU01"] = 0.6  # a brow raise already under way when the take began
    figure = plots.timeline_figure(AUTimeline(frame))
    (cut,) = _role(figure, "bars", "cut_off")
    assert list(cut.base) == [0.0]
    (apex,) = _role(figure, "apexes")
    assert list(apex.marker.symbol) == ["triangle-left", "star", "circle"]
    (labels,) = _role(figure, "labels")
    assert sorted(labels.text) == ["cut off", "macro", "micro"]


def test_only_the_picked_traces_are_drawn_strongest_movement_first(timeline):
    figure = plots.timeline_figure(timeline)
    shown = [t.meta["au"] for t in _role(figure, "trace") if t.visible]
    assert shown == ["AU04", "AU12"]
    assert plots.default_trace_aus(timeline.events) == ["AU04", "AU12"]  # AU04 peaks at 0.7, AU12 at 0.6
    figure = plots.timeline_figure(timeline, traces=["AU12"])
    au12 = next(t for t in _role(figure, "trace") if t.visible)
    assert list(au12.x) == timeline.frame["time_s"].tolist()
    assert math.isnan(au12.y[62]), "a frame without a face must stay a gap"
    assert au12.connectgaps is False


def test_the_default_traces_are_at_most_four_and_prefer_complete_movements():
    def event(au, peak, cut_off=None):
        kind = "cut_off" if cut_off else "macro"
        return AUEvent(au, 1.0, 1.5, 2.0, 1000.0, peak, kind, cut_off)

    events = [event("AU12", 0.9, "end"), *(event(f"AU{n:02d}", 0.3 + n / 100) for n in (1, 2, 4, 7, 10))]
    assert plots.default_trace_aus(events) == ["AU10", "AU07", "AU04", "AU02"]


def test_hover_names_code_name_muscle_and_value(timeline):
    figure = plots.timeline_figure(timeline, traces=[au.code for au in AU_TABLE])
    for trace, au in zip(_role(figure, "trace"), AU_TABLE, strict=True):
        assert au.code in trace.hovertemplate and au.name in trace.hovertemplate
        assert au.muscle in trace.hovertemplate and "%{y:.2f}" in trace.hovertemplate
    (micro,) = _role(figure, "bars", "micro")
    assert "muscle" in micro.hovertemplate and "corrugator" in micro.customdata[0][3]


def test_weak_aus_are_dotted_and_named_weak_on_their_lane(timeline):
    figure = plots.timeline_figure(timeline)
    for trace, au in zip(_role(figure, "trace"), AU_TABLE, strict=True):
        assert (trace.line.dash == "dot") is (not au.reliable)
        assert trace.name.endswith("(weak)") is (not au.reliable)
    assert {au.code for au in AU_TABLE if not au.reliable} == {"AU05", "AU06", "AU09"}
    frame = two_movements().frame.copy()
    frame.loc[90:110, "AU06"] = 0.5
    figure = plots.timeline_figure(AUTimeline(frame))
    assert "AU06 cheek raiser (weak)" in figure.layout.yaxis.ticktext


def test_hidden_regions_lose_their_lanes(timeline):
    figure = plots.timeline_figure(timeline, regions=["mouth"])
    assert list(figure.layout.yaxis.ticktext) == ["AU12 lip corner puller"]
    assert len(_role(figure, "bars", "micro")[0].x) == 0


def test_kind_labels_never_overlap_each_other_bars_or_markers():
    # 25 movements in 20 s, crowded into three lanes: what the Pexels sample looks like, and worse.
    events = [
        AUEvent(au, t, t + 0.1, t + 0.3, 300.0, 0.5, "micro")
        for au, start in (("AU01", 0.4), ("AU02", 0.55), ("AU12", 0.7))
        for t in [start + 2.3 * k for k in range(8)]
    ] + [AUEvent("AU12", 18.9, 19.0, 19.2, 300.0, 0.5, "micro")]
    lanes = plots.lane_aus(events)
    placed = plots.kind_labels(events, lanes, 20.0)
    per_px = 20.0 / plot_lanes.NARROWEST_PLOT_PX
    boxes = {}
    for index, x, text in placed:
        boxes.setdefault(events[index].au, []).append((x, x + plot_lanes.text_px(text) * per_px))
        assert x >= 0 and x + plot_lanes.text_px(text) * per_px <= 20.0
    for lane, spans in boxes.items():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), lane
        for start, end in spans:
            for e in events:
                if e.au == lane:
                    assert end <= e.onset_s or start >= e.offset_s, "a label on a bar"
    assert len(placed) >= 20, "most movements keep their label"
    crowded = [AUEvent("AU04", 0.1 * k, 0.1 * k + 0.02, 0.1 * k + 0.05, 50.0, 0.5, "micro") for k in range(20)]
    assert len(plots.kind_labels(crowded, ["AU04"], 20.0)) < 20, "labels that cannot fit are left out"


def test_an_empty_figure_says_there_is_no_take_yet():
    figure = plots.timeline_figure(None)
    assert "No take yet" in figure.layout.title.text
    assert all(t.x is None or len(t.x) == 0 for t in figure.data)
    assert not figure.layout.shapes


def test_selection_and_cursor_are_drawn(timeline):
    figure = plots.timeline_figure(timeline, selected=1)
    (macro,) = _role(figure, "bars", "macro")
    assert list(macro.marker.line.width) == [3]
    layout = plots.timeline_layout(timeline, selected=1, cursor_s=3.2)
    band, cursor = layout["shapes"]
    assert (band["x0"], band["x1"]) == (3.0, 4.5) and cursor["x0"] == cursor["x1"] == 3.2


def test_snapshot_shows_every_au_at_the_nearest_frame(timeline):
    figure = plots.au_snapshot_figure(timeline, 1.07)
    bar = figure.data[0]
    row = timeline.frame.iloc[32]
    assert list(bar.y) == [pytest.approx(float(row[au.code])) for au in AU_TABLE]
    assert "1.07 s" in figure.layout.title.text
    weak = [au.reliable for au in AU_TABLE]
    assert [shape == "" for shape in bar.marker.pattern.shape] == weak
    gap = plots.au_snapshot_figure(timeline, 62 / 30)
    assert "no face" in gap.layout.title.text
    assert isinstance(timeline.frame, pd.DataFrame)
