"""Spot onset, apex and offset of each AU movement, label it micro (<= 500 ms) or macro, and score spotting.

An event starts at the first departure from the AU's baseline, peaks at the apex and ends with the return to baseline
(Yan, Wu, Liang, Chen & Fu 2013, J. Nonverbal Behavior, proposed a 500 ms total duration as the micro-expression
cut-off; the CASME II database is a different paper, Yan et al. 2014, PLoS ONE). Intervals are scored as in
the MEGC spotting challenges: a prediction is a hit when its intersection-over-union with a true interval is >= 0.5.

An event touching the first or the last analysed frame (docs/faults.md P8) was already under way when the take began,
or still under way when it ended: its true onset, apex or offset may lie outside the take, so its duration is only a
lower bound. Such an event has ``kind == "cut_off"`` (never "micro" or "macro") and ``cut_off`` says which edge cut it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from .video import median_frame_period

MICRO_MAX_MS = 500.0
KINDS = ("micro", "macro", "cut_off")
CUT_OFF_EDGES = ("start", "end", "both")


@dataclass(frozen=True)
class AUEvent:
    """One movement of one Action Unit."""

    au: str
    onset_s: float
    apex_s: float
    offset_s: float
    duration_ms: float
    peak: float
    kind: str
    """ "micro" (500 ms or shorter), "macro", "short" (500 ms or shorter where too few frames per second were
    analysed to call it micro), or "cut_off" (touches an edge of the take: its length is unknown)."""
    cut_off: str | None = None
    """None for a complete event; "start", "end" or "both": which edge of the take cut it."""

    @property
    def complete(self) -> bool:
        """True when the take holds the whole movement, from onset to offset."""
        return self.cut_off is None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SpottingSettings:
    """How large a departure from baseline counts as a movement."""

    min_rise: float = 0.18
    """Smallest rise above baseline (AU intensity 0..1) that counts, however quiet the signal."""
    noise_factor: float = 5.0
    """The rise must also exceed this many times the signal's frame-to-frame noise."""
    release: float = 0.5
    """An event extends to the frames still above this share of the threshold (its onset and offset)."""
    baseline_percentile: float = 10.0
    """The baseline is this low percentile of the take, so a movement that fills most of the take still has one."""
    label_micro: bool = True
    """False when too few frames per second were analysed to time a short movement (docs/faults.md P7): a movement of
    500 ms or less is called ``"short"``, never ``"micro"``."""


DEFAULT_SETTINGS = SpottingSettings()


def _median3(values: np.ndarray) -> np.ndarray:
    """Three-frame running median: removes one-frame spikes, keeps anything two frames or longer."""
    if len(values) < 3:
        return values.copy()
    stacked = np.vstack([np.r_[values[0], values[:-1]], values, np.r_[values[1:], values[-1]]])
    return np.median(stacked, axis=0)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each run of True."""
    edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def find_events(
    times: Sequence[float],
    values: Sequence[float],
    au: str,
    settings: SpottingSettings = DEFAULT_SETTINGS,
) -> list[AUEvent]:
    """Spot the movements in one AU's intensity trace; frames without a face are NaN and split events."""
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)
    valid = np.isfinite(values)
    if valid.sum() < 3:
        return []
    smooth = np.full_like(values, np.nan)
    for start, end in _runs(valid):
        smooth[start:end] = _median3(values[start:end])
    baseline = float(np.nanpercentile(smooth, settings.baseline_percentile))
    steps = np.diff(values)
    steps = steps[np.isfinite(steps)]
    noise = float(np.median(np.abs(steps - np.median(steps))) * 1.4826 / np.sqrt(2)) if len(steps) else 0.0
    threshold = max(settings.min_rise, settings.noise_factor * noise)
    rise = np.where(valid, smooth - baseline, -np.inf)
    active = rise > threshold
    held = rise > threshold * settings.release
    period = median_frame_period(times, default=1 / 30)

    events: list[AUEvent] = []
    analysed = np.flatnonzero(valid)
    first_frame, last_frame = int(analysed[0]), int(analysed[-1])
    last_end = -1
    for start, end in _runs(active):
        while start > 0 and held[start - 1] and start - 1 >= last_end:
            start -= 1
        while end < len(values) and held[end]:
            end += 1
        if start < last_end:  # grown into the previous event: they are one movement
            continue
        last_end = end
        apex = start + int(np.nanargmax(values[start:end]))
        onset_s = float(times[start])
        # The event lasts until the first frame back at baseline; a run cut by the end of the take or a face loss
        # lasts one frame period past its last frame.
        offset_s = float(times[end - 1]) + period
        if end < len(values):
            offset_s = float(times[end]) if valid[end] else min(offset_s, float(times[end]))
        duration_ms = (offset_s - onset_s) * 1000.0
        cut_off = _cut_off_edge(start <= first_frame, end - 1 >= last_frame)
        if cut_off is not None:
            kind = "cut_off"
        elif duration_ms > MICRO_MAX_MS:
            kind = "macro"
        else:
            kind = "micro" if settings.label_micro else "short"
        events.append(
            AUEvent(
                au=au,
                onset_s=round(onset_s, 4),
                apex_s=round(float(times[apex]), 4),
                offset_s=round(offset_s, 4),
                duration_ms=round(duration_ms, 1),
                peak=round(float(values[apex]), 4),
                kind=kind,
                cut_off=cut_off,
            )
        )
    return events


def kind_words(event: AUEvent) -> str:
    """The event's kind as a learner reads it: "micro", "macro" or "cut off by the start of the take"."""
    if event.cut_off is None:
        return event.kind
    edge = "both ends" if event.cut_off == "both" else f"the {event.cut_off}"
    return f"cut off by {edge} of the take"


def _cut_off_edge(at_start: bool, at_end: bool) -> str | None:
    if at_start and at_end:
        return "both"
    return "start" if at_start else ("end" if at_end else None)


def interval_iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    if overlap <= 0:
        return 0.0
    union = max(a[1], b[1]) - min(a[0], b[0])
    return overlap / union


@dataclass(frozen=True)
class SpottingScore:
    hits: int
    false_positives: int
    misses: int

    @property
    def precision(self) -> float:
        found = self.hits + self.false_positives
        return self.hits / found if found else 0.0

    @property
    def recall(self) -> float:
        truth = self.hits + self.misses
        return self.hits / truth if truth else 0.0

    @property
    def f1(self) -> float:
        total = 2 * self.hits + self.false_positives + self.misses
        return 2 * self.hits / total if total else 0.0


def score_intervals(
    predicted: Sequence[tuple[float, float]],
    truth: Sequence[tuple[float, float]],
    min_iou: float = 0.5,
) -> SpottingScore:
    """Match predictions to true intervals one-to-one, best overlap first; a hit needs IoU >= ``min_iou``."""
    pairs = sorted(
        ((interval_iou(p, t), i, j) for i, p in enumerate(predicted) for j, t in enumerate(truth)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_t: set[int] = set()
    for iou, i, j in pairs:
        if iou < min_iou:
            break
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
    hits = len(used_p)
    return SpottingScore(hits, len(predicted) - hits, len(truth) - hits)
