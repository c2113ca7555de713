"""What moved in one "soft eyes, half smile" take, in movement words (lessons 04 and 06): never a feeling or a score.

Each take is summarised by the median of each AU over the frames where a face was found, which ignores a brief
blink or twitch. The half-smile ranges were set on this project's MediaPipe model: on the Pexels sample clip (a
woman talking and smiling) the median AU12 is about 0.7 and AU07 about 0.38, with AU04 and AU24 below 0.05.

Cheek raise (AU06) is left out on purpose: this model's ``cheekSquint`` channels stayed below 0.00001 through
broad smiles on both sample clips, so asking a learner to move it would ask for something the model cannot see.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

from . import practice_log
from .take_origin import LABELS, SAMPLE


@dataclass(frozen=True)
class TargetBand:
    """The half-smile range of one AU's median over a take, with what to say below, inside and above it."""

    au: str
    movement: str
    low: float
    high: float
    too_low: str
    in_band: str
    too_high: str


#: "Soft eyes, half smile": some AU12, and little AU4, AU7 or AU24. AU06 is not here (see the module notes).
TARGET_BANDS: tuple[TargetBand, ...] = (
    TargetBand(
        "AU12",
        "lip corners lifted",
        0.15,
        0.75,
        "Barely lifted. Next take, let the lip corners rise a touch, as if about to smile.",
        "Lifted a little: a half smile. Nothing to change; notice how it feels.",
        "Pulled up strongly, a full smile. For a half smile, let them ease back a little.",
    ),
    TargetBand(
        "AU04",
        "brows pulled down",
        0.0,
        0.15,
        "",
        "Stayed low: the forehead stayed smooth.",
        "Pulled down for much of the take. Next take, let the forehead go smooth.",
    ),
    TargetBand(
        "AU07",
        "lids tightened",
        0.0,
        0.50,
        "",
        "Stayed soft.",
        "Tightened. Next take, unclench the eyes: look at something far away for a moment first.",
    ),
    TargetBand(
        "AU24",
        "lips pressed",
        0.0,
        0.20,
        "",
        "Stayed relaxed.",
        "Pressed together. Next take, let the lips rest lightly closed or slightly apart.",
    ),
)

#: Said wherever the practice meets cheek raise, so the learner knows why it is missing.
AU06_NOTE = (
    "Cheek raise (AU06) is not checked: with this face model its channel (cheekSquint) stays near 0 even "
    "through broad smiles, so a reading of 0 would say nothing about your face."
)

# A channel whose take maximum stays below this never moved at all: this model sometimes leaves a
# blendshape at zero for a whole clip, and commenting on that would blame the learner for the model.
_FLAT = 0.01


@dataclass(frozen=True)
class BandCheck:
    """One AU of one take: how much it moved and what to try next."""

    au: str
    movement: str
    value: float
    low: float
    high: float
    status: str  # "below" | "in" | "above" | "not measured"
    message: str

    @property
    def measured(self) -> bool:
        """False when the model did not register this movement in the take."""
        return self.status != "not measured"


@dataclass(frozen=True)
class TakeCheck:
    """A whole take: per-AU checks and the take's medians."""

    checks: tuple[BandCheck, ...]
    medians: dict[str, float]
    face_share: float
    problem: str = ""


def _frame_of(take):
    return take.frame if hasattr(take, "frame") else take


def check_take(take, bands: tuple[TargetBand, ...] = TARGET_BANDS) -> TakeCheck:
    """Describe a take against the half-smile ranges.

    Parameters
    ----------
    take : AUTimeline or pandas.DataFrame
        A timeline (or its per-frame table) with a boolean ``face`` column and AU columns.
    bands : tuple of TargetBand
        The ranges (default :data:`TARGET_BANDS`).

    Returns
    -------
    TakeCheck
        With ``problem`` set (and no checks) when no face was found.
    """
    frame = _frame_of(take)
    faces = frame[frame["face"].astype(bool)] if "face" in frame else frame
    share = len(faces) / len(frame) if len(frame) else 0.0
    if faces.empty:
        return TakeCheck((), {}, share, "No face was found in this take: face the camera in good light and try again.")
    checks, medians = [], {}
    for band in bands:
        if band.au not in faces:
            continue
        column = faces[band.au].astype(float)
        value = float(column.median())
        medians[band.au] = round(value, 4)
        if not math.isfinite(value) or float(column.max()) < _FLAT:
            status = "not measured"
            message = "Not registered in this take: the model can leave a channel at 0, so this says nothing."
        elif value < band.low:
            status, message = "below", band.too_low
        elif value > band.high:
            status, message = "above", band.too_high
        else:
            status, message = "in", band.in_band
        checks.append(BandCheck(band.au, band.movement, value, band.low, band.high, status, message))
    return TakeCheck(tuple(checks), medians, share)


def render_check(result: TakeCheck, origin: str = "camera") -> str:
    """Render one take's feedback as HTML: each movement, how much it moved, and what to try next."""
    whose = "the sample clip (not you)" if origin == SAMPLE else "your take"
    if result.problem:
        return f"<p>{html.escape(result.problem)}</p>"
    pad = "padding:0.1em 0.7em"
    rows = "".join(
        f"<tr><td style='{pad}'>{c.au} {html.escape(c.movement)}</td>"
        f"<td style='text-align:right;{pad}'>{c.value:.2f}</td>"
        f"<td style='{pad};white-space:nowrap'>{c.low:.2f} to {c.high:.2f}</td>"
        f"<td style='{pad}'>{html.escape(c.message)}</td></tr>"
        for c in result.checks
    )
    sample_note = (
        "<p><i>This is someone else's face: it shows how the feedback reads. It is not logged, counted or "
        "compared with your takes.</i></p>"
        if origin == SAMPLE
        else ""
    )
    return (
        f"<p><b>What moved in {whose}</b> (face found in {result.face_share:.0%} of frames; medians over the take, "
        "0 = still, 1 = the most this model registers).</p>"
        f"{sample_note}"
        f"<table><thead><tr><th style='text-align:left;{pad}'>movement</th><th style='{pad}'>how much</th>"
        f"<th style='{pad}'>half-smile range</th>"
        f"<th style='text-align:left;{pad}'>what moved, and what to try next</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<p><small>{html.escape(AU06_NOTE)}</small></p>"
    )


def compare(before: TakeCheck, after: TakeCheck) -> list[str]:
    """Describe, movement by movement, how the take after the pacer differs from the one before."""
    lines = []
    for b, a in zip(before.checks, after.checks, strict=False):
        if b.au != a.au or not (b.measured and a.measured):
            continue
        delta = a.value - b.value
        change = "about the same" if abs(delta) < 0.03 else "higher" if delta > 0 else "lower"
        lines.append(f"{b.movement} ({b.au}): {b.value:.2f} before, {a.value:.2f} after: {change}.")
    return lines


def describe(result: TakeCheck) -> str:
    """One line of medians in movement words, for the practice log."""
    return ", ".join(f"{c.movement} {c.value:.2f}" for c in result.checks if c.measured) or "nothing measured"


def log_take(lesson: str, kind: str, what: str, origin: str, result: TakeCheck, **values: Any) -> None:
    """Write one of the learner's own takes to the practice log: the medians and ``values``, never video.

    The summary reads "``what`` (whose take): movements and medians".
    """
    summary = f"{what} ({LABELS[origin]}): {describe(result)}"
    practice_log.add_entry(lesson, kind, summary, {**values, "origin": origin, **result.medians})
