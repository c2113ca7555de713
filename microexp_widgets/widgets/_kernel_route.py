"""The kernel route of a take, where the page cannot run the face model (docs/faults.md P6), and analysis of files.

ipywebrtc's ``VideoRecorder`` records the take; its bytes are copied into this kernel's memory and dropped from the
synced widget state (B8), and the analysis runs in a worker thread whose result is handed to the learner's callbacks
on the kernel's main loop. A mixin of :class:`~microexp_widgets.widgets.recorder.Recorder`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import ipywidgets as widgets

from . import _messages
from ._kernel import call_soon_in_kernel
from ._layout import set_hidden
from ._live_take import MIN_TAKE_S

# ipywebrtc records at a fixed 2.5 Mbit/s and sends the whole take in one message; a default Jupyter Server refuses
# websocket messages over about 10 MiB, i.e. ~33 s. 20 s (~6 MB) leaves a wide margin (docs/faults.md D8).
MAX_SECONDS_CAP = 20.0
RECEIVE_TIMEOUT_S = 30.0
TICK_S = 0.2

_warm = threading.Event()
_warm_lock = threading.Lock()


def _warm_up_analysis() -> None:
    """Load the analysis code and start the face model once, in the background, while a take is being made.

    The first landmarker in a process pays for loading MediaPipe's native library and graph (one to two seconds
    here); doing that during the countdown keeps it out of the time between Stop and the drawn timeline.
    """
    if _warm.is_set() or not _warm_lock.acquire(blocking=False):
        return

    def warm() -> None:
        try:
            from ..face import FaceTracker
            from ..pipeline import analyze_video  # noqa: F401 - imported for its side effect: loaded once

            with FaceTracker(max_faces=1):
                pass
        except Exception:
            # Safe to drop: the warm-up only loads early what the analysis loads anyway. Whatever failed here (a
            # missing model, a broken install) fails again in the analysis, which tells the learner in words.
            pass
        finally:
            _warm.set()
            _warm_lock.release()

    threading.Thread(target=warm, name="microexp-warm-up", daemon=True).start()


class _TakeVideo(widgets.Video):
    """The Video widget a take arrives in; reports every value the browser sends, an empty one included.

    (An empty take would not change an already empty value, so observing ``value`` would miss it.)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_received: Callable[[bytes], object] | None = None

    def set_state(self, sync_data) -> None:
        super().set_state(sync_data)
        if "value" in sync_data and self.on_received is not None:
            self.on_received(self.value)


