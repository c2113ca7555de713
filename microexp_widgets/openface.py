"""Read OpenFace 2 CSV output (``AU01_r`` ...) as an ``AUTimeline``, so it can be plotted and spotted too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .aus import AU_CODES
from .errors import VideoDecodeError
from .spotting import DEFAULT_SETTINGS, SpottingSettings
from .timeline import AUTimeline

OPENFACE_MAX_INTENSITY = 5.0  # OpenFace's AUxx_r columns run from 0 to 5

# OpenFace's AU23 (lip tightener) lands on our AU24 row, which stands for both (one MediaPipe blendshape covers them).
_RENAMED = {"AU23": "AU24"}


def read_openface_csv(path: str | Path, settings: SpottingSettings = DEFAULT_SETTINGS) -> AUTimeline:
    """Turn OpenFace 2 per-frame output into a timeline: intensities scaled to 0..1, failed frames as NaN."""
    path = Path(path)
    try:
        table = pd.read_csv(path, skipinitialspace=True)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise VideoDecodeError(
            f"{path.name} could not be read as a CSV file; export it from OpenFace again."
        ) from error
    table.columns = [str(c).strip() for c in table.columns]
    if "timestamp" not in table.columns or not any(c.endswith("_r") for c in table.columns):
        raise VideoDecodeError(f"{path.name} has no OpenFace timestamp and AUxx_r columns; is it OpenFace 2 output?")
    face = table["success"].astype(bool) if "success" in table.columns else pd.Series(True, index=table.index)
    frame = pd.DataFrame({"time_s": table["timestamp"].astype(float) - float(table["timestamp"].iloc[0]), "face": face})
    for column in table.columns:
        if not (column.startswith("AU") and column.endswith("_r")):
            continue
        code = _RENAMED.get(column[:-2], column[:-2])
        if code in AU_CODES:
            values = np.clip(table[column].to_numpy(dtype=float) / OPENFACE_MAX_INTENSITY, 0.0, 1.0)
            frame[code] = np.where(face, values, np.nan)
    return AUTimeline(frame, source=path.name, settings=settings)
