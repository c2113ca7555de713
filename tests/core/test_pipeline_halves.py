"""Analysing a take in two halves on two cores gives the same timeline as one pass."""

from __future__ import annotations

import numpy as np
import pytest

from microexp_widgets import analyze_video, pipeline
from microexp_widgets.assets import sample_path

pytestmark = pytest.mark.slow


def test_two_halves_match_one_pass(monkeypatch):
    clip = sample_path("pexels")
    halves = analyze_video(clip)
    monkeypatch.setattr(pipeline, "MIN_FRAMES_TO_SPLIT", 10**9)
    whole = analyze_video(clip)
    assert pipeline._usable_cores() >= 2  # otherwise this compares one pass with itself
    assert halves.frames == whole.frames == 472
    assert np.array_equal(halves.frame["time_s"], whole.frame["time_s"])
    difference = np.abs(halves.frame[whole.au_codes].to_numpy() - whole.frame[whole.au_codes].to_numpy())
    assert difference.max() < 0.05  # the second landmarker picks up the face where the first one left it
    assert len(halves.events) == len(whole.events)
    for a, b in zip(halves.events, whole.events, strict=True):
        assert a.au == b.au and abs(a.onset_s - b.onset_s) <= 0.05 and abs(a.offset_s - b.offset_s) <= 0.05


def test_progress_reaches_every_frame_across_both_halves():
    seen: list[tuple[int, int | None]] = []
    timeline = analyze_video(
        sample_path("face_noface"), on_progress=lambda done, expected: seen.append((done, expected))
    )
    assert seen[-1] == (timeline.frames, timeline.frames)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
