"""Mirror practice (lesson 04): short takes checked against a "soft eyes, half smile" target band.

Feedback names movements (Action Units) and how far they moved, never a feeling. Each take is summarised
by the median of each AU over the frames where a face was found, which ignores a brief blink or twitch.
The bands were set on this project's MediaPipe model: on the Pexels sample clip (a woman talking and
smiling) the median AU12 is about 0.7 and AU07 about 0.38, with AU04 and AU24 below 0.05.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from . import memory, practice_log


@dataclass(frozen=True)
class TargetBand:
    """The wanted range of one AU's median over a take, with plain words for each outcome."""

    au: str
    movement: str
    low: float
    high: float
    too_low: str
    in_band: str
    too_high: str


#: "Soft eyes, half smile": some AU12, a little AU6, low AU4, AU7 and AU24.
TARGET_BANDS: tuple[TargetBand, ...] = (
    TargetBand(
        "AU12",
        "lip corners lifted",
        0.15,
        0.75,
        "Lip corners barely lifted: let them rise a touch.",
        "Lip corners lifted a little: right in the band.",
        "Lip corners pulled up strongly: the target is a half lift, so ease off a little.",
    ),
    TargetBand(
        "AU06",
        "cheeks raised",
        0.02,
        0.40,
        "Cheeks hardly raised: let the lift of the lips reach the eyes.",
        "Cheeks raised a little: right in the band.",
        "Cheeks raised a lot: soften towards a gentler lift.",
    ),
    TargetBand(
        "AU04",
        "brows pulled down",
        0.0,
        0.15,
        "",
        "Brows stayed smooth.",
        "Brows pulled down: let the forehead go smooth.",
    ),
    TargetBand(
        "AU07",
        "lids tightened",
        0.0,
        0.50,
        "",
        "Lids stayed soft.",
        "Lids tightened: unclench the eyes a little.",
    ),
    TargetBand(
        "AU24",
        "lips pressed",
        0.0,
        0.20,
        "",
        "Lips stayed relaxed.",
        "Lips pressed together: let them rest apart or lightly closed.",
    ),
)

# A channel whose take maximum stays below this never moved at all: this model sometimes leaves a
# blendshape at zero for a whole clip, and scoring that would blame the learner for the model.
_FLAT = 0.01


@dataclass(frozen=True)
class BandCheck:
    """One AU of one take against its band."""

    au: str
    movement: str
    value: float
    low: float
    high: float
    status: str  # "below" | "in" | "above" | "not measured"
    message: str

    @property
    def scored(self) -> bool:
        """False when the model did not measure this movement in the take."""
        return self.status != "not measured"


@dataclass(frozen=True)
class TakeCheck:
    """A whole take against the target: per-AU checks and the take's medians."""

    checks: tuple[BandCheck, ...]
    medians: dict[str, float]
    face_share: float
    problem: str = ""

    @property
    def in_band(self) -> int:
        """How many scored movements are inside their band."""
        return sum(c.status == "in" for c in self.checks)

    @property
    def scored(self) -> int:
        """How many movements were measured and scored."""
        return sum(c.scored for c in self.checks)


def _frame_of(take):
    return take.frame if hasattr(take, "frame") else take


