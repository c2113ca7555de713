"""The browser route of a take: the page counts down, keeps the clock, analyses each frame and sends numbers.

A mixin of :class:`~microexp_widgets.widgets.recorder.Recorder`: the kernel only collects the page's batches
(:class:`._live_take.LiveTake`) and joins them into a timeline when the take ends.

A take always ends (docs/faults.md K3): normally at the page's "ended", else from what has arrived when that message
cannot be read, when the page stays silent after Stop, or when it sends nothing at the length limit; a take that
overflows its bound ends at once with one sentence (K1). The recorder is back to idle each time.
"""

from __future__ import annotations

import threading
import time

from . import _messages
from ._kernel import call_soon_in_kernel
from ._live_take import END_SLACK_S, MIN_TAKE_S, LiveTake

ENDED_TIMEOUT_S = 3.0  # how long Stop waits for the page's last frames before it uses what has arrived


class LiveRoute:
    """Recorder methods for takes analysed in the page (``self._live`` is its ``LiveFaceModel``)."""

    def _begin_live_take(self) -> None:
        self._take_number += 1
        self._live_take = LiveTake(self._take_number, self.max_seconds)
        self._dropped_started = self._live.dropped_messages
        self._live.max_seconds, self._live.countdown = self.max_seconds, self.countdown
        self._record_button.disabled = True
        self._stop_button.disabled = False
        self._live.record(self._take_number)
        if self.countdown:
            self._set_status("countdown", f"Recording starts in {self.countdown}…")

    def _on_live_started(self, number: int) -> None:
        with self._lock:
            take = self._live_take
            if take is None or take.number != number or self.state in ("recording", "receiving"):
                return  # not the take asked for, or a second "started" for it
            self._take_started = time.monotonic()
            self._cpu_started = time.process_time()
            self._bytes_started = self._live.received_bytes
            self._set_status(
                "recording", f"● REC: press Stop to end the take (it stops by itself after {self.max_seconds:g} s)."
            )
            # If the page never says the take ended (a closed tab, a lost message), the kernel ends it itself.
            self._start_ended_timer(self.max_seconds + END_SLACK_S + ENDED_TIMEOUT_S, self._on_live_overdue, number)

    def _on_live_overdue(self, number: int) -> None:
        with self._lock:
            if self._live_take is not None and self._live_take.number == number and self.state == "recording":
                self._auto_stopped = True
                self._end_live_take(auto=True)

    def _on_live_frames(self, number: int, rows) -> None:
        with self._lock:
            take = self._live_take
            if take is None or take.number != number:
                return
            if self.state not in ("recording", "receiving"):
                self._live.dropped_messages += 1  # frames before the page said the take started
                return
            if not take.add(rows):
                self._give_up_live_take(_messages.too_many_frames(self.max_seconds, take.budget))

    def _on_live_failure(self, number: int, _error: Exception) -> None:
        with self._lock:
            take = self._live_take
            if take is not None and take.number == number:
                self._give_up_live_take(_messages.TAKE_FAILED)
            elif take is None and self.state == "receiving":  # it failed while the take was being joined
                self._show_problem(_messages.TAKE_FAILED, retry=False, state="idle")

    def _give_up_live_take(self, sentence: str) -> None:
        """End the take now, keep nothing of it, and say why (the page is told to stop; its last words are ignored)."""
        take, self._live_take = self._live_take, None
        self._cancel_ended_timer()
        self._live.stop(take.number)
        self._close_camera()
        take.forget()
        self._record_button.disabled = False
        self._stop_button.disabled = True
        self._show_problem(sentence, retry=False, state="idle")

    def _end_live_take(self, auto: bool) -> None:
        self._timings = {"stop": time.monotonic()}
        # How long the learner saw "REC" before Stop: the page's own count also holds both messages' delays.
        self._take_seconds = self._timings["stop"] - self._take_started
        self._live.stop(self._live_take.number)
        self._close_camera()
        limit = f" at the {self.max_seconds:g} s limit" if auto else ""
        self._set_status("receiving", f"Stopped{limit}; the camera is off. Finishing the take…")
        self._start_ended_timer(ENDED_TIMEOUT_S, self._on_live_ended, self._live_take.number, {"reason": "timeout"})

    def _start_ended_timer(self, seconds: float, callback, *args) -> None:
        self._cancel_ended_timer()
        self._ended_timer = threading.Timer(seconds, call_soon_in_kernel, (callback, *args))
        self._ended_timer.daemon = True
        self._ended_timer.start()

    def _cancel_ended_timer(self) -> None:
        if self._ended_timer is not None:
            self._ended_timer.cancel()
            self._ended_timer = None

    def _on_live_ended(self, number: int, info: dict) -> None:
        with self._lock:
            take = self._live_take
            if take is None or take.number != number or info.get("reason") == "cancelled":
                return
            if self.state == "recording":  # the page stopped the take itself, at the length limit
                self._auto_stopped = True
                self._end_live_take(auto=True)
            self._cancel_ended_timer()
            self._live_take = None
            self._record_button.disabled = False
            self._stop_button.disabled = True
            self._timings["received"] = time.monotonic()
            said = info.get("seconds")  # checked by the page's message reader: finite, not negative, believable
            seconds = min(said if said is not None else time.monotonic() - self._take_started, self._longest_take())
            if min(seconds, self._take_seconds) < MIN_TAKE_S:
                take.forget()
                self._show_problem(_messages.TOO_SHORT, retry=False, state="idle")
                return
            if take.frames == 0:
                self._show_problem(_messages.EMPTY_TAKE, retry=False, state="idle")
                return
            auto = info.get("reason") == "limit"
            warnings = [f"The take stopped by itself at the {self.max_seconds:g} s limit."] if auto else []
            dropped = self._live.dropped_messages - self._dropped_started
            if dropped:
                warnings.append(_messages.dropped_messages(dropped))
            timeline = take.timeline(seconds, warnings=warnings)
            timeline.page_stills = self._live.stills_of(number)  # the apex picture stays in the page
            take.forget()
            self._analysis_id += 1
            figures = {
                "seconds": seconds,
                "analysed_frames": float(take.frames),
                "analysed_fps": take.frames / seconds,
                "camera_frames": float(info.get("presented") or 0),
                "page_ms_per_frame": float(info.get("msPerFrame") or 0),
                "kernel_cpu_s": time.process_time() - self._cpu_started,
                "bytes_received": float(self._live.received_bytes - self._bytes_started),
            }
            # Set before on_timeline fires, so a callback reads this take's figures, not the previous take's.
            self._deliver(self._analysis_id, timeline, "your take", figures=figures)

    def _longest_take(self) -> float:
        return self.max_seconds + END_SLACK_S
