"""A take analysed in the browser: the per-frame numbers it sent, checked, bounded and joined into an ``AUTimeline``.

The numbers go through the same code as a file's (``AUTimeline.from_blendshapes``: the AU table, then spotting), so
a camera take and a clip give the same kind of timeline. Nothing the page sends is trusted (docs/faults.md K1, K2): a
take holds at most what its length can produce, a time must be finite, inside the take and later than the one
before, and a frame whose scores are impossible becomes a gap, never a movement.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..browser.live import ROW_WIDTH
from ..face import BLENDSHAPES
from ..spotting import DEFAULT_SETTINGS, SpottingSettings
from ..timeline import AUTimeline

MIN_TAKE_S = 0.5  # a take shorter than this is refused, on either route (docs/faults.md B5)
# Below this many analysed frames per second a movement of 500 ms spans too few frames to be timed (docs/faults.md P7).
MIN_FPS_FOR_MICRO = 20.0
#: The most frames per second a take may hold: twice the 60 frames per second of the fastest webcams browsers offer.
MAX_FRAMES_PER_SECOND = 120
#: Seconds past its length limit within which a frame of a take is still believed (the page's timer can fire late).
END_SLACK_S = 1.0
#: How far past 0..1 a blendshape score may lie (float rounding in the page) before the frame becomes a gap.
SCORE_TOLERANCE = 1e-3
_SCORES = slice(1, 1 + len(BLENDSHAPES))
_BOX = slice(1 + len(BLENDSHAPES), None)


def frame_budget(max_seconds: float) -> int:
    """The most frames a take of ``max_seconds`` may hold (one second of frames more, for a late end)."""
    return math.ceil(max_seconds * MAX_FRAMES_PER_SECOND) + MAX_FRAMES_PER_SECOND


def _frames(n: int, *, past: bool) -> tuple[str, str]:
    """``("1 frame", "was")`` or ``("5 frames", "were")``; "is" and "are" when not ``past``."""
    verb = ("was" if past else "is") if n == 1 else ("were" if past else "are")
    return f"{n} frame{'' if n == 1 else 's'}", verb


class LiveTake:
    """Rows of ``time_s, 52 blendshapes, face box`` as the page sends them, in batches, checked as they come."""

    def __init__(self, number: int, max_seconds: float = 600.0):
        self.number = number
        self.max_seconds = float(max_seconds)
        #: Frames this take may hold in all; a batch that would take it past this is refused (:meth:`add`).
        self.budget = frame_budget(self.max_seconds)
        self._batches: list[np.ndarray] = []
        self.frames = 0  # frames kept
        self.received = 0  # frames the page sent, kept or not
        self.dropped_times = 0  # frames dropped for an impossible time
        self.gaps = 0  # frames made gaps for impossible scores or face box
        self._last_time = -math.inf

    def add(self, rows: np.ndarray) -> bool:
        """Keep a batch's believable frames; False, keeping nothing, when it would take the take past its budget."""
        if self.received + len(rows) > self.budget:
            return False
        self.received += len(rows)
        rows = np.array(rows, dtype=np.float32, copy=True)
        times = rows[:, 0].astype(float)
        believable = np.isfinite(times) & (times >= 0) & (times <= self.max_seconds + END_SLACK_S)
        # Later than every believable time before it, in this batch or an earlier one.
        earlier = np.maximum.accumulate(np.r_[self._last_time, np.where(believable, times, -math.inf)[:-1]])
        keep = believable & (times > earlier)
        self.dropped_times += int(len(rows) - keep.sum())
        rows = rows[keep]
        if len(rows):
            self._last_time = float(rows[-1, 0])
            self._make_impossible_frames_gaps(rows)
            self._batches.append(rows)
            self.frames += len(rows)
        return True

    def _make_impossible_frames_gaps(self, rows: np.ndarray) -> None:
        scores, box = rows[:, _SCORES], rows[:, _BOX]
        no_face = np.isnan(scores).all(axis=1) & np.isnan(box).all(axis=1)  # what the page sends for no face
        with np.errstate(invalid="ignore"):
            possible = (
                np.isfinite(scores).all(axis=1)
                & (scores >= -SCORE_TOLERANCE).all(axis=1)
                & (scores <= 1 + SCORE_TOLERANCE).all(axis=1)
                & np.isfinite(box).all(axis=1)
                & (box >= -1).all(axis=1)
                & (box <= 2).all(axis=1)
            )
        impossible = ~possible & ~no_face
        self.gaps += int(impossible.sum())
        rows[impossible, 1:] = np.nan

    def timeline(
        self,
        seconds: float,
        *,
        source: str = "recording",
        warnings: list[str] | None = None,
        settings: SpottingSettings = DEFAULT_SETTINGS,
    ) -> AUTimeline:
        """The take's timeline; micro labels are withheld when fewer than 20 frames per second were analysed."""
        rows = np.vstack(self._batches) if self._batches else np.empty((0, ROW_WIDTH), np.float32)
        after_the_end = rows[:, 0] > seconds + 1 / MAX_FRAMES_PER_SECOND
        rows = rows[~after_the_end].astype(float)
        notes = list(warnings or [])
        dropped = self.dropped_times + int(after_the_end.sum())
        if dropped:
            count, verb = _frames(dropped, past=True)
            notes.append(
                f"{count} with an impossible time (not a number, outside the take, or earlier than the frame before) "
                f"{verb} dropped."
            )
        if self.gaps:
            count, verb = _frames(self.gaps, past=False)
            notes.append(f"{count} with impossible scores {verb} shown as gaps, never as movements.")
        rate = len(rows) / seconds if seconds > 0 else 0.0
        if rate < MIN_FPS_FOR_MICRO:
            settings = replace(settings, label_micro=False)
            notes.append(
                f"Only {rate:.0f} frames per second could be analysed (20 are needed to time a brief movement), "
                "so no movement is called micro."
            )
        box = rows[:, _BOX]
        timeline = AUTimeline.from_blendshapes(
            rows[:, 0],
            rows[:, _SCORES],
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