def check_take(take, bands: tuple[TargetBand, ...] = TARGET_BANDS) -> TakeCheck:
    """Compare a take with the target bands.

    Parameters
    ----------
    take : AUTimeline or pandas.DataFrame
        A timeline (or its per-frame table) with a boolean ``face`` column and AU columns.
    bands : tuple of TargetBand
        The target (default :data:`TARGET_BANDS`).

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
            message = f"The model did not register {band.movement} ({band.au}) in this take, so it is not scored."
        elif value < band.low:
            status, message = "below", band.too_low
        elif value > band.high:
            status, message = "above", band.too_high
        else:
            status, message = "in", band.in_band
        checks.append(BandCheck(band.au, band.movement, value, band.low, band.high, status, message))
    return TakeCheck(tuple(checks), medians, share)


def render_check(result: TakeCheck) -> str:
    """Render one take's feedback as HTML: movement, value, band, and a plain sentence."""
    if result.problem:
        return f"<p>{html.escape(result.problem)}</p>"
    symbols = {"in": "&#10003;", "below": "&#8595;", "above": "&#8593;", "not measured": "&#8211;"}
    rows = "".join(
        f"<tr><td>{symbols[c.status]}</td><td>{c.au} {html.escape(c.movement)}</td>"
        f"<td style='text-align:right'>{c.value:.2f}</td><td>{c.low:.2f} to {c.high:.2f}</td>"
        f"<td>{html.escape(c.message)}</td></tr>"
        for c in result.checks
    )
    return (
        f"<p><b>{result.in_band} of {result.scored} measured movements in the target band</b> "
        f"(face found in {result.face_share:.0%} of frames; values are medians over the take, 0 to 1).</p>"
        "<table><thead><tr><th></th><th style='text-align:left'>movement</th><th>median</th><th>target</th>"
        f"<th style='text-align:left'>what to try</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def compare(before: TakeCheck, after: TakeCheck) -> list[str]:
    """Describe, movement by movement, how the take after the pacer differs from the one before."""
    lines = []
    for b, a in zip(before.checks, after.checks, strict=False):
        if b.au != a.au or not (b.scored and a.scored):
            continue
        delta = a.value - b.value
        change = "about the same" if abs(delta) < 0.03 else "higher" if delta > 0 else "lower"
        lines.append(f"{b.movement} ({b.au}): {b.value:.2f} before, {a.value:.2f} after: {change}.")
    return lines


class MirrorPractice(widgets.VBox):
    """Short takes with feedback against the target band, and a before/after comparison around the pacer.

    Parameters
    ----------
    recorder : microexp_widgets.Recorder, optional
        The recorder whose takes are checked; by default a new one (``max_seconds=5``) is made and shown.
    lesson : str
        Lesson key written to the practice log.
    log_takes : bool
        Write each take's medians (numbers only, never video) to the learner's practice log.
    """

    def __init__(self, recorder=None, *, lesson: str = "04_nudging_your_own", log_takes: bool = True, **kwargs) -> None:
        self.lesson = lesson
        self.log_takes = log_takes
        #: Each take's :class:`TakeCheck`, with its phase: a list of ``(phase, TakeCheck)``.
        self.takes: list[tuple[str, TakeCheck]] = []
        self._phase = widgets.ToggleButtons(
            options=[("before the pacer", "before"), ("after the pacer", "after")],
            value="before",
            description="This take is",
        )
        self._feedback = widgets.HTML("<p><i>Record a short take (3-5 s) holding 'soft eyes, half smile'.</i></p>")
        self._comparison = widgets.HTML()
        if recorder is None:
            import microexp_widgets as mw

            recorder = mw.Recorder(max_seconds=5)
        self.recorder = recorder
        if hasattr(recorder, "on_timeline"):
            recorder.on_timeline(lambda timeline, *_: self.add_take(timeline))
        super().__init__(children=[self._phase, recorder, self._feedback, self._comparison], **kwargs)
        memory.remember(self)

    @property
    def phase(self) -> str:
        """``"before"`` or ``"after"`` the pacer: the label the next take gets."""
        return self._phase.value

    @phase.setter
    def phase(self, value: str) -> None:
        self._phase.value = value

    def add_take(self, timeline, phase: str | None = None) -> TakeCheck:
        """Check a take, show the feedback, update the comparison and log the numbers.

        Parameters
        ----------
        timeline : AUTimeline
            The take (from the recorder, a sample clip or a file).
        phase : {"before", "after"}, optional
            Defaults to the phase selected in the widget.
        """
        if phase is not None:
            self.phase = phase
        result = check_take(timeline)
        self._feedback.value = render_check(result)
        if result.problem:
            return result
        self.takes.append((self.phase, result))
        if self.log_takes:
            practice_log.add_entry(
                self.lesson,
                "mirror take",
                f"{self.phase} the pacer: {result.in_band} of {result.scored} movements in the target band",
                _log_values(self.phase, result),
            )
        self._comparison.value = self._render_comparison()
        return result

    def latest(self, phase: str) -> TakeCheck | None:
        """The most recent take of a phase, or ``None``."""
        for take_phase, result in reversed(self.takes):
            if take_phase == phase:
                return result
        return None

    def comparison(self) -> list[str]:
        """Before/after lines for the latest take of each phase (empty until both exist)."""
        before, after = self.latest("before"), self.latest("after")
        return compare(before, after) if before and after else []

    def clear(self) -> None:
        """Forget every take (used by "delete everything")."""
        self.takes.clear()
        self._feedback.value = "<p><i>Takes cleared.</i></p>"
        self._comparison.value = ""

    def _render_comparison(self) -> str:
        lines = self.comparison()
        if not lines:
            return "<p><i>Record one take before the pacer and one after it to compare them.</i></p>"
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        return f"<p><b>Before and after the pacer</b> (latest take of each):</p><ul>{items}</ul>"


def _log_values(phase: str, result: TakeCheck) -> dict[str, Any]:
    return {"phase": phase, "in_band": result.in_band, "scored": result.scored, **result.medians}
