"""Real footage for the analysis-core tests, built once per session from the sample clips."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from footage import encode, read_frames

from microexp_widgets import analyze_video
from microexp_widgets.assets import sample_path

FPS = 24.0
# In the Pexels clip, frames 160-200 (6.7-8.3 s) are a still, neutral stretch (AU12 near 0, steady brows);
# frames 252-330 (10.5-13.8 s) hold a broad smile (AU12 about 0.8).
NEUTRAL = (160, 200)
SMILE = (252, 330)


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


def _ping_pong(frames: list[np.ndarray], length: int) -> list[np.ndarray]:
    """Play a stretch forward and back until ``length`` frames: longer, with no new movement in it."""
    cycle = frames + frames[-2:0:-1]
    return [cycle[i % len(cycle)] for i in range(length)]


@pytest.fixture(scope="session")
def neutral_stretch(pexels_frames) -> bytes:
    return encode(pexels_frames["neutral"], "mp4", fps=FPS)


@pytest.fixture(scope="session", params=["webm", "mp4"])
def micro_smile(request, pexels_frames) -> Spliced:
    """Three smiling frames (125 ms at 24 fps) inside 3 s of neutral face, at 1.5 s."""
    base = _ping_pong(pexels_frames["neutral"], 72)
    at, length = 36, 3
    frames = base[:at] + pexels_frames["smile"][20 : 20 + length] + base[at:]
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
