"""TimelineView: one FigureWidget updated in place, region toggles, the events table and the apex picture."""

from __future__ import annotations

import threading
import time

import pytest
from _made_timelines import two_movements

from microexp_widgets import analyze_video, read_openface_csv
from microexp_widgets.assets import sample_path
from microexp_widgets.timeline import AUTimeline
from microexp_widgets.widgets.recorder import Recorder
from microexp_widgets.widgets.timeline_view import TimelineView


@pytest.fixture(scope="module")
def sample_timeline():
    """The real single-face sample analysed by the real model."""
    return analyze_video(sample_path("single_face"))


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_an_empty_view_says_what_to_do():
    view = TimelineView()
    assert "No take yet" in view.figure.layout.title.text
    assert view.event_rows == [] and view.events_table.empty


def _visible_traces(view) -> list[str]:
    return [t.meta["au"] for t in view.figure.data if t.meta["role"] == "trace" and t.visible]


def _drawn(view) -> dict:
    """The figure as the page receives it: the one output of the plot area."""
    (output,) = view._plot.outputs
    return output["data"]["application/vnd.plotly.v1+json"]


def test_a_new_take_is_drawn_whole_as_one_output():
    view = TimelineView()
    assert list(_drawn(view)["layout"]["yaxis"]["ticktext"]) == []
    view.timeline = two_movements()
    assert view.lanes == ["AU04", "AU12"] and _visible_traces(view) == ["AU04", "AU12"]
    drawn = _drawn(view)
    assert drawn["layout"]["yaxis"]["ticktext"] == ["AU04 brow lowerer", "AU12 lip corner puller"]
    au04 = next(t for t in drawn["data"] if t["meta"].get("au") == "AU04")
    assert au04["visible"] is True
    view.timeline = None
    assert list(_drawn(view)["layout"]["yaxis"]["ticktext"]) == []
    assert "No take yet" in _drawn(view)["layout"]["title"]["text"]


def test_a_page_that_renders_later_gets_the_figure_as_it_is_now():
    # The output is synced state: a second view, or the page after a reload, draws the same figure.
    view = TimelineView(two_movements())
    state = view._plot.get_state()["outputs"]
    assert state[0]["data"]["application/vnd.plotly.v1+json"]["layout"]["yaxis"]["ticktext"][0] == "AU04 brow lowerer"
    view.select_event(1)
    assert _drawn(view)["layout"]["shapes"], "the selection and cursor are drawn"


def test_table_lists_each_movement_with_its_timing():
    view = TimelineView(two_movements())
    table = view.events_table
    assert list(table.columns) == ["au", "onset_s", "apex_s", "offset_s", "duration_ms", "peak", "kind", "cut_off"]
    assert table[["au", "kind"]].values.tolist() == [["AU04", "micro"], ["AU12", "macro"]]
    assert table["duration_ms"].tolist() == pytest.approx([200.0, 1500.0])
    first_row = view.event_rows[0].split()
    assert first_row == ["AU04", "1.00", "1.07", "1.20", "200", "micro"]


def test_cut_off_movements_say_so_in_the_table_and_the_title():
    made = two_movements()
    made.frame.loc[:3, "AU01"] = 0.6
    view = TimelineView(type(made)(made.frame, source="made"))
    assert view.event_rows[0].split()[-3:] == ["cut", "off", "(start)"]
    assert "1 cut off" in view.figure.layout.title.text
    assert "cut off by the start or end of the take" in view.summary.value


def test_region_toggles_hide_their_lanes_and_show_on_or_off():
    view = TimelineView(two_movements())
    brows = view._region_buttons["brows"]
    assert brows.icon == "check-square-o" and brows.button_style == "info"
    brows.value = False
    assert view.lanes == ["AU12"] and list(view.figure.layout.yaxis.ticktext) == ["AU12 lip corner puller"]
    assert brows.icon == "square-o" and brows.button_style == ""
    brows.value = True
    assert view.lanes == ["AU04", "AU12"]


def test_trace_buttons_pick_the_traces_under_the_lanes():
    view = TimelineView(two_movements())
    assert sorted(view._trace_buttons) == ["AU04", "AU12"]
    view._trace_buttons["AU04"].value = False
    assert view.traces == ["AU12"] and _visible_traces(view) == ["AU12"]
    view.traces = ["AU04", "AU12"]
    assert view._trace_buttons["AU04"].value is True and _visible_traces(view) == ["AU04", "AU12"]


