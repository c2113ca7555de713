"""A take analysed in the browser: the per-frame numbers it sent, joined into an ``AUTimeline`` at Stop.

The numbers go through the same code as a file's (``AUTimeline.from_blendshapes``: the AU table, then spotting), so
a camera take and a clip give the same kind of timeline.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..face import BLENDSHAPES
from ..spotting import DEFAULT_SETTINGS, SpottingSettings
from ..timeline import AUTimeline

MIN_TAKE_S = 0.5  # a take shorter than this is refused, on either route (docs/faults.md B5)
# Below this many analysed frames per second a movement of 500 ms spans too few frames to be timed (docs/faults.md P7).
MIN_FPS_FOR_MICRO = 20.0


class LiveTake:
    """Rows of ``time_s, 52 blendshapes, face box`` as the page sends them, in batches."""

    def __init__(self, number: int):
        self.number = number
        self._batches: list[np.ndarray] = []
        self.frames = 0

    def add(self, rows: np.ndarray) -> None:
        self._batches.append(np.array(rows, dtype=np.float32, copy=True))
        self.frames += len(rows)

    def timeline(
        self,
        seconds: float,
        *,
        source: str = "recording",
        warnings: list[str] | None = None,
        settings: SpottingSettings = DEFAULT_SETTINGS,
    ) -> AUTimeline:
        """The take's timeline; micro labels are withheld when fewer than 20 frames per second were analysed."""
        rows = np.vstack(self._batches) if self._batches else np.empty((0, 1 + len(BLENDSHAPES) + 4), np.float32)
        rows = rows[np.argsort(rows[:, 0], kind="stable")]
        keep = np.r_[True, np.diff(rows[:, 0]) > 0] if len(rows) else np.ones(0, bool)  # time must increase
        rows = rows[keep].astype(float)
        rate = len(rows) / seconds if seconds > 0 else 0.0
        notes = list(warnings or [])
        if rate < MIN_FPS_FOR_MICRO:
            settings = replace(settings, label_micro=False)
            notes.append(
                f"Only {rate:.0f} frames per second could be analysed (20 are needed to time a brief movement), "
                "so no movement is called micro."
            )
        box = rows[:, 1 + len(BLENDSHAPES) :]
        timeline = AUTimeline.from_blendshapes(
            rows[:, 0],
            rows[:, 1 : 1 + len(BLENDSHAPES)],
            BLENDSHAPES,
            extra={"face_x": box[:, 0], "face_y": box[:, 1], "face_w": box[:, 2], "face_h": box[:, 3]},
            source=source,
            warnings=notes,
            settings=settings,
        )
        timeline.analysed_fps = rate
        if len(rows) and timeline.face_frames == 0:
            timeline.warnings.append("No face was found in any frame; face the camera in good light and try again.")
        return timeline

    def forget(self) -> None:
        self._batches.clear()
