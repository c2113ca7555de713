"""``AUTimeline``: one row per frame of AU intensities, the spotted events, and exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from . import _learner_data
from .aus import AU_CODES, aus_from_blendshapes
from .spotting import DEFAULT_SETTINGS, AUEvent, SpottingSettings, find_events
from .video import median_frame_period

# Blinks are movements but not expressions; the MEGC spotting protocols leave them out too.
EXPRESSION_AUS: tuple[str, ...] = tuple(code for code in AU_CODES if code != "AU45")

# "cut_off" extends the JSON contract: None for a complete event, else the edge of the take that cut it
# ("start", "end" or "both"); such events have kind "cut_off" (docs/faults.md P8).
EVENT_COLUMNS = ["au", "onset_s", "apex_s", "offset_s", "duration_ms", "peak", "kind", "cut_off"]


def spot_frame(frame: pd.DataFrame, settings: SpottingSettings = DEFAULT_SETTINGS) -> list[AUEvent]:
    """Spot every expression AU present in a per-frame table, in time order."""
    times = frame["time_s"].to_numpy(dtype=float)
    events = [
        event
        for code in EXPRESSION_AUS
        if code in frame.columns
        for event in find_events(times, frame[code].to_numpy(dtype=float), code, settings)
    ]
    return sorted(events, key=lambda e: (e.onset_s, e.au))


def _sample_name(clip: bytes | Path | None) -> str | None:
    """The sample's name when ``clip`` is the path of an installed sample clip, else None."""
    if not isinstance(clip, Path):
        return None
    from .assets import SAMPLES, samples_dir

    try:
        where = clip.resolve()
        folder = samples_dir().resolve()
    except OSError:
        return None
    return next((name for name, asset in SAMPLES.items() if where == folder / asset.filename), None)


class AUTimeline:
    """A take's facial movements: ``frame`` (one row per decoded frame) and ``events`` (spotted movements).

    Parameters
    ----------
    frame
        Columns ``time_s``, ``face`` (bool) and one column per AU (0..1, NaN where no face was found), plus any
        ``AUxx_L``/``AUxx_R`` and raw blendshape columns.
    source
        A short name for where the take came from (a file name, or ``"recording"``).
    warnings
        Plain sentences about anything unusual in the clip (damage, several faces, cut at the length limit).
    clip
        The clip itself (bytes in memory, or a path), kept so :meth:`still_at` can show the learner's own frame.
    sample
        The name of the shipped sample clip this take is (``"pexels"`` ...), or None for a learner's own take.
        By default it is worked out from ``clip``: a path to one of the installed sample clips names that sample.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        source: str = "",
        warnings: list[str] | None = None,
        clip: bytes | Path | None = None,
        settings: SpottingSettings = DEFAULT_SETTINGS,
        sample: str | None = None,
    ):
        self.frame = frame
        self.source = source
        self.sample = sample if sample is not None else _sample_name(clip)
        self.warnings = list(warnings or [])
        self._clip = clip
        self.events: list[AUEvent] = spot_frame(frame, settings)
        _learner_data.register(self, AUTimeline.forget_clip, kind="timeline")

    @classmethod
    def from_blendshapes(
        cls,
        times: np.ndarray,
        blendshapes: np.ndarray,
        names: tuple[str, ...],
        extra: dict[str, np.ndarray] | None = None,
        **kwargs,
    ) -> AUTimeline:
        """Build a timeline from per-frame blendshape scores (rows of NaN where no face was found)."""
        columns = {name: blendshapes[:, i].astype(float) for i, name in enumerate(names)}
        table = {"time_s": np.asarray(times, dtype=float), "face": ~np.isnan(blendshapes[:, 0])}
        table.update(aus_from_blendshapes(columns))
        table.update(extra or {})
        table.update(columns)
        return cls(pd.DataFrame(table), **kwargs)

    @property
    def is_own_take(self) -> bool:
        """False for a shipped sample clip (a stranger's face): captions then never say "your take"."""
        return self.sample is None

    @property
    def frames(self) -> int:
        return len(self.frame)

    @property
    def face_frames(self) -> int:
        return int(self.frame["face"].sum())

    @property
    def frame_period_s(self) -> float:
        return median_frame_period(self.frame["time_s"].to_numpy())

    @property
    def duration_s(self) -> float:
        times = self.frame["time_s"].to_numpy()
        return float(times[-1] - times[0] + self.frame_period_s) if len(times) else 0.0

    @property
    def fps(self) -> float:
        return self.frames / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def au_codes(self) -> list[str]:
        return [code for code in AU_CODES if code in self.frame.columns]

    def events_frame(self) -> pd.DataFrame:
        return pd.DataFrame([e.as_dict() for e in self.events], columns=EVENT_COLUMNS)

    def to_dict(self) -> dict:
        """The summary that ``python -m microexp_widgets analyze CLIP --json`` prints."""
        return {
            "source": self.source,
            "frames": self.frames,
            "face_frames": self.face_frames,
            "duration_s": round(self.duration_s, 3),
            "fps": round(self.fps, 3),
            "events": [e.as_dict() for e in self.events],
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_csv(self, path: str | Path | TextIO) -> None:
        """Write the per-frame table as CSV to a path or an open text file."""
        self.frame.to_csv(path, index=False, float_format="%.5f")

    def still_at(self, time_s: float) -> np.ndarray | None:
        """The take's own frame nearest ``time_s`` (RGB), decoded again from memory; None if the clip is not kept."""
        if self._clip is None:
            return None
        from .video import Decoder

        best = None
        with Decoder(self._clip) as decoder:
            for frame in decoder.frames():
                if best is not None and abs(frame.time_s - time_s) > abs(best.time_s - time_s):
                    break
                best = frame
        return None if best is None else best.rgb

    def forget_clip(self) -> None:
        """Drop the kept clip (the learner's video) while keeping the numbers."""
        self._clip = None

    def __repr__(self) -> str:
        return (
            f"<AUTimeline {self.source!r}: {self.frames} frames, face in {self.face_frames}, "
            f"{self.duration_s:.1f} s, {len(self.events)} events>"
        )
