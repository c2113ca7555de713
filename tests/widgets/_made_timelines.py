"""Small timelines with known movements, for the drawing tests (the spotting itself is tested on real footage)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from microexp_widgets.aus import AU_TABLE
from microexp_widgets.timeline import AUTimeline

FPS = 30


def two_movements() -> AUTimeline:
    """5 s at 30 fps: quiet AUs, a 200 ms brow lowering (AU04, micro) at 1.0 s, no face for 5 frames at 2.0 s,
    and a 1.5 s smile (AU12, macro) at 3.0 s."""
    n = 150
    rng = np.random.default_rng(0)
    table: dict[str, np.ndarray] = {"time_s": np.arange(n) / FPS, "face": np.ones(n, dtype=bool)}
    for au in AU_TABLE:
        table[au.code] = 0.05 + 0.005 * rng.standard_normal(n)
    table["AU04"][30:36] = [0.2, 0.5, 0.7, 0.7, 0.5, 0.2]
    table["AU12"][90:135] = 0.6
    table["face"][60:65] = False  # the face was lost for a moment at 2.0 s
    for au in AU_TABLE:
        table[au.code][60:65] = np.nan
    return AUTimeline(pd.DataFrame(table), source="made for the test")
