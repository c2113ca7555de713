"""The page's messages to the kernel on the browser route: bounded, checked, and never able to leave the recorder
stuck or draw a false timeline (docs/faults.md K1-K3), with a fuzz test of a few hundred hostile messages.

Each test names its row and says how it failed on the code before the fix.
"""

from __future__ import annotations

import gc
import math
import random
import time
import tracemalloc
from collections import Counter

import numpy as np
import pytest
from _live_page import browser_answers_probe, camera_ready, page_sends

from microexp_widgets.browser.live import ROW_WIDTH
from microexp_widgets.face import BLENDSHAPES
from microexp_widgets.widgets import _consent, _live_route
from microexp_widgets.widgets._live_take import MAX_FRAMES_PER_SECOND, LiveTake, frame_budget
from microexp_widgets.widgets.recorder import Recorder

SMILE = [BLENDSHAPES.index("mouthSmileLeft"), BLENDSHAPES.index("mouthSmileRight")]


pytestmark = pytest.mark.usefixtures("fresh_kernel")  # each test starts as a fresh kernel would


def still_face(n: int, fps: float = 30.0) -> np.ndarray:
    """``n`` frames of a face that does not move, as the page sends them."""
    rows = np.full((n, ROW_WIDTH), 0.02, dtype="<f4")
    rows[:, 0] = np.arange(n) / fps
    rows[:, 53:] = (0.3, 0.2, 0.4, 0.5)
    return rows


def recording(rec: Recorder) -> int:
    """Start a browser-route take and let the page say it started; returns the take's number."""
    if rec.camera_on or _consent.consent_given(_consent.BROWSER):
        rec.start()
        if not rec.camera_on:
            browser_answers_probe(rec)
    else:
        camera_ready(rec, route="browser")
    number = rec._live_take.number
    page_sends(rec, {"kind": "started", "take": number})
    assert rec.state == "recording"
    rec._take_started -= 1.5  # the learner watched "REC" for a while before pressing Stop
    return number


def ended(number: int, seconds: float, rows: int, reason: str = "stop") -> dict:
    return {"kind": "ended", "take": number, "reason": reason, "seconds": seconds, "analysed": rows, "presented": rows,
            "msPerFrame": 20.0}  # fmt: skip


def finish(rec: Recorder, number: int, seconds: float, rows: int) -> None:
    rec.stop()
    page_sends(rec, ended(number, seconds, rows))


# ----------------------------------------------------------------------------------------------------
# K1: a take holds at most what its length can produce


def test_K1_a_batch_larger_than_the_take_can_hold_is_refused_and_the_take_ended():
    """Before the fix a 10,000-frame batch into a 10 s take was kept, and Stop made a timeline of it (seen failing:
    the recorder stayed "recording" with every frame held)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(10_000))
    assert rec.state == "idle" and not rec.camera_on and rec._live_take is None
    assert f"{frame_budget(10):,} frames" in rec.status and "10 s" in rec.status and rec.timeline is None
    page_sends(rec, ended(number, 10.0, 10_000))  # what the page says afterwards changes nothing
    assert rec.state == "idle" and rec.timeline is None
    number = recording(rec)  # and Record works again
    page_sends(rec, {"kind": "frames", "take": number}, still_face(45))
    finish(rec, number, 1.5, 45)
    assert rec.timeline is not None and rec.timeline.frames == 45


def test_K1_many_batches_stop_at_the_take_bound_and_memory_stays_within_it():
    """Before the fix 100 batches of 2.3 MB were all kept (the kernel held 220 MiB more and Stop made a 1,000,000-frame
    timeline); now the take is refused at its bound (seen failing: 230 MB held)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    batch = still_face(10_000)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        held = []
        for _ in range(100):
            page_sends(rec, {"kind": "frames", "take": number}, batch[:200])
            held.append(tracemalloc.get_traced_memory()[0] - base)
    finally:
        tracemalloc.stop()
    bound = frame_budget(10) * ROW_WIDTH * 4
    assert max(held) < 2 * bound + 200_000, f"held {max(held) / 1e6:.1f} MB, bound {bound / 1e6:.2f} MB"
    assert rec.state == "idle" and "can hold" in rec.status


def test_K1_the_bound_follows_the_take_length():
    """A take of 2 s holds its bound and not one frame more (before the fix every frame was kept: seen failing)."""
    assert frame_budget(10) == math.ceil(10 * MAX_FRAMES_PER_SECOND) + MAX_FRAMES_PER_SECOND
    assert frame_budget(600) > frame_budget(10) * 50
    rec = Recorder(max_seconds=2, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(frame_budget(2)))  # right at the bound: kept
    assert rec.state == "recording"
    page_sends(rec, {"kind": "frames", "take": number}, still_face(1))
    assert rec.state == "idle"


