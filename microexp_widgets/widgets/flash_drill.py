"""FlashDrill: a METT-style exposure drill on the drawn face; Python plans the trials, the browser times them.

Ekman's Micro Expression Training Tool flashes an expression between neutral frames and has learning, practice
and test sections. Shen et al. (2012) varied exposure from 20 to 300 ms and found recognition rising up to about
200 ms and then levelling off; practice with an instructor and feedback worked best in Hurley (2012). Each trial
asks two questions, "did anything move?" and "which movement?", so a learner can see that noticing comes before
naming. The stimuli are drawn faces: an emotion word may label a
stimulus, never a learner.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import ipywidgets as widgets
import traitlets
from ipywidgets import CallbackDispatcher

from ..errors import SaveError
from . import drill_results
from ._base import refuse_unknown_keywords
from .drill_trials import Trial, per_mode, plan_trials, resolve_targets
from .face_drawing import face_svg

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["FlashDrill", "Trial", "MODES", "MIN_EXPOSURE_MS", "MAX_EXPOSURE_MS", "plan_trials"]

MODES = ("pre-test", "practice", "post-test")
# The micro-expression range the drill teaches: 500 ms is the usual micro cut-off; Shen et al. (2012) went to 20 ms.
MIN_EXPOSURE_MS, MAX_EXPOSURE_MS = 40, 500
NOTHING = "nothing / not sure"
CALM_HOLD_MS = 2500
ROOM_FOLDER = "room-drill"  # where a learner's optional anonymous export goes, next to the notebook
_RESULT_COLUMNS = ["trial", "mode", "target", "moved", "exposure_ms", "measured_ms", "frame_ms", "on_time",
                   "noticed", "answer", "named"]  # fmt: skip
_MODE_INTROS = {
    "pre-test": "Pre-test: answer both questions; you will not be told if you were right.",
    "practice": "Practice: after each answer you see what was flashed.",
    "post-test": "Post-test: the same as the pre-test, so you can compare.",
}
PHOTOSENSITIVITY_NOTE = (
    "This drill briefly changes a line drawing of a face, for as little as 40 ms, once each time you press "
    "Show the face. It never flickers on its own. If flashing images affect you, choose the calm pace "
    "(a longer pause before each change) or skip the drill: nothing in the lessons depends on it."
)


class FlashDrill(anywidget.AnyWidget):
    """Flash a drawn movement between neutral faces for 40-500 ms; ask whether anything moved, and what.

    The browser does the timing with ``requestAnimationFrame``: it swaps the pre-rendered target in, swaps the
    neutral face back once the requested time (to the nearest display frame) has passed, and reports the
    duration actually displayed, measured from the frame timestamps. Python plans the trials in a balanced,
    seeded random order, records both answers and scores them. Nothing waits inside the kernel.

    Before the first flash the widget shows a photosensitivity note with three choices: start, start at a
    calm pace (a longer neutral pause before each flash), or skip the drill.

    Parameters
    ----------
    targets
        What may be flashed: AU codes (``"AU04"``, ``"AU01+AU02"``), EMFACS prototype names (``"happiness"``),
        or a mapping of your own labels to AU intensities. Each becomes an answer button.
    exposures_ms
        Exposure times to test, each between 40 and 500 ms.
    modes
        The parts of the drill, in order: any of ``"pre-test"``, ``"practice"`` (with feedback), ``"post-test"``.
    trials_per_exposure
        How often each exposure comes up in each part: one number, or one per part.
    blank_trials
        Trials per part in which nothing moves: one number, or one per part.
    seed
        Seed of the trial order, so a room of learners (or a test) can get the same drill.
    hold_ms
        How long the neutral face stays before each flash at the standard pace.
    size
        Width of the drawn face in pixels.

    Examples
    --------
    >>> drill = FlashDrill(targets=["AU04", "AU12", "AU15"], exposures_ms=[40, 200, 500], seed=1)
    >>> drill  # doctest: +SKIP
    >>> drill.results  # doctest: +SKIP
    >>> drill.plot()  # doctest: +SKIP
    """

    _esm = Path(__file__).with_name("flash.js")
    _css = Path(__file__).with_name("flash.css")

    neutral_svg = traitlets.Unicode(help="The neutral drawn face shown before and after each flash.").tag(sync=True)
    target_svg = traitlets.Unicode(help="The current trial's target face, pre-rendered for the flash.").tag(sync=True)
    trial_index = traitlets.Int(
        0, help="Index of the current trial; equals trial_count when the drill is finished."
    ).tag(sync=True)
    trial_count = traitlets.Int(0, help="Number of planned trials.").tag(sync=True)
    mode = traitlets.Unicode("", help="Part of the drill the current trial belongs to.").tag(sync=True)
    exposure_ms = traitlets.Int(0, help="Requested exposure of the current trial in milliseconds.").tag(sync=True)
    hold_ms = traitlets.Int(800, help="Neutral face time before each flash in milliseconds.").tag(sync=True)
    choices = traitlets.List(traitlets.Unicode(), help="Answer buttons for 'which movement?', in order.").tag(sync=True)
    note = traitlets.Unicode(PHOTOSENSITIVITY_NOTE, help="The photosensitivity note shown before any flash.").tag(
        sync=True
    )
    status = traitlets.Enum(
        ("intro", "ready", "answer", "finished", "skipped"),
        "intro",
        help="'intro' (the note, before any flash), 'ready' (waiting for Show), 'answer' (flash done, waiting "
        "for both answers), 'finished' or 'skipped'.",
    ).tag(sync=True)
    pace = traitlets.Enum(("standard", "calm"), "standard", help="'calm' holds the neutral face longer.").tag(sync=True)
    feedback = traitlets.Unicode("", help="Plain text shown under the face after an answer.").tag(sync=True)
    reveal_svg = traitlets.Unicode("", help="In practice: the face that was flashed, shown with the feedback.").tag(
        sync=True
    )
    flash_report = traitlets.Dict(
        help="Set by the browser after a flash: trial, requested_ms, measured_ms, frame_ms, frames."
    ).tag(sync=True)
    answer_report = traitlets.Dict(
        help="Set by the browser when both questions are answered: trial, noticed (bool), answer."
    ).tag(sync=True)
    start_report = traitlets.Dict(help="Set by the browser when the learner leaves the note: pace or skip.").tag(
        sync=True
    )
    flash_request = traitlets.Int(0, help="Incremented by flash() to make the browser flash the current trial.").tag(
        sync=True
    )

    def __init__(
        self,
        targets: Sequence[str] | Mapping[str, Mapping[str, float]] = ("AU04", "AU12", "AU15", "AU01+AU02"),
        *,
        exposures_ms: Sequence[int] = (40, 200, 500),
        modes: Sequence[str] = MODES,
        trials_per_exposure: int | Mapping[str, int] = 8,
        blank_trials: int | Mapping[str, int] = 2,
        seed: int | None = 0,
        hold_ms: int = 800,
        size: int = 220,
        **kwargs: Any,
    ) -> None:
        refuse_unknown_keywords(self, kwargs)
        exposures = [int(e) for e in exposures_ms]
        if not exposures or any(not MIN_EXPOSURE_MS <= e <= MAX_EXPOSURE_MS for e in exposures):
            raise ValueError(
                f"Exposure times must be between {MIN_EXPOSURE_MS} and {MAX_EXPOSURE_MS} ms; got {list(exposures_ms)}."
            )
        unknown = [m for m in modes if m not in MODES]
        if not modes or unknown:
            raise ValueError(f"Modes must be some of {', '.join(MODES)}; got {list(modes)}.")
        per_exposure = per_mode(trials_per_exposure, modes, "trials_per_exposure", 1)
        blanks = per_mode(blank_trials, modes, "blank_trials", 0)
        self._targets = resolve_targets(targets)
        self._size = size
        self._standard_hold_ms = hold_ms
        self.trials = plan_trials(list(self._targets), exposures, per_exposure, blanks, seed)
        self._records: dict[int, dict[str, Any]] = {}
        self._svg_cache: dict[str, str] = {}
        self._finish_callbacks = CallbackDispatcher()
        super().__init__(
            neutral_svg=face_svg({}, size=size),
            choices=[*self._targets, NOTHING],
            trial_count=len(self.trials),
            hold_ms=hold_ms,
            **kwargs,
        )
        self.observe(self._on_start_report, names="start_report")
        self.observe(self._on_flash_report, names="flash_report")
        self.observe(self._on_answer_report, names="answer_report")
        self._show_trial(0, intro=True, status="intro")

    # -- public API ----------------------------------------------------------------------------------

    def start(self, pace: str = "standard") -> None:
        """Leave the photosensitivity note and begin (what its Start buttons do); ``pace`` is standard or calm."""
        self.start_report = {"choice": pace, "from": "python"}

    def skip(self) -> None:
        """Skip the drill (what the note's Skip button does)."""
        self.start_report = {"choice": "skip", "from": "python"}

    def flash(self) -> None:
        """Ask the browser to flash the current trial (what the "Show the face" button does)."""
        if self.status != "ready":
            raise RuntimeError(
                {
                    "intro": "Read the note and press Start first.",
                    "answer": "Answer the last flash first.",
                    "finished": "The drill is finished; make a new FlashDrill to go again.",
                    "skipped": "The drill was skipped; make a new FlashDrill to try it.",
                }[self.status]
            )
        self.flash_request += 1

    def answer(self, noticed: bool, choice: str = NOTHING) -> None:
        """Answer the current trial (what the answer buttons do): did anything move, and which movement."""
        self.answer_report = {"trial": self.trial_index, "noticed": noticed, "answer": choice, "from": "python"}

    def on_finish(self, callback: Callable[[FlashDrill], None], remove: bool = False) -> None:
        """Register ``callback(drill)`` to run when the last trial has been answered."""
        self._finish_callbacks.register_callback(callback, remove=remove)

    @property
    def results(self) -> pd.DataFrame:
        """One row per flashed trial: trial, mode, target (empty for a blank), moved, exposure_ms (requested),
        measured_ms, frame_ms, on_time (measured within one display frame of the request), noticed, answer,
        named (the movement was named right; for a blank: "nothing / not sure" was chosen)."""
        import pandas as pd

        return pd.DataFrame([self._records[i] for i in sorted(self._records)], columns=_RESULT_COLUMNS)

    def rates(self) -> pd.DataFrame:
        """Noticing and naming rates with Wilson intervals per part and exposure (see :func:`drill_results.rates`)."""
        return drill_results.rates(self.results)

    def plot(self) -> go.Figure:
        """Noticing and naming against exposure time, with 95 % Wilson intervals.

        When the drill has tests, only they are drawn: the few practice flashes per exposure would add
        lines with intervals too wide to read.
        """
        table = self.rates()
        tests = table[table["mode"] != "practice"]
        return drill_results.rate_figure(
            tests if len(tests) else table, title="Your noticing and naming against exposure time"
        )

    def save_anonymous(self, folder: str | Path = ".") -> Path:
        """Write your answers as an anonymous file (no name, no date, no face) for a room view; return its path."""
        if self.results["noticed"].notna().sum() == 0:
            raise RuntimeError("Answer some flashes first: there is nothing to save yet.")
        return drill_results.save_anonymous(self.results, folder)

    def share_button(self, folder: str | Path = ROOM_FOLDER) -> widgets.VBox:
        """A button that saves the anonymous file for a facilitator's room view, only when the learner presses it."""
        button = widgets.Button(
            description="Save my drill answers anonymously", icon="share", layout=widgets.Layout(width="auto")
        )
        message = widgets.HTML()

        def save(_) -> None:
            try:
                path = self.save_anonymous(folder)
            except (RuntimeError, SaveError) as error:
                message.value = html.escape(str(error))
                return
            message.value = html.escape(
                f"Saved {path.name} in the {path.parent.name} folder next to this notebook. It holds your answers "
                "and timings only: no name, no date, no face. Download it from the file browser and give it to "
                "your facilitator, or delete it."
            )

        button.on_click(save)
        return widgets.VBox([button, message])

    # -- reactions to the browser ------------------------------------------------------------------

    def _on_start_report(self, change: dict) -> None:
        choice = change["new"].get("choice")
        if self.status != "intro":
            if change["new"].get("from") == "python":
                raise RuntimeError("The drill has already started.")
            return
        if choice not in ("standard", "calm", "skip"):
            raise ValueError(f"{choice!r} is not a choice here: use 'standard', 'calm' or 'skip'.")
        with self.hold_sync():
            if choice == "skip":
                self.feedback = "Skipped. Nothing in the lessons depends on the drill."
                self.status = "skipped"
                return
            self.pace = choice
            self.hold_ms = CALM_HOLD_MS if choice == "calm" else self._standard_hold_ms
            self.status = "ready"

    def _on_flash_report(self, change: dict) -> None:
        report = change["new"]
        # Several views of one drill may each report; the first report for the current trial counts.
        if self.status != "ready" or report.get("trial") != self.trial_index:
            return
        measured, frame = float(report.get("measured_ms", "nan")), float(report.get("frame_ms", "nan"))
        trial = self.trials[self.trial_index]
        self._records[trial.index] = {
            "trial": trial.index + 1,
            "mode": trial.mode,
            "target": trial.target,
            "moved": trial.moved,
            "exposure_ms": trial.exposure_ms,
            "measured_ms": measured,
            "frame_ms": frame,
            "on_time": abs(measured - trial.exposure_ms) <= frame,
            "noticed": None,
            "answer": None,
            "named": None,
        }
        self.feedback, self.reveal_svg = "", ""
        self.status = "answer"

    def _on_answer_report(self, change: dict) -> None:
        report = change["new"]
        if self.status != "answer" or report.get("trial") != self.trial_index:
            if report.get("from") == "python":
                raise RuntimeError("Press 'Show the face' and watch the flash before answering.")
            return
        choice = str(report.get("answer", ""))
        if choice not in self.choices:
            raise ValueError(f"{choice!r} is not one of the answers: {', '.join(self.choices)}.")
        noticed = bool(report.get("noticed"))
        trial = self.trials[self.trial_index]
        named = choice == (trial.target if trial.moved else NOTHING)
        self._records[trial.index].update(noticed=noticed, answer=choice, named=named)
        if trial.mode == "practice":
            self.feedback = self._practice_feedback(trial, noticed, named)
            self.reveal_svg = self._svg(trial.target, size=max(80, self._size // 2)) if trial.moved else ""
        else:
            self.feedback, self.reveal_svg = "Answer saved.", ""
        self._show_trial(self.trial_index + 1)

    def _practice_feedback(self, trial: Trial, noticed: bool, named: bool) -> str:
        shown = f"{self._records[trial.index]['measured_ms']:.0f} ms"
        if not trial.moved:
            return f"Nothing moved this time ({shown} of the same neutral face)." + (
                "" if not noticed else " Sensing a change that is not there happens to everyone."
            )
        seen = "You noticed a movement" if noticed else "You did not notice a movement"
        if named:
            return f"{seen}, and it was {trial.target}, shown for {shown}."
        return f"{seen}; it was {trial.target}, shown for {shown}. Here it is, held still."

    def _show_trial(self, index: int, intro: bool = False, status: str = "ready") -> None:
        if index >= len(self.trials):
            with self.hold_sync():
                self.trial_index, self.target_svg, self.status = len(self.trials), "", "finished"
                self.feedback = (self.feedback + " " if self.feedback else "") + "Done: see your curves below."
            self._finish_callbacks(self)
            return
        trial = self.trials[index]
        new_part = intro or self.trials[index - 1].mode != trial.mode
        with self.hold_sync():
            self.trial_index, self.mode, self.exposure_ms = index, trial.mode, trial.exposure_ms
            self.target_svg = self._svg(trial.target) if trial.moved else self.neutral_svg
            if new_part:
                self.feedback = (self.feedback + " " if self.feedback else "") + _MODE_INTROS[trial.mode]
            self.status = status

    def _svg(self, target: str, size: int | None = None) -> str:
        key = f"{target}@{size}"
        if key not in self._svg_cache:
            self._svg_cache[key] = face_svg(self._targets[target], size=size or self._size)
        return self._svg_cache[key]
