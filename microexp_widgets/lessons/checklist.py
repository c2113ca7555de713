"""The three-step checklist (lesson 06) run as one guided take, reviewed against its own timeline.

1. Exhale (the breathing pacer). 2. Soft eyes, half smile (record a take). 3. "Let's get curious".
The review speaks about movements and timings only; a brow that shot up is something to roll with.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from . import memory, practice_log
from .mirror import check_take, render_check

#: The checklist's steps, in the article's words.
STEPS = ("Exhale.", "Soft eyes, half smile.", "Quick mental nudge: \u201clet's get curious\u201d.")
_BROWS = {"AU01": "inner brows raised", "AU02": "outer brows raised", "AU04": "brows pulled down"}


def _event_value(event, name: str):
    return event[name] if isinstance(event, dict) else getattr(event, name)


def review(timeline, steps_done: Sequence[bool] = (True, True, True)) -> list[str]:
    """Review one take against the checklist, in plain sentences about movements and timings.

    Parameters
    ----------
    timeline : AUTimeline
        The take; its ``events`` are used for brow movements.
    steps_done : sequence of bool
        Which of the three steps the learner ticked.
    """
    lines = []
    missing = [f"step {i + 1} ({STEPS[i]})" for i, done in enumerate(steps_done) if not done]
    if missing:
        lines.append("Not ticked yet: " + "; ".join(missing) + " Try the whole sequence next time.")
    result = check_take(timeline)
    if result.problem:
        return [*lines, result.problem]
    lines.append(f"Soft eyes, half smile: {result.in_band} of {result.scored} measured movements in the target band.")
    brow_events = [e for e in getattr(timeline, "events", ()) if _event_value(e, "au") in _BROWS]
    for event in brow_events[:3]:
        au = _event_value(event, "au")
        lines.append(
            f"At {_event_value(event, 'onset_s'):.1f} s your {_BROWS[au]} ({au}) for "
            f"{_event_value(event, 'duration_ms'):.0f} ms ({_event_value(event, 'kind')}). "
            "If that was a rogue brow, roll with it: follow up with warmth."
        )
    if not brow_events:
        lines.append("No brow movement stood out in this take.")
    return lines


def summary_card(entries: Sequence[dict[str, Any]]) -> str:
    """Render a summary card of the learner's own attempts (mirror and checklist takes) as HTML."""
    takes = [e for e in entries if e.get("kind") in ("mirror take", "checklist take")]
    if not takes:
        return "<div><b>Your attempts</b><p><i>No takes in your practice log yet.</i></p></div>"
    best = max(takes, key=lambda e: e["values"].get("in_band", 0))
    first, last = takes[0]["values"], takes[-1]["values"]
    trend = ""
    if len(takes) > 1 and "AU12" in first and "AU12" in last:
        trend = (
            f"<li>Lip corners (AU12, median): {first['AU12']:.2f} in your first take, "
            f"{last['AU12']:.2f} in your latest.</li>"
        )
    return (
        "<div style='border:1px solid #ccc;border-radius:6px;padding:0.5em 1em;max-width:40em'>"
        "<b>Your attempts</b><ul>"
        f"<li>{len(takes)} take(s) logged.</li>"
        f"<li>Best: {best['values'].get('in_band', 0)} of {best['values'].get('scored', 0)} movements in the band "
        f"({html.escape(best.get('time', ''))}).</li>{trend}</ul></div>"
    )


class Checklist(widgets.VBox):
    """The checklist as one guided take: pacer, then record, then the review and a summary card.

    Parameters
    ----------
    pacer : widget, optional
        The breathing pacer to show in step 1 (default: a new :class:`microexp_widgets.BreathingPacer`).
    recorder : microexp_widgets.Recorder, optional
        The recorder for step 2 (default: a new one with ``max_seconds=5``).
    log_takes : bool
        Write each reviewed take's numbers to the practice log.
    """

    def __init__(self, pacer=None, recorder=None, *, log_takes: bool = True, **kwargs) -> None:
        import microexp_widgets as mw

        self.pacer = mw.BreathingPacer(cycles=2) if pacer is None else pacer
        self.recorder = mw.Recorder(max_seconds=5) if recorder is None else recorder
        self.log_takes = log_takes
        #: The last reviewed take, or ``None``.
        self.timeline = None
        self._ticks = [widgets.Checkbox(description=f"{i + 1}. {s}", indent=False) for i, s in enumerate(STEPS)]
        self._nudge = widgets.Text(value="Let's get curious.", description="your nudge")
        self._review = widgets.HTML()
        self._card = widgets.HTML(summary_card(practice_log.entries()))
        if hasattr(self.recorder, "on_timeline"):
            self.recorder.on_timeline(lambda timeline, *_: self.add_take(timeline))
        if hasattr(self.pacer, "has_trait") and self.pacer.has_trait("completed_cycles"):
            # A finished breath on the pacer ticks step 1 for the learner.
            self.pacer.observe(self._on_breath, "completed_cycles")
        super().__init__(
            children=[
                self._ticks[0],
                self.pacer,
                self._ticks[1],
                self.recorder,
                self._ticks[2],
                self._nudge,
                widgets.HTML("<b>Review of your take</b>"),
                self._review,
                self._card,
            ],
            **kwargs,
        )
        memory.remember(self)

    @property
    def steps_done(self) -> tuple[bool, bool, bool]:
        """Which steps are ticked."""
        return tuple(box.value for box in self._ticks)

    def tick(self, *steps: int) -> None:
        """Tick steps by number (1-3), as the learner would."""
        for step in steps:
            self._ticks[step - 1].value = True

    def _on_breath(self, change: dict) -> None:
        if change["new"] >= 1:
            self._ticks[0].value = True

    def add_take(self, timeline) -> list[str]:
        """Review a take (from the recorder, a sample clip or a file), log it and refresh the summary card."""
        self.timeline = timeline
        lines = review(timeline, self.steps_done)
        result = check_take(timeline)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self._review.value = f"<ul>{items}</ul>" + ("" if result.problem else render_check(result))
        if self.log_takes and not result.problem:
            practice_log.add_entry(
                "06_putting_it_together",
                "checklist take",
                f"checklist take: {result.in_band} of {result.scored} movements in the target band",
                {"in_band": result.in_band, "scored": result.scored, "steps": sum(self.steps_done), **result.medians},
            )
        self._card.value = summary_card(practice_log.entries())
        return lines

    def clear(self) -> None:
        """Forget the take and its review (used by "delete everything")."""
        self.timeline = None
        self._review.value = ""
        self._card.value = summary_card([])