def test_picking_a_movement_shows_its_trace_highlights_it_and_moves_the_cursor():
    view = TimelineView(two_movements())
    view.traces = ["AU04"]
    view.select_event(1)
    assert view.selected == 1 and view.time_s == pytest.approx(3.0)
    assert "AU12" in view.traces and "AU12" in _visible_traces(view)
    macro = next(t for t in view.figure.data if t.meta.get("kind") == "macro")
    assert list(macro.marker.line.width) == [3]
    cursor = _drawn(view)["layout"]["shapes"][-1]
    assert cursor["x0"] == cursor["x1"] == pytest.approx(3.0)
    # A made timeline has no video: the learner is told there is no picture.
    wait_for(lambda: "No picture available" in view.still_caption.value)


def test_clicks_relayed_from_the_page_pick_movements_and_move_the_cursor():
    view = TimelineView(two_movements())
    relay = view._clicks._on_page_message  # what the page's click handler sends
    relay(view._clicks, {"kind": "click", "role": "lanes", "key": "AU12", "x": 0.5}, [])
    assert view.selected == 1 and view.timeline.events[1].au == "AU12"
    relay(view._clicks, {"kind": "click", "role": "bars", "key": 0, "x": 1.1}, [])
    assert view.selected == 0
    relay(view._clicks, {"kind": "click", "role": "trace", "key": None, "x": 2.5}, [])
    assert view.time_s == 2.5 and _drawn(view)["layout"]["shapes"][-1]["x0"] == 2.5


@pytest.mark.slow
def test_captions_say_your_take_only_for_the_learners_own_take(sample_timeline):
    view = TimelineView(sample_timeline)
    assert sample_timeline.sample == "single_face" and not sample_timeline.is_own_take
    assert "your take" not in view.summary.value and "sample clip" in view.summary.value
    assert "Your" not in view._still_title.value and "your own" not in view.still_caption.value
    own = TimelineView(two_movements())
    assert "your take" in own.summary.value


@pytest.mark.slow
def test_a_real_sample_draws_its_aus_events_and_its_frame(sample_timeline):
    view = TimelineView(sample_timeline)
    frame = sample_timeline.frame
    for trace in view.figure.data:
        if trace.meta["role"] == "trace" and trace.visible:
            assert list(trace.y) == pytest.approx(frame[trace.meta["au"]].tolist(), nan_ok=True)
    assert 1 <= len(_visible_traces(view)) <= 4
    bars = sum(len(t.x) for t in view.figure.data if t.meta["role"] == "bars")
    assert bars == len(sample_timeline.events) == len(view.event_rows) > 0
    assert f"{sample_timeline.face_frames} of {sample_timeline.frames}" in view.summary.value
    sent: list = []
    view._still.send = lambda content, buffers=None: sent.append((content, buffers))  # what reaches the page
    view.select_event(0)
    wait_for(lambda: sent and sent[-1][1])
    content, buffers = sent[-1]
    assert buffers and buffers[0][:2] == b"\xff\xd8", "the apex frame should be sent as a JPEG"
    assert "sample clip" in content["caption"] and "your own" not in content["alt"]
    assert "value" not in view._still.get_state(), "the picture must never be synced state"
    view._still._on_page_message(view._still, {"kind": "ready"}, [])  # a second view, or a reload, asks again
    assert sent[-1][1] == buffers


@pytest.mark.slow
def test_an_openface_csv_is_drawn_too_but_has_no_picture():
    timeline = read_openface_csv(sample_path("openface_csv"))
    view = TimelineView(timeline)
    view.traces = ["AU12"]
    au12 = next(t for t in view.figure.data if t.meta.get("au") == "AU12")
    assert list(au12.y) == pytest.approx(timeline.frame["AU12"].tolist(), nan_ok=True)
    assert "OpenFace" in view.figure.layout.title.text
    assert timeline.still_at(0.0) is None


@pytest.mark.slow
def test_link_draws_each_new_take_of_a_recorder(sample_timeline):
    recorder = Recorder()
    view = TimelineView().link(recorder)
    seen = threading.Event()
    recorder.on_timeline(lambda tl: seen.set())
    timeline = recorder.use_sample("single_face")
    assert seen.is_set() and view.timeline is timeline
    recorder.clear()
    assert view.timeline is None
    recorder.close()
    also = TimelineView()
    with_view = Recorder(view=also)
    with_view.timeline = sample_timeline
    assert also.timeline is sample_timeline
    with_view.close()


def test_a_clip_that_can_no_longer_be_read_is_said_so_under_the_picture():
    made = two_movements()
    damaged = AUTimeline(made.frame, source="recording", clip=b"these bytes are not a video")
    view = TimelineView(damaged)
    view.select_event(0)
    wait_for(lambda: "could not be read from the clip again" in view.still_caption.value)