# ----------------------------------------------------------------------------------------------------
# K2: impossible values are dropped or made gaps, and counted


def test_K2_impossible_times_are_dropped_and_counted():
    """Before the fix times of inf, -100 s or 1e30 became the timeline's start and length (seen failing: a timeline
    lasting 1e30 s)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    good = still_face(45)
    bad = still_face(7)
    bad[:, 0] = [np.inf, -np.inf, np.nan, -100.0, 1e30, 0.5, 0.2]  # the last two go back in time
    page_sends(rec, {"kind": "frames", "take": number}, good[:20])
    page_sends(rec, {"kind": "frames", "take": number}, bad)
    page_sends(rec, {"kind": "frames", "take": number}, good[20:])
    finish(rec, number, 1.5, 52)
    timeline = rec.timeline
    times = timeline.frame["time_s"].to_numpy()
    assert timeline.frames == 45 and np.all(np.isfinite(times)) and np.all(np.diff(times) > 0)
    assert times[0] >= 0 and times[-1] <= 1.5 and timeline.duration_s == pytest.approx(1.5, abs=0.05)
    assert any("7 frames" in w and "dropped" in w for w in timeline.warnings), timeline.warnings


def test_K2_frames_after_the_end_the_page_gave_are_dropped():
    """Before the fix frames timed after the take's end were kept (seen failing: the timeline ran to 2.97 s of a
    1.5 s take)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(90))  # 3 s of frames
    finish(rec, number, 1.5, 90)  # but the page says the take lasted 1.5 s
    assert rec.timeline.frame["time_s"].max() <= 1.5 + 1 / 30
    assert any("dropped" in w for w in rec.timeline.warnings)


@pytest.mark.parametrize("value", [np.inf, 1e6, -5.0, np.nan])
def test_K2_impossible_scores_make_the_frame_a_gap_never_a_movement(value):
    """Before the fix scores of inf or 1e6 for five frames invented movements (seen failing: 3 and 8 "micro"
    movements)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    rows = still_face(90)
    rows[40:45, SMILE] = value
    page_sends(rec, {"kind": "frames", "take": number}, rows)
    finish(rec, number, 3.0, 90)
    timeline = rec.timeline
    assert timeline.events == [] and timeline.frames == 90 and timeline.face_frames == 85
    assert not timeline.frame["face"].iloc[40:45].any()
    assert any("5 frames" in w and "gap" in w for w in timeline.warnings), timeline.warnings


def test_K2_a_score_a_hair_over_one_is_kept():
    """Guards K2's tolerance: rounding in the page's float32 numbers never turns a face into a gap."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    rows = still_face(60)
    rows[:, SMILE] = 1.0000001
    page_sends(rec, {"kind": "frames", "take": number}, rows)
    finish(rec, number, 2.0, 60)
    assert rec.timeline.face_frames == 60


# ----------------------------------------------------------------------------------------------------
# K3: every message is checked against its shape; a take always ends


@pytest.mark.parametrize(
    "bad",
    [{"presented": "60 frames"}, {"seconds": "abc"}, {"seconds": float("nan")}, {"seconds": -3}, {"seconds": None},
     {"seconds": 1e300}, {"analysed": [1]}, {"msPerFrame": {"a": 1}}, {"reason": 7}, {"reason": "why not"}],
)  # fmt: skip
@pytest.mark.parametrize("when", ["after Stop", "at the limit"])
def test_K3_a_malformed_ended_message_still_ends_the_take(bad, when, monkeypatch):
    """Before the fix a malformed "ended" raised after the rescue timer was cancelled, so the recorder stayed in
    "receiving" (or "recording") for good and Record did nothing; NaN, negative or huge seconds were used unchecked
    as the take's length (seen failing)."""
    monkeypatch.setattr(_live_route, "ENDED_TIMEOUT_S", 0.2)
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(45))
    if when == "after Stop":
        rec.stop()
    page_sends(rec, {**ended(number, 1.5, 45, reason="limit" if when == "at the limit" else "stop"), **bad})
    deadline = time.monotonic() + 5
    while rec.state != "idle" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rec.state == "idle" and not rec.camera_on
    assert rec.timeline is not None and rec.timeline.frames == 45
    assert any("could not be read" in w for w in rec.timeline.warnings) and rec._live.dropped_messages == 1
    recording(rec)  # Record works again


