"""Real footage for the analysis-core tests, built once per session from the sample clips."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from footage import (
    PEXELS_NEUTRAL,
    PEXELS_SMILE,
    SPLICE_FPS,
    encode,
    micro_smile_frames,
    read_frames,
)

from microexp_widgets import analyze_video
from microexp_widgets.assets import sample_path

FPS = SPLICE_FPS
NEUTRAL = PEXELS_NEUTRAL
SMILE = PEXELS_SMILE


@dataclass(frozen=True)
class Spliced:
    """A clip with a movement inserted at a known place."""

    data: bytes
    onset_s: float
    offset_s: float


@pytest.fixture(scope="session")
def pexels_frames() -> dict[str, list[np.ndarray]]:
    path = sample_path("pexels")
    return {"neutral": read_frames(path, *NEUTRAL), "smile": read_frames(path, *SMILE)}


@pytest.fixture(scope="session")
def neutral_stretch(pexels_frames) -> bytes:
    return encode(pexels_frames["neutral"], "mp4", fps=FPS)


@pytest.fixture(scope="session", params=["webm", "mp4"])
def micro_smile(request, pexels_frames) -> Spliced:
    """Three smiling frames (125 ms at 24 fps) inside 3 s of neutral face, at 1.5 s."""
    frames, at, length = micro_smile_frames(pexels_frames["neutral"], pexels_frames["smile"])
    return Spliced(encode(frames, request.param, fps=FPS), at / FPS, (at + length) / FPS)


@pytest.fixture(scope="session")
def long_smile(pexels_frames) -> Spliced:
    """A smile that fills 80% of a 4 s take: 0.8 s neutral, then 3.2 s of smiling."""
    neutral = pexels_frames["neutral"][:19]
    smile = pexels_frames["smile"][: 96 - len(neutral)]
    return Spliced(encode(neutral + smile, "mp4", fps=FPS), len(neutral) / FPS, 96 / FPS)


@pytest.fixture(scope="session")
def pexels_timeline():
    return analyze_video(sample_path("pexels"))
