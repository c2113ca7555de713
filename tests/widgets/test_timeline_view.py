"""TimelineView: one FigureWidget updated in place, region toggles, the events table and the apex picture."""

from __future__ import annotations

import threading
import time

import pytest
from _made_timelines import two_movements

from microexp_widgets import analyze_video, read_openface_csv
from microexp_widgets.assets import sample_path
from microexp_widgets.aus import AU_TABLE
from microexp_widgets.widgets.recorder import Recorder
from microexp_widgets.widgets.timeline_view import TimelineView

AU_COUNT = len(AU_TABLE)


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


def test_the_figure_is_updated_in_place_not_rebuilt():
    view = TimelineView()
    figure, traces = view.figure, list(view.figure.data)
    first = two_movements()
    view.timeline = first
    assert view.figure is figure and list(view.figure.data) == traces
    au04 = view.figure.data[[au.code for au in AU_TABLE].index("AU04")]
    assert list(au04.y[30:36]) == pytest.approx([0.2, 0.5, 0.7, 0.7, 0.5, 0.2])
    assert len(view.figure.layout.shapes) == 2
    view.timeline = None
    assert view.figure is figure and len(view.figure.layout.shapes) == 0
    assert all(len(trace.x) == 0 for trace in view.figure.data[:AU_COUNT])


def test_table_lists_each_movement_with_its_timing():
    view = TimelineView(two_movements())
    table = view.events_table
    assert list(table.columns) == ["au", "onset_s", "apex_s", "offset_s", "duration_ms", "kind"]
    assert table[["au", "kind"]].values.tolist() == [["AU04", "micro"], ["AU12", "macro"]]
    assert table["duration_ms"].tolist() == pytest.approx([200.0, 1500.0])
    first_row = view.event_rows[0].split()
    assert first_row == ["AU04", "1.00", "1.07", "1.20", "200", "micro"]


def test_region_toggles_hide_and_show_their_aus():
    view = TimelineView(two_movements())
    view._region_buttons["brows"].value = False
    for trace, au in zip(view.figure.data[:AU_COUNT], AU_TABLE, strict=True):
        assert trace.visible == ("legendonly" if au.region == "brows" else True)
    view._region_buttons["brows"].value = True
    assert all(trace.visible is True for trace in view.figure.data[:AU_COUNT])


def test_picking_a_movement_highlights_it_and_moves_the_cursor():
    view = TimelineView(two_movements())
    view.select_event(1)
    assert view.selected == 1 and view.time_s == pytest.approx(3.0)
    assert view.figure.layout.shapes[1].line.width == 3
    cursor = view.figure.data[AU_COUNT + 1]
    assert list(cursor.x) == [3.0, 3.0]
    # A made timeline has no video: the learner is told there is no picture.
    wait_for(lambda: "No picture available" in view._still_caption.value)
    assert not view._still.has_picture


@pytest.mark.slow
def test_a_real_sample_draws_its_aus_events_and_own_frame(sample_timeline):
    view = TimelineView(sample_timeline)
    frame = sample_timeline.frame
    for trace, au in zip(view.figure.data[:AU_COUNT], AU_TABLE, strict=True):
        assert list(trace.y) == pytest.approx(frame[au.code].tolist(), nan_ok=True)
    assert len(view.figure.layout.shapes) == len(sample_timeline.events) == len(view.event_rows) > 0
    assert f"{sample_timeline.face_frames} of {sample_timeline.frames}" in view._summary.value
    sent: list = []
    view._still.send = lambda content, buffers=None: sent.append((content, buffers))  # what reaches the page
    view.select_event(0)
    wait_for(lambda: sent)  # has_picture turns True before the JPEG is encoded and sent
    assert view._still.has_picture
    content, buffers = sent[-1]
    assert buffers and buffers[0][:2] == b"\xff\xd8", "the apex frame should be sent as a JPEG"
    assert "sample clip (not you)" in content["caption"]  # a stranger's face is never called "your own"
    assert "value" not in view._still.get_state(), "the picture must never be synced state"


@pytest.mark.slow
def test_an_openface_csv_is_drawn_too_but_has_no_picture():
    timeline = read_openface_csv(sample_path("openface_csv"))
    view = TimelineView(timeline)
    au12 = view.figure.data[[au.code for au in AU_TABLE].index("AU12")]
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