@pytest.mark.parametrize("take", ["abc", None, [1], 1.9, True, {"n": 1}, 2**70, -1])
def test_K3_a_take_number_that_is_not_a_whole_number_is_dropped(take):
    """Before the fix a take of "abc", None, a list or a dict raised out of the handler, and 1.9 and True were taken
    as take 1 (seen failing); nothing was counted."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    assert number == 1
    page_sends(rec, {"kind": "frames", "take": take}, still_face(30))
    page_sends(rec, {"kind": "ended", "take": take, "reason": "stop", "seconds": 1.0})
    assert rec._live_take.frames == 0 and rec.state == "recording"
    assert rec._live.dropped_messages == 2


@pytest.mark.parametrize(
    ("content", "buffers"),
    [("frames", []), (None, []), ([1, 2], []), ({"kind": "frames", "take": 1}, []),
     ({"kind": "frames", "take": 1}, [b"\x00" * 13]), ({"kind": "frames", "take": 1}, [b"", b""]),
     ({"kind": "frames", "take": 1}, ["text, not bytes"]), ({"kind": "frames", "take": 1}, [b"\x00" * 228, b"x"]),
     ({"kind": "nonsense", "take": 1}, []), ({"kind": ["frames"], "take": 1}, []), ({"take": 1}, []),
     ({"kind": "started", "take": 1, "extra": "x" * 10_000}, [])],
)  # fmt: skip
def test_K3_a_message_of_the_wrong_shape_is_dropped_and_counted(content, buffers):
    """Before the fix an odd buffer raised ``ValueError`` or ``TypeError`` into ipywidgets' dispatcher, and nothing
    dropped was counted (seen failing)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    page_sends(rec, content, buffers=buffers)
    assert rec.state == "recording" and rec._live_take.frames == 0
    assert rec._live.dropped_messages >= (0 if content == {"kind": "started", "take": 1, "extra": "x" * 10_000} else 1)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(45))
    finish(rec, number, 1.5, 45)
    assert rec.state == "idle" and rec.timeline.frames == 45


def test_K3_a_started_message_outside_a_countdown_changes_nothing():
    """Before the fix a second "started" after Stop put the recorder back to "recording" with the camera off (seen
    failing)."""
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(45))
    rec.stop()
    page_sends(rec, {"kind": "started", "take": number})
    assert rec.state == "receiving"
    page_sends(rec, ended(number, 1.5, 45))
    assert rec.state == "idle" and rec.timeline.frames == 45


def test_K3_a_page_that_never_says_the_take_ended_still_has_it_ended(monkeypatch):
    """Before the fix a page that fell silent at the length limit (a closed tab, a lost message) left the recorder
    in "recording" until the learner pressed Stop (seen failing)."""
    monkeypatch.setattr(_live_route, "ENDED_TIMEOUT_S", 0.05)
    rec = Recorder(max_seconds=1, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(30))
    deadline = time.monotonic() + 10
    while rec.state != "idle" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rec.state == "idle" and not rec.camera_on and rec.timeline is not None and rec.timeline.frames == 30


@pytest.mark.parametrize("where", ["frames", "ended"])
def test_K3_a_fault_met_while_handling_a_message_ends_the_take_with_a_sentence(monkeypatch, where):
    """Before the fix an exception in a handler reached ipywidgets' dispatcher (a traceback under the cell) and the
    recorder stayed "recording" or "receiving" (seen failing)."""

    def broken(*_args, **_kwargs):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(LiveTake, "add" if where == "frames" else "timeline", broken)
    rec = Recorder(max_seconds=10, countdown=0)
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(45))
    if where == "ended":
        finish(rec, number, 1.5, 45)
    assert rec.state == "idle" and not rec.camera_on and "went wrong" in rec.status and rec.timeline is None
    monkeypatch.undo()
    number = recording(rec)
    page_sends(rec, {"kind": "frames", "take": number}, still_face(45))
    finish(rec, number, 1.5, 45)
    assert rec.timeline is not None


# ----------------------------------------------------------------------------------------------------
# Fuzz: a few hundred random and hostile messages


