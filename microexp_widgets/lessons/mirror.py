"""Mirror practice (lesson 04): notice what moved in a short "soft eyes, half smile" take, and what to try next.

Feedback names movements (Action Units) and how far they moved, never a feeling, and never a score or a rank (how a
take is described: :mod:`.take_check`). Only the learner's own takes are kept, counted and compared; a sample clip is
shown as "sample clip (not you)".
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import traitlets

from . import memory, store_failure
from .take_check import TARGET_BANDS, TakeCheck, check_take, compare, log_take, render_check
from .take_origin import SAMPLE, TakeRoute, default_recorder, is_sample

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

    phase = traitlets.Enum(
        ("before", "after"),
        "before",
        help='"before" or "after" the pacer: the label the learner\'s next take gets (the toggle above the recorder).',
    )

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
        #: What the learner reads about their last take (public, so a test reads what the learner reads).
        self.feedback = widgets.HTML("<p><i>Record a short take (3-5 s) holding 'soft eyes, half smile'.</i></p>")
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
            # Live meters for the movements this practice describes, plus the inner brows: the learner watches them
            # move while trying, and nothing is scored.
            recorder = default_recorder(meters=("AU01", *(band.au for band in TARGET_BANDS)))
        self.recorder = recorder
        self._route = TakeRoute(recorder, self.add_take)
        super().__init__(
            children=[
                widgets.HTML(_INTRO.format(asked=_NUMBER_WORDS.get(takes_asked, str(takes_asked)))),
                self._phase,
                recorder,
                self.feedback,
                self._comparison,
                widgets.HBox([self._stop_button, self._resume_button]),
            ],
            **kwargs,
        )
        traitlets.link((self._phase, "value"), (self, "phase"))
        memory.remember(self)

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
            self.feedback.value = "<p><i>Practice is stopped, so this take was not kept.</i></p>"
            return result
        if origin == SAMPLE or is_sample(timeline):
            self.example = result
            self.feedback.value = render_check(result, SAMPLE)
            self._comparison.value = self._render_comparison()
            return result
        if phase is not None:
            self.phase = phase
        self.feedback.value = render_check(result, origin)
        if result.problem:
            return result
        taken_phase = self.phase
        self.takes.append((taken_phase, result))
        if self.log_takes:
            with store_failure.shown_in(self.feedback, then="The take is still shown and compared here."):
                log_take(self.lesson, "mirror take", f"{taken_phase} the pacer", origin, result, phase=taken_phase)
        if taken_phase == "before" and self.latest("after") is None:
            self.phase = "after"  # the learner's next take is the one after the pacer
        self.feedback.value += self._next_step(taken_phase)
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
        self.feedback.value = (
            "<p><b>Stopped.</b> The camera is off and nothing more is asked of you here. The pacer and the "
            "reframe below need no camera.</p>"
        )

    def resume(self) -> None:
        """Show the recorder again after :meth:`stop`."""
        self.stopped = False
        for part in (self.recorder, self._phase, self._stop_button, self._comparison):
            part.layout.display = None
        self._resume_button.layout.display = "none"
        self.feedback.value = "<p><i>Record a short take (3-5 s) holding 'soft eyes, half smile'.</i></p>"

    def clear(self) -> None:
        """Forget every take (used by "delete everything")."""
        self.takes.clear()
        self.example = None
        self.phase = "before"
        self.feedback.value = "<p><i>Takes cleared.</i></p>"
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