class KernelRoute:
    """Recorder methods for takes recorded as video and analysed in the kernel, and for files and samples."""

    def _begin_kernel_take(self) -> None:
        from ipywebrtc import VideoRecorder

        self._discard_take = False
        self._auto_stopped = False
        # The container the browser's MediaRecorder writes: webm in Chromium and Firefox, mp4 in Safari and WebKit,
        # which refuse webm (ipywebrtc's recorder would throw and no take would ever arrive).
        formats = self._probe.recordable
        if not formats:
            self._release_camera(None)
            self._show_problem(_messages.CANNOT_RECORD, retry=False)
            return
        if self._video_recorder is None:
            # Made now, so the browser has its model ready before the recording starts.
            video = _TakeVideo(format=formats[0], controls=False)
            video.on_received = self._on_video_value
            self._video_recorder = VideoRecorder(stream=self._camera, format=formats[0], video=video)
        self._record_button.disabled = True
        self._stop_button.disabled = False
        stop = threading.Event()
        self._clock_stop = stop
        thread = threading.Thread(target=self._run_clock, args=(stop,), name="microexp-recorder-clock", daemon=True)
        if self.countdown:
            self._set_status("countdown", f"Recording starts in {self.countdown}…")
        thread.start()

    def _run_clock(self, stop: threading.Event) -> None:
        """Count down, start the take, show the elapsed time, and stop at the limit; ends early when ``stop`` is set."""
        for left in range(self.countdown, 0, -1):
            with self._lock:
                if stop.is_set():
                    return
                self._set_status("countdown", f"Recording starts in {left}…")
            if stop.wait(1.0):
                return
        with self._lock:
            if stop.is_set() or self._video_recorder is None:
                return
            self._video_recorder.recording = True
            self._take_started = time.monotonic()
            self._set_status("recording", self._recording_text(0.0))
        while not stop.wait(TICK_S):
            with self._lock:
                if stop.is_set():
                    return
                elapsed = time.monotonic() - self._take_started
                if elapsed >= self._kernel_limit():
                    self._end_take(auto=True)
                    return
                self._set_status("recording", self._recording_text(elapsed))

    def _kernel_limit(self) -> float:
        return min(self.max_seconds, MAX_SECONDS_CAP)

    def _recording_text(self, elapsed: float) -> str:
        return f"● REC {elapsed:4.1f} s of {self._kernel_limit():g} s: press Stop to end the take."

    def _stop_clock(self) -> None:
        if self._clock_stop is not None:
            self._clock_stop.set()
            self._clock_stop = None

    def _end_take(self, auto: bool) -> None:
        self._timings = {"stop": time.monotonic()}
        self._stop_clock()
        self._take_seconds = time.monotonic() - self._take_started
        self._auto_stopped = auto
        recorder = self._video_recorder
        if recorder is not None:
            recorder.recording = False  # the browser finishes the file, then sends it
        # The recorder stopped first (messages keep their order), so closing the camera now ends every track at
        # once without losing the end of the take (docs/faults.md P2).
        self._close_camera()
        limit = f" at the {self._kernel_limit():g} s limit" if auto else ""
        self._set_status("receiving", f"Stopped{limit}; the camera is off. Receiving the take…")
        self._cancel_receive_timer()
        self._receive_timer = threading.Timer(RECEIVE_TIMEOUT_S, self._receive_timed_out)
        self._receive_timer.daemon = True
        self._receive_timer.start()

    def _cancel_receive_timer(self) -> None:
        if self._receive_timer is not None:
            self._receive_timer.cancel()
            self._receive_timer = None

    def _receive_timed_out(self) -> None:
        with self._lock:
            if self.state == "receiving":
                self._close_video_recorder()
                self._record_button.disabled = False
                self._show_problem(_messages.NO_TRANSFER, retry=False)

    def _on_video_value(self, value) -> None:
        data = bytes(value)  # copied into kernel memory before the synced value is emptied
        self._timings["received"] = time.monotonic()
        with self._lock:
            self._drop_synced_bytes()
            self._close_video_recorder()
            self._cancel_receive_timer()
            self._record_button.disabled = False
            if self._discard_take or self.state != "receiving":
                return
            if self._take_seconds < MIN_TAKE_S:
                self._show_problem(_messages.TOO_SHORT, retry=False, state="idle")
                return
            if not data:
                self._show_problem(_messages.EMPTY_TAKE, retry=False, state="idle")
                return
            expected = max(1, round(self._take_seconds * 30))
            label = "your take" + (f" (stopped at the {self._kernel_limit():g} s limit)" if self._auto_stopped else "")
            self._analyse(data, label=label, wait=False, expected=expected)

    def _drop_synced_bytes(self) -> None:
        """Empty the Video widget's value so the take's bytes leave the synced state (docs/faults.md B8)."""
        if self._video_recorder is not None:
            self._video_recorder.video.value = b""

    def _close_video_recorder(self) -> None:
        recorder, self._video_recorder = self._video_recorder, None
        if recorder is not None:
            recorder.video.on_received = None
            recorder.video.value = b""
            recorder.video.close()
            recorder.close()

    # ---------------------------------------------------------------------------------------------------------
    # Files and uploads

    def _on_upload(self, change) -> None:
        if not change.new:
            return
        item = change.new[0]
        data = bytes(item["content"])
        name = str(item.get("name") or "your file")
        self.upload.value = ()  # the file's bytes leave the synced state too
        self.analyse_file(data, name=name, wait=False)

    # ---------------------------------------------------------------------------------------------------------
    # Analysis

    def _analyse(self, source, *, label: str, wait: bool, expected: int | None = None) -> None:
        with self._lock:
            self._analysis_id += 1
            analysis_id = self._analysis_id
            set_hidden(self.problem_box, True)
            set_hidden(self._progress_box, False)
            self._progress.max = max(1, expected or 100)
            self._progress.value = 0
            self._progress_label.value = "starting…"
            self._set_status("analysing", f"Analysing {label}…")

        def progress(done: int, total: int | None) -> None:
            if analysis_id != self._analysis_id:
                return
            if total:
                self._progress.max = max(1, total)
            elif done > self._progress.max:
                self._progress.max = done + max(10, done // 4)
            self._progress.value = min(done, self._progress.max)
            self._progress_label.value = f"{done} frames analysed" + (f" of {total}" if total else "")

        def work() -> None:
            from ..errors import MicroexpError
            from ..pipeline import analyze_video

            try:
                self._timings["analysis_start"] = time.monotonic()
                timeline = analyze_video(source, on_progress=progress)
                self._timings["analysed"] = time.monotonic()
            except MicroexpError as error:
                call_soon_in_kernel(self._analysis_failed, analysis_id, str(error))
            except Exception as error:  # never let a bad clip take the kernel down; say what happened
                text = f"The analysis stopped unexpectedly ({type(error).__name__}: {error}). Try another take."
                call_soon_in_kernel(self._analysis_failed, analysis_id, text)
            else:
                call_soon_in_kernel(self._deliver, analysis_id, timeline, label)

        if wait:
            work()
        else:
            threading.Thread(target=work, name="microexp-analysis", daemon=True).start()

    def _analysis_failed(self, analysis_id: int, text: str) -> None:
        with self._lock:
            if analysis_id != self._analysis_id:
                return
            set_hidden(self._progress_box, True)
            self._show_problem(text, retry=False, state="idle")
