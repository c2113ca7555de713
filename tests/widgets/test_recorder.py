"""The Recorder's Python side, driven as the browser would drive it (``set_state`` on its parts), no browser."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from _live_page import browser_answers_probe, camera_ready, page_cannot_run_the_model, page_sends
from footage import encode, read_frames

from microexp_widgets.assets import sample_path
from microexp_widgets.browser.live import ROW_WIDTH
from microexp_widgets.face import BLENDSHAPES
from microexp_widgets.widgets import _consent, _messages
from microexp_widgets.widgets.recorder import MAX_LIVE_SECONDS, Recorder

pytestmark = pytest.mark.usefixtures("fresh_kernel")  # each test starts as a fresh kernel would


@pytest.fixture(scope="module")
def webm_take() -> bytes:
    """A real face clip as the browser sends it: webm/VP8 written without seeking (no duration), 2.4 s."""
    return encode(read_frames(sample_path("single_face")), "webm", fps=30, streamable=True)


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def deliver_bytes(rec: Recorder, data: bytes):
    """The browser's VideoRecorder sends the finished take as the Video widget's value."""
    video_recorder = rec._video_recorder
    assert video_recorder is not None, "no take was being recorded"
    video_recorder.video.set_state({"value": memoryview(data)})
    return video_recorder


def record_take(rec: Recorder, seconds: float) -> None:
    wait_for(lambda: rec.state == "recording")
    time.sleep(seconds)
    rec.stop()


def test_p1_consent_note_blocks_the_camera_until_acknowledged():
    rec = Recorder(countdown=0)
    rec.start()
    assert rec.state == "consent"
    assert rec.consent_box.layout.display != "none"
    assert "not emotions" in rec.consent_box.children[0].value
    assert rec.camera_check.request_id == 0, "the browser was asked for the camera before consent"
    assert not rec.camera_on
    rec.consent_button.click()
    assert _consent.consent_given()
    assert rec.camera_check.request_id == 1 and rec.state == "probing"
    assert not rec.camera_on, "the camera must wait for the browser's answer"
    browser_answers_probe(rec)
    assert rec.camera_on


def test_consent_is_asked_once_per_kernel():
    first = Recorder(countdown=0)
    camera_ready(first)
    first.close()
    second = Recorder(countdown=0)
    second.start()
    assert second.state == "probing", "a second note in the same kernel"
    assert second.consent_box.layout.display == "none"


def test_s2_displaying_a_recorder_never_starts_the_camera():
    rec = Recorder()
    assert rec.camera_check.request_id == 0 and not rec.camera_on
    assert rec.state == "idle"


def test_camera_is_video_only():
    rec = Recorder(countdown=5)
    camera_ready(rec)
    assert rec._camera.constraints["audio"] is False
    assert rec._camera.constraints["video"]


@pytest.mark.parametrize(
    ("error_name", "fault", "words", "retry"),
    [
        ("NoMediaDevices", "B1", "HTTPS or", False),
        ("NotAllowedError", "B2", "allow the camera", True),
        ("NotFoundError", "B3", "No camera was found", True),
        ("NotReadableError", "B4", "busy", True),
    ],
)
def test_b1_to_b4_camera_failures_give_plain_messages(error_name, fault, words, retry):
    problem = _messages.camera_problem(error_name)
    assert problem.fault == fault and problem.retry is retry and words in problem.text
    rec = Recorder(countdown=0)
    page_cannot_run_the_model(rec)
    rec.start()
    rec.consent_button.click()
    browser_answers_probe(rec, error_name, "the browser's own words")
    assert not rec.camera_on
    assert rec.status == problem.text
    assert rec.problem_box.layout.display != "none"
    assert (rec.retry_button.layout.display != "none") is retry
    assert "sample clip" in problem.text
    if retry:  # Try again asks the browser once more
        rec.retry_button.click()
        assert rec.camera_check.request_id == 2
        browser_answers_probe(rec)
        assert rec.camera_on


def test_unknown_camera_error_still_gets_a_plain_message():
    problem = _messages.camera_problem("WeirdError", "boom")
    assert "boom" in problem.text and problem.retry


def test_b5_a_take_under_half_a_second_is_refused_and_not_analysed(webm_take, monkeypatch):
    analysed = []
    monkeypatch.setattr(Recorder, "_analyse", lambda self, *a, **k: analysed.append(a))
    rec = Recorder(countdown=0)
    camera_ready(rec)
    record_take(rec, 0.1)
    assert rec.state == "receiving"
    deliver_bytes(rec, webm_take)
    assert rec.status == _messages.TOO_SHORT
    assert "too short, try again" in rec.status
    assert analysed == [] and rec.timeline is None


def test_b5_an_empty_recording_is_refused(monkeypatch):
    analysed = []
    monkeypatch.setattr(Recorder, "_analyse", lambda self, *a, **k: analysed.append(a))
    rec = Recorder(countdown=0)
    camera_ready(rec)
    record_take(rec, 0.6)
    deliver_bytes(rec, b"")
    assert "too short, try again" in rec.status and analysed == []


def test_p2_the_camera_is_closed_when_a_take_stops(webm_take):
    rec = Recorder(countdown=0)
    camera_ready(rec)
    camera = rec._camera
    record_take(rec, 0.6)
    assert camera.comm is None, "the CameraStream (and so its tracks) must be closed at stop"
    assert not rec.camera_on and rec._preview.children == ()


@pytest.mark.slow
def test_b8_received_bytes_leave_the_synced_state(webm_take):
    done = threading.Event()
    rec = Recorder(countdown=0, on_timeline=lambda tl: done.set())
    camera_ready(rec)
    record_take(rec, 0.7)
    video_recorder = deliver_bytes(rec, webm_take)
    assert video_recorder.video.value == b""
    assert video_recorder.video.get_state()["value"] == b""
    assert video_recorder.comm is None and video_recorder.video.comm is None, "recorder widgets closed after a take"
    assert done.wait(60), rec.status


@pytest.mark.slow
def test_a_take_is_analysed_in_the_background_and_callbacks_fire(webm_take):
    got: list = []
    done = threading.Event()
    rec = Recorder(countdown=0)
    rec.on_timeline(lambda tl: (got.append(tl), done.set()))
    camera_ready(rec)
    record_take(rec, 0.7)
    deliver_bytes(rec, webm_take)
    assert rec.state == "analysing"
    assert rec._progress_box.layout.display != "none"
    assert done.wait(60), rec.status
    timeline = got[0]
    assert rec.timeline is timeline
    assert timeline.face_frames > 60
    assert rec._progress.value == rec._progress.max == timeline.frames
    assert rec.status.startswith("Done:") and f"{timeline.face_frames} of {timeline.frames}" in rec.status
    assert rec.state == "idle"


@pytest.mark.slow
def test_b6_the_take_stops_itself_at_the_limit(webm_take):
    done = threading.Event()
    rec = Recorder(max_seconds=0.8, countdown=0, on_timeline=lambda tl: done.set())
    camera_ready(rec)
    wait_for(lambda: rec.state == "recording")
    started = time.monotonic()
    wait_for(lambda: rec.state == "receiving", timeout=5)
    assert 0.7 <= time.monotonic() - started < 2.0
    assert "limit" in rec.status and not rec.camera_on
    video_recorder = deliver_bytes(rec, webm_take)
    assert video_recorder.recording is False
    assert done.wait(60), rec.status


def test_countdown_runs_before_recording():
    rec = Recorder(countdown=1)
    camera_ready(rec)
    assert rec.state == "countdown" and "starts in 1" in rec.status
    assert rec._video_recorder.recording is False
    wait_for(lambda: rec.state == "recording", timeout=3)
    assert rec._video_recorder.recording is True
    assert "REC" in rec.status


def test_stop_during_countdown_cancels_without_recording():
    rec = Recorder(countdown=2)
    camera_ready(rec)
    rec.stop()
    time.sleep(2.3)
    assert rec.state == "ready" and not rec._video_recorder.recording


def test_close_turns_the_camera_off():
    rec = Recorder(countdown=3)
    camera_ready(rec)
    camera = rec._camera
    rec.close()
    assert camera.comm is None and not rec.camera_on


def test_b7_a_new_recorder_releases_the_previous_camera():
    old = Recorder(countdown=0)
    camera_ready(old)
    wait_for(lambda: old.state == "recording")
    camera, take = old._camera, old._video_recorder
    new = Recorder()  # the cell was run again
    assert camera.comm is None and not old.camera_on
    assert set(Recorder.instances()) == {old, new}
    assert take.comm is None, "the old take's recorder must not keep running"


def test_max_seconds_is_capped():
    with pytest.raises(ValueError, match="max_seconds"):
        Recorder(max_seconds=MAX_LIVE_SECONDS + 1)
    with pytest.raises(ValueError):
        Recorder(max_seconds=0.2)


@pytest.mark.slow
def test_sample_clip_from_code_waits_and_returns_the_timeline():
    rec = Recorder()
    timeline = rec.use_sample("single_face")
    assert timeline is rec.timeline and timeline.face_frames == timeline.frames == 72
    assert not rec.camera_on and rec.camera_check.request_id == 0
    with pytest.raises(KeyError):
        rec.use_sample("no_such_clip")


@pytest.mark.slow
def test_upload_gives_the_same_result_as_a_sample_and_leaves_no_bytes_in_state():
    data = sample_path("single_face").read_bytes()
    done = threading.Event()
    rec = Recorder(on_timeline=lambda tl: done.set())
    browser_file = {"name": "me.mp4", "type": "video/mp4", "size": len(data), "last_modified": 0}
    rec.upload.set_state({"value": [{**browser_file, "content": memoryview(data)}]})
    assert rec.upload.value == ()
    assert done.wait(60), rec.status
    uploaded = rec.timeline
    sample = Recorder().use_sample("single_face")
    assert uploaded.frames == sample.frames
    assert uploaded.frame["AU12"].round(4).tolist() == sample.frame["AU12"].round(4).tolist()


def test_analysis_errors_are_plain_messages_and_the_kernel_lives_on():
    rec = Recorder()
    assert rec.analyse_file(b"this is not a video", name="notes.txt") is None
    assert rec.timeline is None and rec.state == "idle"
    assert "Traceback" not in rec.status and rec.problem_box.layout.display != "none"
    assert rec.status, "no message shown"


@pytest.mark.slow
def test_clear_forgets_the_take():
    rec = Recorder()
    timeline = rec.use_sample("single_face")
    assert timeline.still_at(1.0) is not None
    rec.clear()
    assert rec.timeline is None and timeline.still_at(1.0) is None
    assert "forgotten" in rec.status


@pytest.mark.slow
def test_a_new_take_drops_the_previous_takes_frames():
    rec = Recorder()
    first = rec.use_sample("single_face")
    rec.use_sample("single_face")
    assert first.still_at(1.0) is None and rec.timeline.still_at(1.0) is not None


# ---------------------------------------------------------------------------------------------------------------
# The browser route: the page sends numbers per frame, the kernel joins them at Stop


def live_rows(timeline, fps: float | None = None) -> np.ndarray:
    """What the page sends for a take: time, 52 blendshapes, face box per analysed frame (``fps`` thins them out)."""
    frame = timeline.frame
    rows = np.column_stack(
        [frame["time_s"], frame[list(BLENDSHAPES)], frame[["face_x", "face_y", "face_w", "face_h"]]]
    ).astype("<f4")
    if fps is not None:
        keep = np.unique(np.round(frame["time_s"].to_numpy() * fps), return_index=True)[1]
        rows = rows[keep]
    return rows


def live_take(rec: Recorder, rows: np.ndarray, seconds: float, reason: str = "stop") -> float:
    """Start a browser-route take, let the page send ``rows`` in batches of 6, stop; return stop() -> timeline s."""
    camera_ready(rec, route="browser")
    number = rec._live_take.number
    page_sends(rec, {"kind": "started", "take": number})
    assert rec.state == "recording" and "REC" in rec.status
    rec._take_started -= seconds  # the learner watched "REC" for that long before pressing Stop
    for start in range(0, len(rows), 6):
        page_sends(rec, {"kind": "frames", "take": number}, rows[start : start + 6])
    started = time.monotonic()
    if reason == "stop":
        rec.stop()
        assert rec.state == "receiving" and not rec.camera_on
    page_sends(rec, {"kind": "ended", "take": number, "reason": reason, "seconds": seconds, "analysed": len(rows)})
    return time.monotonic() - started


@pytest.fixture(scope="module")
def pexels_timeline():
    from microexp_widgets.pipeline import analyze_video

    return analyze_video(sample_path("pexels"))


@pytest.mark.slow
def test_a_live_take_gives_the_same_timeline_as_the_file_and_is_ready_at_stop(pexels_timeline):
    got = []
    rec = Recorder(max_seconds=30, countdown=0, on_timeline=got.append)
    elapsed = live_take(rec, live_rows(pexels_timeline), pexels_timeline.duration_s)
    assert got and got[0] is rec.timeline and rec.state == "idle"
    assert elapsed < 0.5, f"stop() -> on_timeline took {elapsed:.2f} s"
    same = [(e.au, e.onset_s, e.offset_s, e.kind) for e in pexels_timeline.events]
    assert [(e.au, e.onset_s, e.offset_s, e.kind) for e in rec.timeline.events] == same
    assert rec.take_figures["analysed_fps"] == pytest.approx(pexels_timeline.fps, rel=0.01)


def test_on_timeline_reads_the_figures_of_the_take_it_is_called_for():
    seen = []
    rec = Recorder(countdown=0, on_timeline=lambda timeline: seen.append(dict(rec.take_figures)))
    rows = np.zeros((45, ROW_WIDTH), dtype="<f4")
    rows[:, 0] = np.arange(45) / 30
    live_take(rec, rows, 1.5)
    assert len(seen) == 1 and seen[0]["analysed_frames"] == 45, seen
    assert seen[0]["stop_to_timeline_s"] >= 0 and rec.model_state == "ready"


@pytest.mark.slow
def test_p7_below_20_analysed_frames_per_second_no_movement_is_called_micro(pexels_timeline):
    assert any(e.kind == "micro" for e in pexels_timeline.events), "the clip must have micro movements to withhold"
    rec = Recorder(max_seconds=30, countdown=0)
    rows = live_rows(pexels_timeline, fps=12)
    live_take(rec, rows, pexels_timeline.duration_s)
    kinds = {e.kind for e in rec.timeline.events}
    assert "micro" not in kinds and "short" in kinds, kinds
    assert any("frames per second" in w for w in rec.timeline.warnings)
    # Skipped frames stay gaps at their real times: nothing is filled in.
    assert rec.timeline.frame["time_s"].tolist() == pytest.approx(rows[:, 0].tolist(), abs=1e-6)


def test_b9_a_take_of_a_minute_is_numbers_only_and_small():
    rows = np.full((60 * 30, ROW_WIDTH), np.nan, dtype="<f4")
    rows[:, 0] = np.arange(len(rows)) / 30
    rows[:, 1:53] = 0.05
    rows[:, 53:] = (0.3, 0.2, 0.4, 0.5)
    rec = Recorder(max_seconds=90, countdown=0)
    live_take(rec, rows, 60.0)
    assert rec.timeline.frames == 1800 and rec.timeline.face_frames == 1800
    assert rec.take_figures["bytes_received"] < 0.5e6  # about 0.4 MB a minute (FAULTS B9)
    assert rec.timeline.still_at(1.0) is None, "no picture of the face reached the kernel"


def test_b6_the_page_ends_a_take_at_the_limit_and_the_camera_goes_off():
    rows = np.zeros((60, ROW_WIDTH), dtype="<f4")
    rows[:, 0] = np.arange(60) / 30
    rec = Recorder(max_seconds=2, countdown=0)
    live_take(rec, rows, 2.0, reason="limit")
    assert not rec.camera_on and rec.timeline is not None
    assert any("limit" in w for w in rec.timeline.warnings)


def test_b5_a_live_take_under_half_a_second_is_refused():
    rows = np.zeros((6, ROW_WIDTH), dtype="<f4")
    rows[:, 0] = np.arange(6) / 30
    rec = Recorder(countdown=0)
    live_take(rec, rows, 0.2)
    assert rec.timeline is None and "too short" in rec.status


def test_record_waits_for_the_face_model_then_starts():
    rec = Recorder(countdown=0)
    rec.start()
    rec.consent_button.click()
    browser_answers_probe(rec)
    assert rec.camera_on and rec._live_take is None and "Starting the face model" in rec.status
    rec._live.set_state({"model_state": "ready"})
    assert rec._live_take is not None, "the take did not begin once the model ran"


def test_p6_when_the_model_fails_while_waiting_the_kernel_route_asks_its_own_consent():
    rec = Recorder(countdown=0)
    rec.start()
    rec.consent_button.click()
    browser_answers_probe(rec)
    page_cannot_run_the_model(rec)
    assert rec.state == "consent" and "sent to Python on this computer" in rec._consent_note.value
    assert "analysed in Python instead" in rec._route_html.value
    rec.consent_button.click()
    assert rec._video_recorder is not None and rec._live_take is None


def kernel_take_in(rec: Recorder, recordable: list[str]) -> None:
    """Record on the kernel route in a browser whose MediaRecorder writes ``recordable`` (the probe says so)."""
    page_cannot_run_the_model(rec)
    rec.start()
    rec.consent_button.click()
    probe = rec.camera_check
    probe.set_state({"answered_id": probe.request_id, "result": "ok", "detail": "", "recordable": recordable})


@pytest.mark.slow
def test_b10_a_browser_that_records_only_mp4_gets_its_mp4_take_analysed():
    """Safari's and WebKit's MediaRecorder writes mp4, never webm. The kernel route used to ask every browser for
    webm, which WebKit's recorder refuses with an exception: no take ever arrived (seen failing in WebKitGTK)."""
    done = threading.Event()
    rec = Recorder(countdown=0, on_timeline=lambda tl: done.set())
    kernel_take_in(rec, ["mp4"])
    assert rec._video_recorder.format == "mp4" and rec._video_recorder.video.format == "mp4"
    record_take(rec, 0.7)
    deliver_bytes(rec, encode(read_frames(sample_path("single_face")), "mp4", fps=30, streamable=True))
    assert done.wait(60), rec.status
    assert rec.timeline.face_frames > 0.9 * rec.timeline.frames, rec.status


