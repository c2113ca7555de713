"""FlashDrill: a METT-style exposure drill on the drawn face; Python plans the trials, the browser times them.

Ekman's Micro Expression Training Tool flashes an expression between neutral frames and has learning, practice
and test sections; recognition rises with exposure from about 20 ms up to about 200 ms and then levels off
(Shen et al. 2012), and practice with feedback works best (Hurley 2012). See FACTS.md, "Training evidence".
The stimuli are drawn faces: an emotion word may label a stimulus, never a learner.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets
from ipywidgets import CallbackDispatcher

from ..face_drawing import face_svg, normalize_code
from ..prototypes import PROTOTYPES

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["FlashDrill", "Trial", "MODES", "MIN_EXPOSURE_MS", "MAX_EXPOSURE_MS"]

MODES = ("pre-test", "practice", "post-test")
MIN_EXPOSURE_MS, MAX_EXPOSURE_MS = 40, 500  # the micro-expression range the drill teaches (FACTS.md)
NOTHING = "nothing / not sure"
_AU_LEVEL = 0.9  # a single-AU target is drawn strong: the drill tests seeing, not telling faint from absent
_RESULT_COLUMNS = ["trial", "mode", "target", "exposure_ms", "measured_ms", "frame_ms", "on_time", "answer", "correct"]
_MODE_INTROS = {
    "pre-test": "Pre-test: answer what you saw; you will not be told if you were right.",
    "practice": "Practice: after each answer you see whether you were right, and the face that was flashed.",
    "post-test": "Post-test: the same as the pre-test, so you can compare.",
}


@dataclass(frozen=True)
class Trial:
    """One planned flash: which target, for how long, in which part of the drill."""

    index: int
    mode: str
    target: str
    exposure_ms: int


def _au_name(code: str) -> str:
    try:
        from ..aus import au_info

        return au_info(code).name
    except (ImportError, KeyError):
        return ""


def _resolve_targets(targets: Sequence[str] | Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Target label -> drawing intensities. Strings are AU codes (``"AU04"``, ``"AU01+AU02"``) or prototype names."""
    if isinstance(targets, Mapping):
        resolved = {str(label): dict(levels) for label, levels in targets.items()}
    else:
        resolved = {}
        for spec in targets:
            if spec in PROTOTYPES:
                resolved[PROTOTYPES[spec].name] = dict(PROTOTYPES[spec].intensities)
                continue
            codes = [normalize_code(part) for part in str(spec).split("+")]
            if not codes or any(code is None for code in codes):
                raise ValueError(
                    f"Target {spec!r} is neither an AU code (like 'AU04' or 'AU01+AU02') nor one of the "
                    f"prototypes ({', '.join(PROTOTYPES)})."
                )
            names = " + ".join(filter(None, (_au_name(code) for code in codes)))
            resolved[f"{'+'.join(codes)} {names}".strip()] = {code: _AU_LEVEL for code in codes}
    if not resolved:
        raise ValueError("Give the drill at least one target to flash.")
    for label, levels in resolved.items():
        if face_svg(levels) == face_svg({}):
            raise ValueError(f"Target {label!r} draws the neutral face, so there would be nothing to see.")
    return resolved


def plan_trials(
    targets: Sequence[str], exposures_ms: Sequence[int], modes: Sequence[str], trials_per_mode: int, seed: int
) -> list[Trial]:
    """Plan the drill: in each mode every exposure and every target come up equally often, in a seeded order."""
    rng = random.Random(seed)
    trials: list[Trial] = []
    for mode in modes:
        exposures = [exposures_ms[k % len(exposures_ms)] for k in range(trials_per_mode)]
        shown: list[str] = []
        while len(shown) < trials_per_mode:  # whole shuffled rounds of targets keep their counts balanced
            round_ = list(targets)
            rng.shuffle(round_)
            shown.extend(round_)
        pairs = list(zip(exposures, shown[:trials_per_mode], strict=True))
        rng.shuffle(pairs)
        first = len(trials)
        trials.extend(Trial(first + k, mode, target, exposure) for k, (exposure, target) in enumerate(pairs))
    return trials


