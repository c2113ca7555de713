"""The plain plotly figures: traces per AU by region, event bands that differ in more than colour, snapshot bars."""

from __future__ import annotations

import math

import pytest
from _made_timelines import two_movements

from microexp_widgets import plots
from microexp_widgets.aus import AU_TABLE, REGIONS


@pytest.fixture(scope="module")
def timeline():
    made = two_movements()
    assert [(e.au, e.kind) for e in made.events] == [("AU04", "micro"), ("AU12", "macro")]
    return made


def test_one_trace_per_au_grouped_by_region_plus_apex_markers(timeline):
    figure = plots.timeline_figure(timeline)
    au_traces = figure.data[: len(AU_TABLE)]
    assert [t.meta["au"] for t in au_traces] == [au.code for au in AU_TABLE]
    assert {t.legendgroup for t in au_traces} == set(REGIONS)
    au12 = next(t for t in au_traces if t.meta["au"] == "AU12")
    assert list(au12.x) == timeline.frame["time_s"].tolist()
    assert math.isnan(au12.y[62]), "a frame without a face must stay a gap"
    assert au12.connectgaps is False
    assert figure.layout.xaxis.title.text == "time (s)"
    apex = figure.data[len(AU_TABLE)]
    assert list(apex.x) == [e.apex_s for e in timeline.events]
    assert list(apex.marker.symbol) == ["star", "circle"]


def test_hover_names_code_name_muscle_and_value(timeline):
    figure = plots.timeline_figure(timeline)
    for trace, au in zip(figure.data[: len(AU_TABLE)], AU_TABLE, strict=True):
        assert au.code in trace.hovertemplate and au.name in trace.hovertemplate
        assert au.muscle in trace.hovertemplate and "%{y:.2f}" in trace.hovertemplate


def test_weak_aus_are_dotted_and_named_weak(timeline):
    figure = plots.timeline_figure(timeline)
    for trace, au in zip(figure.data[: len(AU_TABLE)], AU_TABLE, strict=True):
        assert (trace.line.dash == "dot") is (not au.reliable)
        assert trace.name.endswith("(weak)") is (not au.reliable)
    assert {au.code for au in AU_TABLE if not au.reliable} == {"AU05", "AU06", "AU09"}


def test_micro_and_macro_bands_differ_without_colour(timeline):
    shapes = plots.timeline_figure(timeline).layout.shapes
    micro, macro = shapes
    assert (micro.x0, micro.x1) == (1.0, 1.2) and (macro.x0, macro.x1) == (3.0, 4.5)
    assert micro.line.dash == "dot" and micro.line.width > 0 and micro.label.text == "micro AU04"
    assert macro.line.width == 0 and not macro.label.text
    chosen = plots.event_shapes(timeline.events, selected=1)[1]
    assert chosen["line"]["width"] == 3 and chosen["label"]["text"] == "macro AU12"


def test_regions_outside_the_choice_start_hidden(timeline):
    figure = plots.timeline_figure(timeline, regions=["mouth"])
    for trace, au in zip(figure.data[: len(AU_TABLE)], AU_TABLE, strict=True):
        assert trace.visible is True if au.region == "mouth" else trace.visible == "legendonly"


def test_an_empty_figure_says_there_is_no_take_yet():
    figure = plots.timeline_figure(None)
    assert "No take yet" in figure.layout.title.text
    assert all(len(t.x) == 0 for t in figure.data)
    assert not figure.layout.shapes


def test_event_strip_hatches_and_labels_micro(timeline):
    figure = plots.event_strip_figure(timeline)
    macro, micro = figure.data
    assert micro.marker.pattern.shape == "/" and list(micro.text) == ["micro"]
    assert macro.marker.pattern.shape == "" and list(micro.base) == [1.0]
    assert list(micro.x) == pytest.approx([0.2])
    assert list(macro.y) == ["AU12 lip corner puller"]


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
