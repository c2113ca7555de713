"""Spotting on traces with a known answer, and the MEGC-style interval scorer."""

from __future__ import annotations

import numpy as np
import pytest

from microexp_widgets.spotting import MICRO_MAX_MS, find_events, interval_iou, kind_words, score_intervals

FPS = 24.0


def _trace(seconds=3.0, fps=FPS, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    times = np.arange(int(seconds * fps)) / fps
    return times, 0.05 + rng.normal(0, noise, len(times))


def test_three_frame_rise_is_found_with_onset_and_offset_within_a_frame():
    times, values = _trace()
    values[30:33] += 0.5
    events = find_events(times, values, "AU04")
    assert len(events) == 1
    event = events[0]
    assert event.kind == "micro"
    assert abs(event.onset_s - 30 / FPS) <= 1 / FPS
    assert abs(event.offset_s - 33 / FPS) <= 1 / FPS
    assert 30 / FPS <= event.apex_s <= 32 / FPS
    assert event.peak == pytest.approx(values[30:33].max(), abs=1e-3)


def test_single_frame_spike_is_not_a_movement():
    times, values = _trace()
    values[40] += 0.6
    assert find_events(times, values, "AU04") == []


def test_still_noisy_face_has_no_events():
    for seed in range(5):
        times, values = _trace(seconds=10, noise=0.02, seed=seed)
        assert find_events(times, values, "AU12") == []


def test_movement_filling_most_of_the_take_keeps_its_baseline():
    times, values = _trace(seconds=5)
    values[15:-10] += 0.6  # the first 0.6 s are neutral, the next 80% is the movement
    events = find_events(times, values, "AU12")
    assert len(events) == 1
    assert events[0].kind == "macro" and events[0].complete
    assert events[0].onset_s == pytest.approx(15 / FPS)


def test_a_clip_that_starts_mid_movement_marks_that_movement_cut_off():
    times, values = _trace(seconds=3)
    values[:4] += np.linspace(0.5, 0.3, 4)  # already up and coming down when the take began: 170 ms seen
    values[30:36] += 0.5  # a complete 250 ms movement later on
    first, second = find_events(times, values, "AU02")
    assert first.onset_s == pytest.approx(times[0]) and first.cut_off == "start" and first.kind == "cut_off"
    assert not first.complete and kind_words(first) == "cut off by the start of the take"
    assert second.kind == "micro" and second.cut_off is None and second.complete
    assert second.onset_s > times[0] and second.apex_s >= second.onset_s


def test_movements_cut_by_the_end_are_never_micro_or_macro():
    times, values = _trace(seconds=3)
    values[-5:] += 0.5  # still up when the take stopped
    (event,) = find_events(times, values, "AU12")
    assert (event.kind, event.cut_off) == ("cut_off", "end")
    assert kind_words(event) == "cut off by the end of the take"


def test_the_first_frame_with_a_face_is_the_edge_of_what_was_analysed():
    times, values = _trace(seconds=3)
    values[:5] = np.nan  # no face yet
    values[5:9] += 0.5
    (event,) = find_events(times, values, "AU12")
    assert event.onset_s == pytest.approx(times[5], abs=1e-4) and event.cut_off == "start"


def test_duration_decides_micro_or_macro():
    times, values = _trace(seconds=4)
    values[10:22] += 0.5  # 500 ms
    values[60:73] += 0.5  # 542 ms
    kinds = [(e.duration_ms, e.kind) for e in find_events(times, values, "AU01")]
    assert kinds == [(pytest.approx(500, abs=1), "micro"), (pytest.approx(541.7, abs=1), "macro")]
    assert MICRO_MAX_MS == 500


def test_missing_face_splits_events_and_invents_none():
    times, values = _trace(seconds=4)
    values[20:60] += 0.5
    values[35:40] = np.nan
    events = find_events(times, values, "AU12")
    assert len(events) == 2
    assert events[0].offset_s <= times[35] + 1 / FPS
    assert events[1].onset_s >= times[40] - 1e-9
    assert find_events(times, np.full_like(values, np.nan), "AU12") == []


def test_uneven_frame_times_are_used_as_given():
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.uniform(0.03, 0.06, 100))
    values = np.full(100, 0.02)
    values[50:54] = 0.7
    (event,) = find_events(times, values, "AU04")
    assert event.onset_s == pytest.approx(times[50], abs=1e-4)
    assert event.offset_s == pytest.approx(times[54], abs=1e-4)


def test_interval_iou():
    assert interval_iou((0, 1), (0, 1)) == 1
    assert interval_iou((0, 1), (1, 2)) == 0
    assert interval_iou((0, 2), (1, 3)) == pytest.approx(1 / 3)


def test_score_counts_hits_at_iou_half_one_to_one():
    truth = [(1.0, 1.2), (3.0, 4.0), (6.0, 6.3)]
    predicted = [(1.0, 1.25), (1.05, 1.2), (3.5, 5.0), (8.0, 8.2)]
    score = score_intervals(predicted, truth)
    # (1.0,1.25) hits the first truth (IoU 0.8); its near-duplicate cannot hit it again;
    # (3.5,5.0) overlaps the second with IoU 0.25 only; nothing finds the third.
    assert (score.hits, score.false_positives, score.misses) == (1, 3, 2)
    assert score.precision == pytest.approx(1 / 4)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(2 / 7)
    assert score_intervals([], []).f1 == 0