class FlashDrill(anywidget.AnyWidget):
    """Flash a drawn movement or expression between neutral faces for 40-500 ms and ask what was seen.

    The browser does the timing with ``requestAnimationFrame``: it swaps the pre-rendered target in, swaps the
    neutral face back once the requested time (to the nearest display frame) has passed, and reports the
    duration actually displayed, measured from the frame timestamps. Python plans the trials with a seeded
    random order, records answers and scores them. Nothing waits inside the kernel.

    Parameters
    ----------
    targets
        What may be flashed: AU codes (``"AU04"``, ``"AU01+AU02"``), EMFACS prototype names (``"happiness"``),
        or a mapping of your own labels to AU intensities. Each becomes an answer button.
    exposures_ms
        Exposure times to test, each between 40 and 500 ms.
    modes
        The parts of the drill, in order: any of ``"pre-test"``, ``"practice"`` (with feedback), ``"post-test"``.
    trials_per_mode
        Flashes in each part.
    seed
        Seed of the trial order, so a room of learners (or a test) can get the same drill.
    hold_ms
        How long the neutral face stays before each flash.
    size
        Width of the drawn face in pixels.
    nothing_choice
        Add a "nothing / not sure" answer button.

    Examples
    --------
    >>> drill = FlashDrill(targets=["AU04", "AU12", "AU15"], exposures_ms=[40, 100, 200], seed=1)
    >>> drill  # doctest: +SKIP
    >>> drill.results  # doctest: +SKIP
    >>> drill.plot()  # doctest: +SKIP
    """

    _esm = Path(__file__).parent / "flash.js"

    neutral_svg = traitlets.Unicode(help="The neutral drawn face shown before and after each flash.").tag(sync=True)
    target_svg = traitlets.Unicode(help="The current trial's target face, pre-rendered for the flash.").tag(sync=True)
    trial_index = traitlets.Int(
        0, help="Index of the current trial; equals trial_count when the drill is finished."
    ).tag(sync=True)
    trial_count = traitlets.Int(0, help="Number of planned trials.").tag(sync=True)
    mode = traitlets.Unicode("", help="Part of the drill the current trial belongs to.").tag(sync=True)
    exposure_ms = traitlets.Int(0, help="Requested exposure of the current trial in milliseconds.").tag(sync=True)
    hold_ms = traitlets.Int(800, help="Neutral face time before each flash in milliseconds.").tag(sync=True)
    choices = traitlets.List(traitlets.Unicode(), help="Answer buttons, in order.").tag(sync=True)
    status = traitlets.Unicode(
        "ready", help="'ready' (waiting for Show), 'answer' (flash done, waiting for an answer) or 'finished'."
    ).tag(sync=True)
    feedback = traitlets.Unicode("", help="Plain text shown under the face after an answer.").tag(sync=True)
    reveal_svg = traitlets.Unicode("", help="In practice: the face that was flashed, shown with the feedback.").tag(
        sync=True
    )
    flash_report = traitlets.Dict(
        help="Set by the browser after a flash: trial, requested_ms, measured_ms, frame_ms, frames."
    ).tag(sync=True)
    answer_report = traitlets.Dict(help="Set by the browser when an answer button is pressed: trial, answer.").tag(
        sync=True
    )
    flash_request = traitlets.Int(0, help="Incremented by flash() to make the browser flash the current trial.").tag(
        sync=True
    )

    def __init__(
        self,
        targets: Sequence[str] | Mapping[str, Mapping[str, float]] = ("AU04", "AU12", "AU15", "AU01+AU02"),
        *,
        exposures_ms: Sequence[int] = (40, 100, 200, 500),
        modes: Sequence[str] = MODES,
        trials_per_mode: int = 8,
        seed: int | None = 0,
        hold_ms: int = 800,
        size: int = 220,
        nothing_choice: bool = True,
        **kwargs: Any,
    ) -> None:
        unknown = sorted(set(kwargs) - set(self.class_trait_names()))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments: {', '.join(unknown)}.")
        exposures = [int(e) for e in exposures_ms]
        if not exposures or any(not MIN_EXPOSURE_MS <= e <= MAX_EXPOSURE_MS for e in exposures):
            raise ValueError(
                f"Exposure times must be between {MIN_EXPOSURE_MS} and {MAX_EXPOSURE_MS} ms; got {list(exposures_ms)}."
            )
        unknown = [m for m in modes if m not in MODES]
        if not modes or unknown:
            raise ValueError(f"Modes must be some of {', '.join(MODES)}; got {list(modes)}.")
        if trials_per_mode < 1:
            raise ValueError("trials_per_mode must be at least 1.")
        self._targets = _resolve_targets(targets)
        self._size = size
        self.trials = plan_trials(list(self._targets), exposures, list(modes), trials_per_mode, seed)
        self._records: dict[int, dict[str, Any]] = {}
        self._svg_cache: dict[str, str] = {}
        self._finish_callbacks = CallbackDispatcher()
        choices = [*self._targets, *([NOTHING] if nothing_choice else [])]
        super().__init__(
            neutral_svg=face_svg({}, size=size),
            choices=choices,
            trial_count=len(self.trials),
            hold_ms=hold_ms,
            **kwargs,
        )
        self.observe(self._on_flash_report, names="flash_report")
        self.observe(self._on_answer_report, names="answer_report")
        self._show_trial(0, intro=True)

    # -- public API ----------------------------------------------------------------------------------

    def flash(self) -> None:
        """Ask the browser to flash the current trial (what the "Show the face" button does)."""
        if self.status != "ready":
            raise RuntimeError(
                "The drill is finished; make a new FlashDrill to go again."
                if self.status == "finished"
                else "Answer the last flash first."
            )
        self.flash_request += 1

    def answer(self, choice: str) -> None:
        """Answer the current trial (what an answer button does)."""
        self.answer_report = {"trial": self.trial_index, "answer": choice, "from": "python"}

    def on_finish(self, callback: Callable[[FlashDrill], None], remove: bool = False) -> None:
        """Register ``callback(drill)`` to run when the last trial has been answered."""
        self._finish_callbacks.register_callback(callback, remove=remove)

    @property
    def results(self) -> pd.DataFrame:
        """One row per answered trial: trial, mode, target, exposure_ms (requested), measured_ms, frame_ms,
        on_time (measured within one display frame of the request), answer, correct."""
        import pandas as pd

        return pd.DataFrame([self._records[i] for i in sorted(self._records)], columns=_RESULT_COLUMNS)

    def hit_rates(self) -> pd.DataFrame:
        """Hit rate per mode and requested exposure: columns mode, exposure_ms, trials, hits, hit_rate."""
        return hit_rates(self.results)

    def plot(self) -> go.Figure:
        """A plotly figure of hit rate against exposure time, one line per mode."""
        return hit_rate_figure(self.hit_rates())

    # -- reactions to the browser ------------------------------------------------------------------

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
            "exposure_ms": trial.exposure_ms,
            "measured_ms": measured,
            "frame_ms": frame,
            "on_time": abs(measured - trial.exposure_ms) <= frame,
            "answer": None,
            "correct": None,
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
        trial = self.trials[self.trial_index]
        correct = choice == trial.target
        self._records[trial.index].update(answer=choice, correct=correct)
        if trial.mode == "practice":
            shown = f"{self._records[trial.index]['measured_ms']:.0f} ms"
            self.feedback = (
                f"Right: it was {trial.target} ({shown})."
                if correct
                else f"Not this time: it was {trial.target}, shown for {shown}. Here it is, held still."
            )
            self.reveal_svg = self._svg(trial.target, size=max(80, self._size // 2))
        else:
            self.feedback, self.reveal_svg = "Answer saved.", ""
        self._show_trial(self.trial_index + 1)

    def _show_trial(self, index: int, intro: bool = False) -> None:
        if index >= len(self.trials):
            with self.hold_sync():
                self.trial_index, self.target_svg, self.status = len(self.trials), "", "finished"
                self.feedback = (self.feedback + " " if self.feedback else "") + "Done: see your hit rates below."
            self._finish_callbacks(self)
            return
        trial = self.trials[index]
        new_part = intro or self.trials[index - 1].mode != trial.mode
        with self.hold_sync():
            self.trial_index, self.mode, self.exposure_ms = index, trial.mode, trial.exposure_ms
            self.target_svg = self._svg(trial.target)
            if new_part:
                self.feedback = (self.feedback + " " if self.feedback else "") + _MODE_INTROS[trial.mode]
            self.status = "ready"

    def _svg(self, target: str, size: int | None = None) -> str:
        key = f"{target}@{size}"
        if key not in self._svg_cache:
            self._svg_cache[key] = face_svg(self._targets[target], size=size or self._size)
        return self._svg_cache[key]


def hit_rates(results: pd.DataFrame) -> pd.DataFrame:
    """Hit rate per mode and requested exposure from a drill's results table.

    Parameters
    ----------
    results
        Rows with at least ``mode``, ``exposure_ms`` and ``correct`` (``None`` for an unanswered flash,
        which is left out).

    Returns
    -------
    pandas.DataFrame
        Columns ``mode``, ``exposure_ms``, ``trials``, ``hits``, ``hit_rate`` (0..1), modes in drill order.
    """
    import pandas as pd

    answered = results[results["correct"].notna()]
    if answered.empty:
        return pd.DataFrame({"mode": [], "exposure_ms": [], "trials": [], "hits": [], "hit_rate": []})
    table = (
        answered.assign(hit=answered["correct"].astype(bool).astype(int))
        .groupby(["mode", "exposure_ms"], sort=False)["hit"]
        .agg(trials="count", hits="sum")
        .reset_index()
    )
    table["hit_rate"] = table["hits"] / table["trials"]
    order = {mode: k for k, mode in enumerate(MODES)}
    table = table.sort_values(["mode", "exposure_ms"], key=lambda s: s.map(order) if s.name == "mode" else s)
    return table.reset_index(drop=True)


def hit_rate_figure(rates: pd.DataFrame) -> go.Figure:
    """Line plot of hit rate (%) against exposure time (ms), one line per mode."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for mode, part in rates.groupby("mode", sort=False):
        figure.add_trace(
            go.Scatter(
                x=part["exposure_ms"],
                y=100 * part["hit_rate"],
                mode="lines+markers",
                name=str(mode),
                customdata=part[["hits", "trials"]].to_numpy(),
                hovertemplate="%{x} ms: %{customdata[0]} of %{customdata[1]} right (%{y:.0f}%)"
                "<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        title="Your hit rate against exposure time",
        xaxis_title="exposure (ms)",
        yaxis_title="hit rate (%)",
        yaxis_range=[-5, 105],
        template="simple_white",
        height=360,
    )
    return figure
