"""Predict, then look (lessons 04 and 06): a short take, a prediction, the replay seen as an observer, a second rating.

The shape is the one video feedback for social anxiety uses: predict in detail how you came across, then watch the
recording as if it were a stranger's, then compare (Harvey, Clark, Ehlers & Rapee 2000; Warnock-Parkes et al. 2017).
Watching oneself *during* an interaction keeps anxiety going (Clark & Wells 1995), so the take has no live meters and
nothing of it is shown before the prediction. The learner's two ratings are theirs: shown side by side, never scored,
and saved only when the learner presses Save. On a sample clip the same steps run as an observer, and the widget says
that the comparison only means something with one's own take. Nothing here judges a face: the lanes describe what
moved, when and for how long.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets
import traitlets

from . import memory, practice_log, store, store_failure
from .ratings import Rating, RatingForm, side_by_side
from .take_origin import LABELS, SAMPLE, TakeRoute, is_sample

STEPS = ("task", "predict", "look", "compare")
#: The article's "soft eyes, half smile" on the drawn face: lip corners lifted a touch (AU12); brows and lids at rest
#: (no AU04, no AU07). For ``AUFace``: a learner can see it without looking at their own face.
SOFT_EYES_HALF_SMILE = {"AU12": 0.35}
#: The practice log's name for a saved pair of ratings.
LOG_KIND = "predict then look"

TASK_04 = (
    "Introduce yourself for 15 to 20 seconds, as you would to a new classmate: your name, something you enjoy, "
    "and one thing you are looking forward to. Look into the camera as you would look at the person."
)
_PLAN = (
    "<p><b>How this goes.</b> 1. Record the short task below. 2. Before you see anything, predict how visible your "
    "nerves were. 3. Watch your replay as if it were a stranger's, with the take's movements drawn under it. "
    "4. Rate again and put the two side by side. While you talk there is no picture of you and no live meter: "
    "you look afterwards, as an observer.</p>"
    "<p><b>Nothing of this take is saved.</b> At the end you may press <i>Save my two ratings</i> to keep them in "
    "your practice log (your numbers and ticks, never video); otherwise they are gone when the kernel stops. "
    "Rather not record? Press <i>Use a sample clip</i> in the recorder to walk through the same steps as an "
    "observer. <i>Stop practising</i> ends it at any time.</p>"
)
_OWN = {
    "predict": "<b>Your take is in ({seconds:.0f} s).</b> Before you see any of it: how do you think you came across?",
    "look": (
        "<b>Now watch it as if it were a stranger's</b>, someone new in your class. What would they actually see? "
        "Play it once at normal speed, then as often as you like. The lanes under it show what moved, when and for "
        "how long; pick a movement to move the replay there."
    ),
    "compare": (
        "<b>Your two ratings, side by side.</b> They are yours: nothing here marks or scores them. <i>What the "
        "comparison shows</i>, in lesson 04, says what a gap between them can mean."
    ),
}
_SAMPLE = {
    "predict": (
        "<b>A sample clip: someone else's face, not yours.</b> Watch it once at normal speed, as you would watch "
        "someone you have just met in a queue, then give your first impression. (To record a take of your own "
        "instead, press <i>Record a new take</i>.)"
    ),
    "look": (
        "<b>Now look closely:</b> play it again, slowly if you like, with the lanes of what moved under it. Pick a "
        "movement to move the replay there."
    ),
    "compare": (
        "<b>Your two impressions, side by side.</b> This was someone else's face, so it only shows how the steps go. "
        "The comparison that teaches something sets how your own nerves feel from inside against how they look "
        "from outside: it only means something with your own take."
    ),
}
_QUESTIONS = {
    (False, "before"): ("How visible were your nerves to someone watching?", "Which movements do you think showed?"),
    (False, "after"): ("Watching as an observer: how visible were the nerves?", "Which movements did you see?"),
    (True, "before"): ("How nervous did this person look?", "Which movements do you think you saw?"),
    (True, "after"): ("After a close look: how nervous did this person look?", "Which movements did you see?"),
}


class PredictThenLook(widgets.VBox):
    """Record a short task, predict how it came across, watch the replay as an observer, rate again, compare.

    Parameters
    ----------
    recorder : microexp_widgets.Recorder, optional
        The recorder for the take; by default one of at most 20 s with no live meters.
    lesson : str
        Lesson key written to the practice log if the learner saves.
    task : str
        The task, in one or two sentences.
    describe : callable, optional
        ``describe(timeline) -> list of str``: extra lines shown with the comparison (lesson 06's brow movements).
    """

    step = traitlets.Enum(STEPS, "task", help="Where the learner is: task, predict, look or compare.")

    def __init__(
        self,
        recorder=None,
        *,
        lesson: str = "04_nudging_your_own",
        task: str = TASK_04,
        describe: Callable[[object], list[str]] | None = None,
        **kwargs,
    ) -> None:
        import microexp_widgets as mw

        self.lesson = lesson
        self._describe = describe
        #: The take on show (the learner's or a sample clip), or ``None``.
        self.timeline = None
        #: Whose it is: ``"camera"``, ``"file"`` or ``"sample"``.
        self.origin: str | None = None
        self.before: Rating | None = None
        self.after: Rating | None = None
        #: The practice-log entry written by Save, or ``None``.
        self.saved: dict | None = None
        self.stopped = False
        self.recorder = mw.Recorder(max_seconds=20, meters=()) if recorder is None else recorder
        if hasattr(self.recorder, "add_class"):
            self.recorder.add_class("microexp-no-mirror")  # no picture of the face while the learner talks
        self._route = TakeRoute(self.recorder, self.add_take)
        self.replay = mw.Replay()
        self.view = mw.TimelineView()
        self.view.observe(lambda change: self.replay.seek(change.new), "time_s")
        #: What the learner reads at this step.
        self.guide = widgets.HTML()
        self.first_form = RatingForm(*_QUESTIONS[False, "before"], "Done: show me the replay", self._predicted)
        self.second_form = RatingForm(*_QUESTIONS[False, "after"], "Done: put my two ratings side by side",
                                      self._rated_again)  # fmt: skip
        #: The two ratings side by side, and what to read next.
        self.comparison = widgets.HTML()

        def fit() -> widgets.Layout:  # one layout each: a shared one would show or hide them all at once
            return widgets.Layout(width="auto")

        self.save_button = widgets.Button(description="Save my two ratings to my practice log", icon="save",
                                          layout=fit())  # fmt: skip
        self.save_button.on_click(lambda _: self.save())
        self.again_button = widgets.Button(description="Record a new take", icon="undo", layout=fit())
        self.again_button.on_click(lambda _: self.start_again())
        self.stop_button = widgets.Button(description="Stop practising", icon="hand-paper-o", layout=fit())
        self.stop_button.on_click(lambda _: self.stop())
        self.resume_button = widgets.Button(description="Carry on practising", icon="play", layout=fit())
        self.resume_button.on_click(lambda _: self.resume())
        self.saved_note = widgets.HTML()
        self._task = widgets.HTML(f"<p><b>The task.</b> {html.escape(task)}</p>")
        self._plan = widgets.HTML(_PLAN)
        self._buttons = widgets.HBox([self.save_button, self.again_button])
        self._stop_row = widgets.HBox([self.stop_button, self.resume_button])
        # What each step shows, top to bottom: the comparison comes first once there is one, the replay under it.
        # The replay is drawn (hidden) from the start: its style sheet is what hides the recorder's picture.
        self._order = {
            "task": [self._plan, self._task, self.recorder, self.guide, self.replay],
            "predict": [self.guide, self.replay, self.first_form, self._buttons],
            "look": [self.guide, self.replay, self.view, self.second_form, self._buttons],
            "compare": [self.guide, self.comparison, self._buttons, self.saved_note, self.replay, self.view],
        }
        super().__init__(children=[*self._order["task"], self._stop_row], **kwargs)
        memory.remember(self)
        self._draw()

    # -- what the learner does -------------------------------------------------------------------------------

    def add_take(self, timeline, origin: str | None = None) -> None:
        """A take arrived (the learner's, or a sample clip): start the steps from the prediction."""
        if self.stopped:
            return
        origin = origin or self._route.origin_of(timeline)
        if getattr(timeline, "face_frames", 1) == 0:
            self.guide.layout.display = None
            self.guide.value = "<p>No face was found in this take: face the camera in good light and try again.</p>"
            return
        self.timeline, self.origin = timeline, (SAMPLE if is_sample(timeline) else origin)
        self.before = self.after = self.saved = None
        self.first_form.reset()
        self.second_form.reset()
        sample = self.origin == SAMPLE
        self.first_form.ask(*_QUESTIONS[sample, "before"])
        self.second_form.ask(*_QUESTIONS[sample, "after"])
        self.view.timeline = None  # the lanes wait until after the prediction
        label = "the sample clip (not you)" if sample else "your take"
        self.replay.show(timeline, label=label)
        self.step = "predict"
        self._draw()

    def use_sample_clip(self, name: str = "pexels") -> None:
        """Walk through the steps on a sample clip as an observer, unless a take of the learner's own is on show."""
        if self.timeline is not None and self.origin != SAMPLE:
            return
        self.recorder.use_sample(name)

    def predict(self, nerves: int, movements: tuple[str, ...] = ()) -> None:
        """Give the prediction as the learner would (then the replay and the lanes are shown)."""
        self.first_form.set(nerves, movements)
        self.first_form.done()

    def rate_again(self, nerves: int, movements: tuple[str, ...] = ()) -> None:
        """Give the second rating as the learner would (then the two are shown side by side)."""
        self.second_form.set(nerves, movements)
        self.second_form.done()

    def save(self) -> dict | None:
        """Keep the two ratings in the practice log (what Save does); never for a sample clip, never video."""
        if self.step != "compare" or self.origin == SAMPLE or self.before is None or self.after is None:
            return None
        summary = (
            f"nerves {self.before.nerves_words()} before watching, {self.after.nerves_words()} after watching as an "
            f"observer ({LABELS[self.origin]})"
        )
        values = {"before": self.before.nerves, "after": self.after.nerves, "predicted": list(self.before.movements),
                  "observed": list(self.after.movements), "origin": self.origin}  # fmt: skip
        try:
            self.saved = practice_log.add_entry(self.lesson, LOG_KIND, summary, values)
        except store.StoreError as error:
            self.saved_note.value = store_failure.sentence_html(error, "Your ratings are still shown above.")
            return None
        self.saved_note.value = "<p>Saved in your practice log: your two ratings and ticks, no video.</p>"
        self._draw()
        return self.saved

    def start_again(self) -> None:
        """Back to the task, for a new take (the shown one is let go)."""
        self.timeline = self.origin = self.before = self.after = self.saved = None
        self.view.timeline = None
        self.replay.clear()
        self.saved_note.value = ""
        self.step = "task"
        self._draw()

    def stop(self) -> None:
        """Stop practising: the camera turns off and nothing more is asked."""
        from ..widgets.recorder import release_all_cameras

        self.stopped = True
        release_all_cameras()
        self._draw()

    def resume(self) -> None:
        """Carry on after :meth:`stop`."""
        self.stopped = False
        self._draw()

    def clear(self) -> None:
        """Forget the take and both ratings (used by "delete everything")."""
        self.start_again()

    # -- steps -------------------------------------------------------------------------------------------------

    def _predicted(self, rating: Rating) -> None:
        self.before = rating
        self.view.timeline = self.timeline
        self.step = "look"
        self._draw()

    def _rated_again(self, rating: Rating) -> None:
        self.after = rating
        self.step = "compare"
        self._draw()

    def _draw(self) -> None:
        sample = self.origin == SAMPLE
        step = self.step
        show = {
            self._plan: step == "task",
            self._task: step == "task",
            self.recorder: step == "task",
            self.guide: step != "task",
            self.first_form: step == "predict",
            self.replay: step in ("look", "compare") or (sample and step == "predict"),
            self.view: step in ("look", "compare"),
            self.second_form: step == "look",
            self.comparison: step == "compare",
            self.save_button: step == "compare" and not sample and self.saved is None,
            self.again_button: step != "task",
        }
        for part, shown in show.items():
            part.layout.display = None if shown and not self.stopped else "none"
        self.children = [*self._order[step], self._stop_row]
        self.stop_button.layout.display = "none" if self.stopped else None
        self.resume_button.layout.display = None if self.stopped else "none"
        self.saved_note.layout.display = "none" if self.stopped else None
        texts = _SAMPLE if sample else _OWN
        seconds = float(getattr(self.timeline, "duration_s", 0.0) or 0.0)
        self.guide.value = f"<p>{texts[step].format(seconds=seconds)}</p>" if step != "task" else ""
        if self.stopped:
            self.guide.layout.display = None
            self.guide.value = (
                "<p><b>Stopped.</b> The camera is off and nothing more is asked of you here. The rest of the lesson "
                "works without a camera.</p>"
            )
        self.comparison.value = self._comparison_html() if step == "compare" else ""

    def _comparison_html(self) -> str:
        if self.before is None or self.after is None:
            return ""
        lines = self._describe(self.timeline) if self._describe and self.timeline is not None else []
        extra = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        return side_by_side(self.before, self.after, own=self.origin != SAMPLE) + (f"<ul>{extra}</ul>" if extra else "")
