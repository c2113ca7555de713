"""Check-your-understanding questions: single choice, multiple choice or a number, feedback per answer."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import ipywidgets as widgets

from . import store, store_failure


@dataclass(frozen=True)
class Choice:
    """One answer option and what the learner reads after picking it."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Result:
    """The outcome of checking an answer: right or not, and feedback lines to show."""

    correct: bool
    feedback: tuple[str, ...]


@dataclass(frozen=True)
class NumericAnswer:
    """A number answer: right within ``tolerance`` of ``value``; own feedback for too low and too high."""

    value: float
    tolerance: float
    unit: str = ""
    right: str = ""
    too_low: str = ""
    too_high: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    """A question's content, independent of any widget (the facilitator guide's answer keys read these)."""

    key: str
    prompt: str
    kind: str  # "single" | "multiple" | "numeric"
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    numeric: NumericAnswer | None = None
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("single", "multiple", "numeric"):
            raise ValueError(f"Question kind must be single, multiple or numeric, not {self.kind!r}.")
        if self.kind == "numeric" and self.numeric is None:
            raise ValueError("A numeric question needs a NumericAnswer.")
        if self.kind != "numeric" and not any(c.correct for c in self.choices):
            raise ValueError(f"Question {self.key!r} has no correct choice.")
        if self.kind == "single" and sum(c.correct for c in self.choices) != 1:
            raise ValueError(f"Single-choice question {self.key!r} needs exactly one correct choice.")

    def check(self, response) -> Result:
        """Check a response: a choice index (single), a collection of indices (multiple) or a number.

        Returns
        -------
        Result
            ``correct`` and the feedback lines. A missing or unusable response is not correct and
            says what to do, it never raises.
        """
        if self.kind == "numeric":
            return self._check_number(response)
        if self.kind == "single":
            if response is None or isinstance(response, bool) or not isinstance(response, int):
                return Result(False, ("Pick one answer, then press Check.",))
            if not 0 <= response < len(self.choices):
                return Result(False, ("Pick one of the answers shown, then press Check.",))
            choice = self.choices[response]
            return Result(choice.correct, (choice.feedback,))
        picked = sorted(set(response or ()))
        if not picked or any(not isinstance(i, int) or not 0 <= i < len(self.choices) for i in picked):
            return Result(False, ("Tick every answer you think is right, then press Check.",))
        right = {i for i, c in enumerate(self.choices) if c.correct}
        lines = [("Right to tick: " if i in right else "Not this one: ") + self.choices[i].feedback for i in picked]
        missed = sorted(right - set(picked))
        if missed:
            lines.append(f"You left out {len(missed)} right answer{'s' if len(missed) > 1 else ''}: look again.")
        return Result(set(picked) == right, tuple(lines))

    def _check_number(self, response) -> Result:
        answer = self.numeric
        try:
            value = float(response)
        except (TypeError, ValueError):
            return Result(False, ("Type a number, then press Check.",))
        if not math.isfinite(value):
            return Result(False, ("Type an ordinary number, then press Check.",))
        if abs(value - answer.value) <= answer.tolerance:
            return Result(True, (answer.right or "Right.",))
        if value < answer.value:
            return Result(False, (answer.too_low or "Too low: try a larger number.",))
        return Result(False, (answer.too_high or "Too high: try a smaller number.",))

    def answer_key(self) -> str:
        """Return the right answer in words (used for the facilitator guide)."""
        if self.kind == "numeric":
            unit = f" {self.numeric.unit}" if self.numeric.unit else ""
            return f"{self.numeric.value:g}{unit} (accepted within ±{self.numeric.tolerance:g})"
        return "; ".join(c.text for c in self.choices if c.correct)


def _record(key: str, correct: bool) -> None:
    def change(data):
        entry = data["quiz"].setdefault(key, {"attempts": 0, "correct": False})
        entry["attempts"] += 1
        entry["correct"] = bool(entry["correct"] or correct)
        entry["last_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")

    store.update(change)