def _hostile_message(rng: random.Random, number: int):
    """One message a broken page, extension or hand might send during take ``number``: (content, buffers)."""
    pick = rng.randrange(12)
    take = rng.choice([number, number, number, number + 1, number - 1, str(number), float(number) + 0.5, None])
    if pick <= 3:  # frames: mostly good, sometimes odd, now and then far more than a take can hold
        n = rng.choice([1, 5, 8, 8, 30, 30, 300]) if rng.random() > 0.03 else 5000
        rows = still_face(n)
        rows[:, 0] += rng.choice([0.0, 0.0, 0.0, rng.uniform(-1, 12)])
        if rng.random() < 0.3:
            rows[rng.randrange(n), rng.randrange(ROW_WIDTH)] = rng.choice([np.inf, -np.inf, np.nan, 1e30, -7.0])
        return {"kind": "frames", "take": take}, [rows.tobytes()]
    if pick == 4:
        return {"kind": "frames", "take": take}, [rng.randbytes(rng.randrange(1, 2000))]
    if pick == 5:
        return {"kind": "frames", "take": take}, rng.choice([[], [b""], [b"x", b"y"], ["text"], [None]])
    if pick == 6:
        return {"kind": "started", "take": take}, []
    if pick == 7:
        fields = {"seconds": rng.choice([1.5, "abc", None, -1, float("inf"), 1e9, [2]]),
                  "presented": rng.choice([45, "60 frames", None, -5, 2.5]),
                  "analysed": rng.choice([45, "x", None]), "msPerFrame": rng.choice([20, "fast", None, float("nan")]),
                  "reason": rng.choice(["stop", "limit", "camera-off", "cancelled", 3, None, "odd"])}  # fmt: skip
        return {"kind": "ended", "take": take, **{k: v for k, v in fields.items() if rng.random() < 0.8}}, []
    if pick == 8:
        return rng.choice([None, "ended", 42, [1, 2, 3], {"kind": None}, {"take": number}]), []
    if pick == 9:
        return {"kind": rng.choice(["frame", "END", "", "record", "stop"]), "take": take}, []
    if pick == 10:
        return {"kind": "frames", "take": take}, [still_face(rng.choice([1, 2, 40])).tobytes()[: -rng.randrange(1, 8)]]
    return {"kind": "frames", "take": take, "junk": "x" * rng.randrange(100_000)}, [still_face(3).tobytes()]


def test_fuzz_hostile_page_messages_never_raise_never_outgrow_the_bound_and_always_end_the_take(monkeypatch):
    """A few hundred random and hostile batches and "ended" messages: no exception leaves the handler, the kernel holds
    no more than the take's bound, and every take ends with the recorder idle (before the fix: exceptions, a stuck
    recorder and unbounded memory, seen failing)."""
    monkeypatch.setattr(_live_route, "ENDED_TIMEOUT_S", 0.05)
    rng = random.Random(17)
    rec = Recorder(max_seconds=10, countdown=0)
    bound = frame_budget(10) * ROW_WIDTH * 4
    sent = takes = timelines = 0
    endings = Counter()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        worst = most_rows = 0
        for _ in range(40):
            number = recording(rec)
            takes += 1
            for _ in range(rng.randrange(4, 16)):
                content, buffers = _hostile_message(rng, number)
                page_sends(rec, content, buffers=buffers)
                sent += 1
                del content, buffers
                worst = max(worst, tracemalloc.get_traced_memory()[0] - base)
                if rec._live_take is not None:
                    most_rows = max(most_rows, sum(rows.nbytes for rows in rec._live_take._batches))
                if rec.state == "idle":
                    break
            if rec.state == "recording" and rng.random() < 0.5:
                rec.stop()
            if rec.state in ("recording", "receiving"):
                page_sends(rec, ended(number, rng.choice([1.5, "abc"]), 45, reason=rng.choice(["stop", "limit"])))
                sent += 1
            deadline = time.monotonic() + 5
            while rec.state != "idle" and time.monotonic() < deadline:
                time.sleep(0.01)
            assert rec.state == "idle", (rec.state, rec.status)
            timelines += rec.timeline is not None
            endings[rec.status.split(",")[0].split(":")[0]] += 1
            if rec.timeline is not None:
                times = rec.timeline.frame["time_s"].to_numpy()
                assert np.all(np.isfinite(times)) and np.all(np.diff(times) > 0)
                assert times[0] >= 0 and times[-1] <= 10 + 1
            rec.clear()
            gc.collect()
    finally:
        tracemalloc.stop()
    assert sent >= 300 and takes == 40 and 0 < timelines < takes and len(endings) >= 3, endings
    assert worst < 4 * bound + 500_000, f"held {worst / 1e6:.2f} MB at worst; the take bound is {bound / 1e6:.2f} MB"
    assert most_rows <= bound, f"a take held {most_rows} bytes of rows; its bound is {bound}"
    print(
        f"fuzz: {sent} messages over {takes} takes, {timelines} timelines; at most {most_rows / 1e6:.2f} MB of rows "
        f"held (bound {bound / 1e6:.2f} MB), {worst / 1e6:.2f} MB traced at worst; {rec._live.dropped_messages} "
        f"messages dropped; the takes ended: {dict(endings)}"
    )
