"""BreathingPacer: a paced-breathing animation that runs in the browser and reports finished cycles to Python.

The article's advice (lesson 04): "Before entering a room, exhale for four slow counts", so the default is a
slow four-count exhale after a four-count inhale, with the exhale drawn larger and labelled "slowly".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets
from ipywidgets import CallbackDispatcher

from ._base import refuse_unknown_keywords

__all__ = ["BreathingPacer"]


class BreathingPacer(anywidget.AnyWidget):
    """A circle that grows while you breathe in and shrinks while you breathe out, counting the beats.

    The animation and its clock run in the browser (``requestAnimationFrame``), so the kernel stays free; the
    browser reports each finished cycle through ``completed_cycles``, and ``on_complete`` callbacks run when
    the last cycle is done.

    Parameters
    ----------
    inhale_counts, hold_counts, exhale_counts
        Beats of each phase of one cycle; a hold of 0 skips it.
    seconds_per_count
        Length of one beat in seconds.
    cycles
        Breaths in one session.
    **kwargs
        Other widget keyword arguments (``layout`` ...).

    Examples
    --------
    >>> pacer = BreathingPacer()  # inhale 4, exhale 4 slowly, 1 s per count, 4 cycles
    >>> pacer.on_complete(lambda p: print("done"))
    >>> pacer  # doctest: +SKIP
    """

    _esm = Path(__file__).with_name("pacer.js")
    _css = Path(__file__).with_name("pacer.css")

    inhale_counts = traitlets.Int(4, help="Beats of breathing in.").tag(sync=True)
    hold_counts = traitlets.Int(0, help="Beats of holding after the inhale (0 skips the hold).").tag(sync=True)
    exhale_counts = traitlets.Int(4, help="Beats of breathing out, the emphasised phase.").tag(sync=True)
    seconds_per_count = traitlets.Float(1.0, help="Length of one beat in seconds.").tag(sync=True)
    cycles = traitlets.Int(4, help="Breaths in one session.").tag(sync=True)
    running = traitlets.Bool(False, help="True while the browser animates; set by Start/Stop or start()/stop().").tag(
        sync=True
    )
    completed_cycles = traitlets.Int(0, help="Cycles finished in the current session, reported by the browser.").tag(
        sync=True
    )

    def __init__(
        self,
        *,
        inhale_counts: int = 4,
        hold_counts: int = 0,
        exhale_counts: int = 4,
        seconds_per_count: float = 1.0,
        cycles: int = 4,
        **kwargs: Any,
    ) -> None:
        refuse_unknown_keywords(self, kwargs)
        for name, value, least in (
            ("inhale_counts", inhale_counts, 1),
            ("hold_counts", hold_counts, 0),
            ("exhale_counts", exhale_counts, 1),
            ("cycles", cycles, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{name} must be a whole number of at least {least}, not {value!r}.")
        if not 0.1 <= seconds_per_count <= 10:
            raise ValueError(f"seconds_per_count must be between 0.1 and 10 seconds, not {seconds_per_count!r}.")
        self._complete_callbacks = CallbackDispatcher()
        self._completed_session = False
        super().__init__(
            inhale_counts=inhale_counts,
            hold_counts=hold_counts,
            exhale_counts=exhale_counts,
            seconds_per_count=float(seconds_per_count),
            cycles=cycles,
            **kwargs,
        )
        self.observe(self._on_running, names="running")
        self.observe(self._on_completed, names="completed_cycles")

    @property
    def cycle_seconds(self) -> float:
        """Length of one breath in seconds."""
        return (self.inhale_counts + self.hold_counts + self.exhale_counts) * self.seconds_per_count

    @property
    def session_seconds(self) -> float:
        """Length of the whole session in seconds."""
        return self.cycle_seconds * self.cycles

    def start(self) -> None:
        """Start a new session from cycle 0 (what the Start button does)."""
        with self.hold_sync():
            self.completed_cycles = 0
            self.running = True

    def stop(self) -> None:
        """Stop the animation; ``completed_cycles`` keeps the count so far."""
        self.running = False

    def on_complete(self, callback: Callable[[BreathingPacer], None], remove: bool = False) -> None:
        """Register ``callback(pacer)`` to run when a session's last cycle is finished."""
        self._complete_callbacks.register_callback(callback, remove=remove)

    def _on_running(self, change: dict) -> None:
        if change["new"]:
            self._completed_session = False  # a new session may complete again

    def _on_completed(self, change: dict) -> None:
        if change["new"] >= self.cycles and not self._completed_session:
            self._completed_session = True
            self.running = False
            self._complete_callbacks(self)