class Quiz(widgets.VBox):
    """A question with answer options (or a number box), a Check button and feedback.

    Parameters
    ----------
    spec : QuestionSpec
        The question. Build one with :meth:`single`, :meth:`multiple` or :meth:`numeric`, or take
        a lesson's question from :func:`microexp_widgets.lessons.quiz_for`.
    save : bool
        Record attempts (right or not, never the text) in the learner's progress file.
    """

    def __init__(self, spec: QuestionSpec, *, save: bool = True, **kwargs) -> None:
        self.spec = spec
        self.save = save
        #: The last :class:`Result`, or ``None`` before the first check.
        self.result: Result | None = None
        labels = [c.text for c in spec.choices]
        if spec.kind == "single":
            self._input = widgets.RadioButtons(
                options=[(label, i) for i, label in enumerate(labels)],
                value=None,
                layout=widgets.Layout(width="auto"),
            )
        elif spec.kind == "multiple":
            self._input = widgets.VBox(
                [widgets.Checkbox(description=t, indent=False, layout=widgets.Layout(width="auto")) for t in labels]
            )
        else:
            unit = spec.numeric.unit
            self._input = widgets.FloatText(value=0.0, description=unit or "answer")
        self._check = widgets.Button(description="Check", button_style="primary", icon="question")
        self._check.on_click(lambda _: self.check())
        #: What the learner reads after checking an answer.
        self.feedback = widgets.HTML()
        hint = " <i>(tick all that apply)</i>" if spec.kind == "multiple" else ""
        prompt = widgets.HTML(f"<b>Check your understanding.</b> {html.escape(spec.prompt)}{hint}")
        super().__init__(children=[prompt, self._input, self._check, self.feedback], **kwargs)

    @classmethod
    def single(cls, key: str, prompt: str, choices: Sequence[Choice], **kwargs) -> Quiz:
        """A question with exactly one right choice."""
        return cls(QuestionSpec(key, prompt, "single", tuple(choices)), **kwargs)

    @classmethod
    def multiple(cls, key: str, prompt: str, choices: Sequence[Choice], **kwargs) -> Quiz:
        """A question where every right choice must be ticked and no wrong one."""
        return cls(QuestionSpec(key, prompt, "multiple", tuple(choices)), **kwargs)

    @classmethod
    def numeric(cls, key: str, prompt: str, answer: NumericAnswer, **kwargs) -> Quiz:
        """A question answered with a number."""
        return cls(QuestionSpec(key, prompt, "numeric", numeric=answer), **kwargs)

    def response(self):
        """Return what the learner has entered: an index, a list of indices or a number."""
        if self.spec.kind == "single":
            return self._input.value
        if self.spec.kind == "multiple":
            return [i for i, box in enumerate(self._input.children) if box.value]
        return self._input.value

    def answer(self, response) -> Result:
        """Enter ``response`` as if the learner had picked or typed it, then check it."""
        if self.spec.kind == "single":
            self._input.value = response
        elif self.spec.kind == "multiple":
            for i, box in enumerate(self._input.children):
                box.value = i in set(response)
        else:
            self._input.value = float(response)
        return self.check()

    def check(self) -> Result:
        """Check the current response, show its feedback and return the :class:`Result`."""
        result = self.spec.check(self.response())
        self.result = result
        colour = "#1a7f37" if result.correct else "#9a6700"
        head = "Correct." if result.correct else "Not quite."
        items = "".join(f"<li>{html.escape(line)}</li>" for line in result.feedback)
        explanation = f"<p>{html.escape(self.spec.explanation)}</p>" if result.correct and self.spec.explanation else ""
        self.feedback.value = f"<div style='color:{colour}'><b>{head}</b><ul>{items}</ul></div>{explanation}"
        if self.save:
            with store_failure.shown_in(self.feedback, then="Your answer was checked but not recorded."):
                _record(self.spec.key, result.correct)
        return result
