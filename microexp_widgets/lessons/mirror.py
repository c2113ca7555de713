"""Mirror practice (lesson 04): notice what moved in a short "soft eyes, half smile" take, and what to try next.

Feedback names movements (Action Units) and how far they moved, never a feeling, and never a score or a rank.
Each take is summarised by the median of each AU over the frames where a face was found, which ignores a brief
blink or twitch. The half-smile ranges were set on this project's MediaPipe model: on the Pexels sample clip (a
woman talking and smiling) the median AU12 is about 0.7 and AU07 about 0.38, with AU04 and AU24 below 0.05.

Cheek raise (AU06) is left out on purpose: this model's ``cheekSquint`` channels stayed below 0.00001 through
broad smiles on both sample clips, so asking a learner to move it would ask for something the model cannot see.
Only the learner's own takes are kept, counted and compared; a sample clip is shown as "sample clip (not you)".
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from . import memory, practice_log
from .take_origin import LABELS, SAMPLE, TakeRoute, is_sample


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


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
_INTRO = (
    "<p><b>Noticing, not testing.</b> A take shows what moved and how much; there is no right face "
    "to make. This lesson asks for {asked} takes at most: one before the pacer, one after. "
    "While the camera is on, the meters under the picture move with your brows, eyelids and lip corners: watch "
    "them as you try; they show movement, not how well you did. "
    "Press <b>Stop practising</b> at any time; the rest of the lesson works without a camera.</p>"
)


class MirrorPractice(widgets.VBox):
    """Short takes with feedback on what moved, and a before/after comparison of the learner's own takes.

    Parameters
    ----------
    recorder : microexp_widgets.Recorder, optional
        The recorder whose takes are described; by default a new one (``max_seconds=5``) is made and shown.
    lesson : str
        Lesson key written to the practice log.
    log_takes : bool
        Write each of the learner's own takes (numbers only, never video) to the practice log. Sample clips are
        never logged.
    takes_asked : int
        How many takes the lesson asks for; after that the widget says the learner can stop.
    """

    def __init__(
        self,
        recorder=None,
        *,
        lesson: str = "04_nudging_your_own",
        log_takes: bool = True,
        takes_asked: int = 2,
        **kwargs,
    ) -> None:
        self.lesson = lesson
        self.log_takes = log_takes
        self.takes_asked = takes_asked
        #: The learner's own takes, each ``(phase, TakeCheck)``; sample clips never enter it.
        self.takes: list[tuple[str, TakeCheck]] = []
        #: The last sample clip's check, shown as an example and kept apart from the learner's takes.
        self.example: TakeCheck | None = None
        self.stopped = False
        self._phase = widgets.ToggleButtons(
            options=[("before the pacer", "before"), ("after the pacer", "after")],
            value="before",
            description="This take is",
        )
        self._feedback = widgets.HTML("<p><i>Record a short take (3-5 s) holding 'soft eyes, half smile'.</i></p>")
        self._comparison = widgets.HTML(self._render_comparison())
        fit = widgets.Layout(width="auto")
        self._stop_button = widgets.Button(description="Stop practising", icon="hand-paper-o", layout=fit)
        self._stop_button.on_click(lambda _: self.stop())
        self._resume_button = widgets.Button(
            description="Carry on practising", icon="play", layout=widgets.Layout(width="auto")
        )
        self._resume_button.on_click(lambda _: self.resume())
        self._resume_button.layout.display = "none"
        if recorder is None:
            import microexp_widgets as mw

            # Live meters for the movements this practice describes, plus the inner brows: the learner watches them
            # move while trying, and nothing is scored.
            meters = ("AU01", *(band.au for band in TARGET_BANDS))
            recorder = mw.Recorder(max_seconds=5, meters=meters)
        self.recorder = recorder
        self._route = TakeRoute(recorder)
        if hasattr(recorder, "on_timeline"):
            recorder.on_timeline(lambda timeline, *_: self.add_take(timeline))
        super().__init__(
            children=[
                widgets.HTML(_INTRO.format(asked=_NUMBER_WORDS.get(takes_asked, str(takes_asked)))),
                self._phase,
                recorder,
                self._feedback,
                self._comparison,
                widgets.HBox([self._stop_button, self._resume_button]),
            ],
            **kwargs,
        )
        memory.remember(self)

    @property
    def phase(self) -> str:
        """``"before"`` or ``"after"`` the pacer: the label the learner's next take gets."""
        return self._phase.value

    @phase.setter
    def phase(self, value: str) -> None:
        self._phase.value = value

    def add_take(self, timeline, phase: str | None = None, origin: str | None = None) -> TakeCheck:
        """Describe a take, and keep, log and compare it if it is the learner's own.

        Parameters
        ----------
        timeline : AUTimeline or pandas.DataFrame
            The take (from the recorder, a sample clip or a file).
        phase : {"before", "after"}, optional
            Defaults to the phase selected in the widget. Ignored for a sample clip.
        origin : {"camera", "file", "sample"}, optional
            Whose take it is; by default worked out from the timeline and the recorder's route.
        """
        origin = origin or self._route.origin_of(timeline)
        result = check_take(timeline)
        if self.stopped:
            self._feedback.value = "<p><i>Practice is stopped, so this take was not kept.</i></p>"
            return result
        if origin == SAMPLE or is_sample(timeline):
            self.example = result
            self._feedback.value = render_check(result, SAMPLE)
            self._comparison.value = self._render_comparison()
            return result
        if phase is not None:
            self.phase = phase
        self._feedback.value = render_check(result, origin)
        if result.problem:
            return result
        taken_phase = self.phase
        self.takes.append((taken_phase, result))
        if self.log_takes:
            practice_log.add_entry(
                self.lesson,
                "mirror take",
                f"{taken_phase} the pacer ({LABELS[origin]}): {describe(result)}",
                _log_values(taken_phase, origin, result),
            )
        if taken_phase == "before" and self.latest("after") is None:
            self.phase = "after"  # the learner's next take is the one after the pacer
        self._feedback.value += self._next_step(taken_phase)
        self._comparison.value = self._render_comparison()
        return result

    def _next_step(self, taken_phase: str) -> str:
        if len(self.takes) >= self.takes_asked:
            asked = _NUMBER_WORDS.get(self.takes_asked, str(self.takes_asked))
            text = f"That makes the {asked} takes this lesson asks for: you can stop here."
        elif taken_phase == "before":
            text = "Next: the breathing pacer below, then one take after it."
        else:
            text = "Next, if you like: one take before the pacer, to compare with this one."
        return f"<p><b>{html.escape(text)}</b></p>"

    def latest(self, phase: str) -> TakeCheck | None:
        """The learner's most recent take of a phase, or ``None``."""
        for take_phase, result in reversed(self.takes):
            if take_phase == phase:
                return result
        return None

    def comparison(self) -> list[str]:
        """Before/after lines for the learner's latest take of each phase (empty until both exist)."""
        before, after = self.latest("before"), self.latest("after")
        return compare(before, after) if before and after else []

    def comparison_message(self) -> str:
        """The comparison in words, or one sentence saying which of the learner's takes is still missing."""
        lines = self.comparison()
        if lines:
            return "\n".join(lines)
        before, after = self.latest("before"), self.latest("after")
        if before is None and after is None:
            need = "one take of your own before the pacer and one after it"
        elif before is None:
            need = "one take of your own before the pacer"
        else:
            need = "one take of your own after the pacer"
        sample = " A sample clip is someone else's face, so it is never compared with yours." if self.example else ""
        return f"To compare, record {need}.{sample}"

    def stop(self) -> None:
        """Stop practising: the camera turns off, a take in progress is dropped, and later takes are not kept."""
        self.stopped = True
        _release_cameras(self.recorder)
        self.recorder.layout.display = "none"
        self._phase.layout.display = "none"
        self._stop_button.layout.display = "none"
        self._resume_button.layout.display = None
        self._comparison.layout.display = "none"
        self._feedback.value = (
            "<p><b>Stopped.</b> The camera is off and nothing more is asked of you here. The pacer and the "
            "reframe below need no camera.</p>"
        )

    def resume(self) -> None:
        """Show the recorder again after :meth:`stop`."""
        self.stopped = False
        for part in (self.recorder, self._phase, self._stop_button, self._comparison):
            part.layout.display = None
        self._resume_button.layout.display = "none"
        self._feedback.value = "<p><i>Record a short take (3-5 s) holding 'soft eyes, half smile'.</i></p>"

    def clear(self) -> None:
        """Forget every take (used by "delete everything")."""
        self.takes.clear()
        self.example = None
        self.phase = "before"
        self._feedback.value = "<p><i>Takes cleared.</i></p>"
        self._comparison.value = self._render_comparison()

    def _render_comparison(self) -> str:
        lines = self.comparison()
        if not lines:
            return f"<p><i>{html.escape(self.comparison_message(), quote=False)}</i></p>"
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        return f"<p><b>Your takes before and after the pacer</b> (latest of each):</p><ul>{items}</ul>"


def _release_cameras(recorder) -> None:
    """Turn the camera off now, dropping a take in progress (the recorder does this when a newer one starts)."""
    try:
        from ..widgets.recorder import release_all_cameras
    except ImportError:  # a recorder module without this helper: closing the recorder also ends its camera
        recorder.close()
        return
    release_all_cameras()


def _log_values(phase: str, origin: str, result: TakeCheck) -> dict[str, Any]:
    return {"phase": phase, "origin": origin, **result.medians}