def test_b10_a_browser_that_cannot_record_video_says_so_and_lets_go_of_the_camera():
    rec = Recorder(countdown=0)
    kernel_take_in(rec, [])
    assert rec.status == _messages.CANNOT_RECORD and "sample clip" in rec.status
    assert rec._video_recorder is None and not rec.camera_on


@pytest.mark.parametrize(
    ("env", "where"),
    [({}, "this computer"), ({"JUPYTERHUB_USER": "ada"}, "the server"), ({"BINDER_SERVICE_HOST": "1"}, "the server")],
)
def test_p5_p6_each_consent_note_says_where_the_video_goes(monkeypatch, env, where):
    for name in ("JUPYTERHUB_USER", "BINDER_SERVICE_HOST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    browser = " ".join(_consent.consent_points("browser"))
    assert "never leave" in browser and "Only numbers" in browser and where not in browser
    assert f"sent to Python on {where}" in " ".join(_consent.consent_points("kernel"))


def test_b7_turning_the_camera_off_during_a_live_take_drops_it():
    rec = Recorder(countdown=0)
    camera_ready(rec, route="browser")
    number = rec._live_take.number
    page_sends(rec, {"kind": "started", "take": number})
    rec._toggle_camera()  # the learner turns the camera off: the take ends as if Stop was pressed
    assert not rec.camera_on and rec._live.camera_id == ""
    Recorder()  # a re-run cell
    page_sends(rec, {"kind": "ended", "take": number, "reason": "camera-off", "seconds": 0.1})
    assert rec.timeline is None


def test_live_meters_show_the_chosen_movements_by_region_and_refuse_unknown_codes():
    rec = Recorder(meters=("AU12", "AU04", "AU06"))
    assert [(m["code"], m["region"]) for m in rec._live.meters] == [
        ("AU04", "brows"),
        ("AU06", "cheeks"),
        ("AU12", "mouth"),
    ]
    assert all(m["sources"] for m in rec._live.meters)
    with pytest.raises(ValueError, match="AU99"):
        Recorder(meters=("AU99",))


def test_m4_memory_stays_flat_over_ten_live_takes():
    import gc
    import tracemalloc

    rows = np.full((10 * 30, ROW_WIDTH), 0.05, dtype="<f4")
    rows[:, 0] = np.arange(len(rows)) / 30
    rec = Recorder(max_seconds=20, countdown=0)
    held = []
    tracemalloc.start()
    try:
        for _ in range(10):
            live_take(rec, rows, 10.0)
            gc.collect()
            held.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    growth = held[-1] - held[2]  # after the first takes have warmed every cache
    assert growth < 1_000_000, f"memory grew by {growth / 1e6:.1f} MB over seven takes: {held}"
