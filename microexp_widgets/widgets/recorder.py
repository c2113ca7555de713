"""``Recorder``: record your face in the browser and get its Action-Unit timeline.

The camera is ipywebrtc's ``CameraStream`` (video only); a small companion widget (:mod:`.camera_access`) asks for
the camera first so that failures get a plain message. Two routes make a take:

- the browser route (:mod:`..browser.live`): the face model runs in the page on the camera stream and only per-frame
  numbers reach the kernel, which joins them into a timeline at Stop;
- the kernel route, where the page cannot run the model (docs/faults.md P6): ipywebrtc's ``VideoRecorder`` records
  the take, its bytes are copied into this kernel's memory and dropped from the synced widget state (B8), and the
  analysis runs in a worker thread whose result is handed to the learner's callbacks on the kernel's main loop.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets
import traitlets

from .. import _learner_data
from ..browser.live import METER_AUS, LiveFaceModel, meter_specs
from . import _consent, _messages
from ._camera import CameraControl
from ._kernel_route import MAX_SECONDS_CAP, KernelRoute
from ._layout import set_hidden
from ._live_route import LiveRoute
from ._live_take import MIN_TAKE_S, LiveTake
from .camera_access import CameraAccess

if TYPE_CHECKING:
    from ..timeline import AUTimeline
    from .timeline_view import TimelineView

__all__ = ["MAX_LIVE_SECONDS", "MAX_SECONDS_CAP", "MIN_TAKE_S", "Recorder"]

# Browser route: a take is numbers only (about 0.4 MB a minute, docs/faults.md B9).
MAX_LIVE_SECONDS = 600.0
STATES = ("idle", "consent", "probing", "ready", "countdown", "recording", "receiving", "analysing")
UPLOAD_ACCEPT = "video/*,.webm,.mp4,.mov,.mkv,.avi,.m4v"


def release_all_cameras(except_for: Recorder | None = None) -> None:
    """Turn off the camera of every recorder in this kernel (but ``except_for``)."""
    for recorder in Recorder.instances():
        if recorder is not except_for:
            recorder._release_camera("Another recorder took over the camera.")


# Buttons sized to their own labels: at a fixed width "Use a sample clip" and the upload count were cut off.
_FIT = {"width": "auto"}


class Recorder(CameraControl, LiveRoute, KernelRoute, widgets.VBox):
    """Record your face with the browser's camera and see which facial movements (Action Units) happened.

    Parameters
    ----------
    max_seconds
        Length limit of a take; the recording stops by itself there and is analysed. At most
        ``MAX_LIVE_SECONDS``; on the kernel route a take also stops at ``MAX_SECONDS_CAP`` (20 s), which keeps its
        video well under what one widget message can carry.
    on_timeline
        Called with each new :class:`~microexp_widgets.AUTimeline` (more can be added with :meth:`on_timeline`).
    countdown
        Seconds of countdown between pressing Record and the start of the take.
    view
        A :class:`~microexp_widgets.TimelineView` that draws every new take.
    meters
        The Action Units shown as live meters while the camera is on (codes such as ``"AU12"``), grouped by face
        region; by default a few of the brows, eyes and mouth.

    Notes
    -----
    The camera starts only after a click (and, the first time in a kernel, after the learner has read and
    acknowledged a short note on what happens to the video). Where the browser runs the face model, the video and
    any picture stay in the page and only per-frame numbers reach the kernel; elsewhere the take's video is sent to
    the kernel, after a note that says so. It is turned off after every take, when the widget
    is closed, and when a newer recorder is created in this kernel.
    """

    status = traitlets.Unicode("", help="What the recorder is doing, in words.")
    """Type: str. The text shown at the top of the widget (not synced)."""
    state = traitlets.Enum(STATES, "idle", help="what the recorder is doing: " + ", ".join(STATES))
    """Type: str. One of ``STATES``: a machine-readable form of ``status``."""
    timeline = traitlets.Any(None, allow_none=True, help="The last take's AUTimeline, or None.")
    """Type: AUTimeline or None. Set when a take (or a sample clip, or a file) has been analysed."""

    def __init__(
        self,
        max_seconds: float = 10,
        on_timeline: Callable[[AUTimeline], object] | None = None,
        *,
        countdown: int = 3,
        view: TimelineView | None = None,
        meters: tuple[str, ...] = METER_AUS,
    ):
        if not MIN_TAKE_S < float(max_seconds) <= MAX_LIVE_SECONDS:
            raise ValueError(
                f"max_seconds must be between {MIN_TAKE_S} and {MAX_LIVE_SECONDS:g} seconds; got {max_seconds}."
            )
        if countdown < 0:
            raise ValueError(f"countdown must be 0 or more seconds; got {countdown}.")
        meter_specs(tuple(meters))  # refuses unknown AU codes before any widget is made
        self.max_seconds = float(max_seconds)
        self.countdown = int(countdown)
        self._lock = threading.RLock()
        self._timeline_callbacks = widgets.CallbackDispatcher()
        self._camera = None  # ipywebrtc CameraStream while the camera is on
        self._video_recorder = None  # ipywebrtc VideoRecorder during a take
        self._clock_stop: threading.Event | None = None
        self._receive_timer: threading.Timer | None = None
        self._pending: str | None = None  # what to do once the camera is allowed: "preview" or "record"
        self._take_started = 0.0
        self._take_seconds = 0.0
        self._auto_stopped = False
        self._discard_take = False
        self._analysis_id = 0
        self._closed = False
        self._timings: dict[str, float] = {}  # monotonic times of the last take's steps, for measurements
        self._consent_route = _consent.BROWSER
        self._take_number = 0
        self._live_take: LiveTake | None = None
        self._ended_timer: threading.Timer | None = None  # waits for the page's "ended", or for a silent page
        self._dropped_started = 0  # the page's dropped messages before this take
        self._waiting_for_model = False
        self.take_figures: dict[str, float] = {}  # the last browser-route take: rates, bytes and kernel CPU
        self._live = LiveFaceModel(tuple(meters), max_seconds=self.max_seconds, countdown=self.countdown)
        self._live.on_started = self._on_live_started
        self._live.on_frames = self._on_live_frames
        self._live.on_ended = self._on_live_ended
        self._live.on_failure = self._on_live_failure
        self._live.observe(self._on_model_state, "model_state")
        self._route_html = widgets.HTML()
        self._route_html.add_class("microexp-route")

        self._status_html = widgets.HTML()
        self._status_html.add_class("microexp-status")
        #: The consent note and its button; hidden once the learner agreed in this kernel.
        self.consent_box = self._build_consent()
        self._problem_html = widgets.HTML()
        #: The Try again button shown with a camera problem.
        self.retry_button = widgets.Button(description="Try again", icon="refresh", layout=_FIT)
        self.retry_button.on_click(lambda _: self._retry())
        #: A camera problem in one plain sentence, with :attr:`retry_button` when trying again can help.
        self.problem_box = widgets.VBox([self._problem_html, self.retry_button])
        self._preview = widgets.Box(layout=widgets.Layout(width="340px", min_height="0px"))
        self._preview.add_class("microexp-preview")
        self._camera_button = widgets.Button(description="Turn camera on", icon="video-camera", layout=_FIT)
        self._camera_button.on_click(lambda _: self._toggle_camera())
        self._record_button = widgets.Button(description="Record", icon="circle", button_style="danger")
        self._record_button.on_click(lambda _: self.start())
        self._stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
        self._stop_button.add_class("microexp-stop")  # the page ends a take where this was clicked
        self._stop_button.on_click(lambda _: self.stop())
        self._sample_button = widgets.Button(description="Use a sample clip", icon="film", layout=_FIT)
        self._sample_button.on_click(lambda _: self.use_sample(wait=False))
        #: The Upload button: a clip of the learner's own, analysed in this kernel.
        self.upload = widgets.FileUpload(
            accept=UPLOAD_ACCEPT, multiple=False, description="Upload a video file", layout=_FIT
        )
        self.upload.observe(self._on_upload, "value")
        self._progress = widgets.IntProgress(value=0, min=0, max=100, description="Frames")
        self._progress_label = widgets.Label()
        self._progress_box = widgets.HBox([self._progress, self._progress_label])
        self._probe = CameraAccess()
        self._probe.on_result(self._on_probe_result)
        controls = widgets.HBox(
            [self._camera_button, self._record_button, self._stop_button, self._sample_button, self.upload],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        super().__init__(
            [
                self._status_html,  # first: tests and lessons read the status as the first HTML in the widget
                self.consent_box,
                self.problem_box,
                self._route_html,
                self._live,
                self._preview,
                controls,
                self._progress_box,
                self._probe,
            ]
        )
        self.add_class("microexp-recorder")
        set_hidden(self.consent_box, True)
        set_hidden(self.problem_box, True)
        set_hidden(self._progress_box, True)
        if on_timeline is not None:
            self.on_timeline(on_timeline)
        if view is not None:
            view.link(self)
        release_all_cameras(except_for=self)  # a re-run cell: the previous recorder lets go of the camera
        # Registered as a holder of learner data, which is also how a newer recorder finds this one's camera.
        _learner_data.register(self, Recorder.clear)
        self._set_status("idle", "Camera off. Press Record to make a take, or use a sample clip.")

    # ---------------------------------------------------------------------------------------------------------
    # Public API

    def on_timeline(self, callback: Callable[[AUTimeline], object], remove: bool = False) -> None:
        """Register ``callback(timeline)`` for every analysed take (``remove=True`` unregisters it)."""
        self._timeline_callbacks.register_callback(callback, remove=remove)

    def start(self) -> None:
        """Do what the Record button does: turn the camera on if needed, count down, then record."""
        with self._lock:
            if self.state in ("countdown", "recording", "receiving") or self._closed or self._waiting_for_model:
                return
            if self._camera is None:
                self._ask_for_camera("record")
            else:
                self._begin_countdown()

    def stop(self) -> None:
        """Do what the Stop button does: end the take (it is then analysed), or cancel the countdown."""
        with self._lock:
            self._waiting_for_model = False
            if self._live_take is not None:
                if self.state == "countdown":
                    self._live.stop(self._live_take.number)
                    self._live_take = None
                    self._record_button.disabled = False
                    self._stop_button.disabled = True
                    self._set_status("ready", "Countdown cancelled. The camera is on; press Record when ready.")
                elif self.state == "recording":
                    self._end_live_take(auto=False)
            elif self.state == "countdown":
                self._stop_clock()
                self._set_status("ready", "Countdown cancelled. The camera is on; press Record when ready.")
            elif self.state == "recording":
                self._end_take(auto=False)

    def use_sample(self, name: str = "pexels", *, wait: bool = True) -> AUTimeline | None:
        """Analyse one of the sample clips instead of a recording (no camera needed).

        Called from code it waits and returns the timeline, so a notebook run top to bottom gets one; the
        button passes ``wait=False`` so the kernel stays free while the progress bar fills.
        """
        from ..assets import SAMPLES, sample_path

        try:
            path = sample_path(name)
        except Exception as error:  # AssetFetchError or an unknown name: say so in the widget
            self._show_problem(str(error), retry=False)
            if name not in SAMPLES:
                raise
            return None
        self._release_camera(None)
        self._analyse(path, label=f"the sample clip {name!r}", wait=wait)
        return self.timeline if wait else None

    def analyse_file(self, data: bytes | str, *, name: str = "your file", wait: bool = True) -> AUTimeline | None:
        """Analyse a video you already have (bytes or a path): what the Upload button does."""
        self._release_camera(None)
        self._analyse(data, label=name, wait=wait)
        return self.timeline if wait else None

    def clear(self) -> None:
        """Forget the take: its video bytes, its frames and its timeline."""
        with self._lock:
            self._analysis_id += 1  # an analysis still running is dropped when it ends
            old = self.timeline
            if old is not None:
                old.forget_clip()
            self._live.forget()
            self.timeline = None
            set_hidden(self._progress_box, True)
            if self.state not in ("countdown", "recording", "receiving"):
                self._set_status("idle", "The take is forgotten: nothing of it is kept in this kernel.")

    def close(self) -> None:
        """Turn the camera off and close the widget and its parts."""
        if not hasattr(self, "_probe"):  # the constructor refused its arguments: nothing was made
            return
        with self._lock:
            self._closed = True
            self._release_camera(None)
            self._cancel_receive_timer()
            self._cancel_ended_timer()
            _learner_data.unregister(self)
            parts = [self._live, self._probe, self.upload, self._progress, self._progress_label, self._status_html]
        for part in parts:
            part.close()
        super().close()

    @classmethod
    def instances(cls) -> list[Recorder]:
        """Every recorder alive in this kernel (for "delete my data" and for re-run cells)."""
        return _learner_data.holders(of_type=cls)

    @property
    def camera_check(self) -> CameraAccess:
        """The page's camera check: asked before the camera opens, answered by the browser (a test answers it so)."""
        return self._probe

    @property
    def model_state(self) -> str:
        """The face model in the page: "loading", then "ready", or "failed" (takes then go the kernel route)."""
        return self._live.model_state

    @property
    def camera_on(self) -> bool:
        """True while this recorder holds the camera."""
        return self._camera is not None

    # ---------------------------------------------------------------------------------------------------------
    # A take: countdown, recording, receiving

    def _begin_countdown(self) -> None:
        state = self._live.model_state
        if state == "loading":
            self._waiting_for_model = True
            self._set_status("ready", "Starting the face model in your browser; the take begins as soon as it runs.")
            return
        if state == "ready":
            self._begin_live_take()
            return
        if self._ask_consent(_consent.KERNEL, self._begin_countdown):
            return
        self._begin_kernel_take()

    def _close_camera(self) -> None:
        camera, self._camera = self._camera, None
        self._preview.children = ()
        self._camera_button.description = "Turn camera on"
        self._live.camera_id = ""
        self._stop_button.disabled = True
        if camera is not None:
            self._probe.camera_id = ""
            camera.close()

    def _deliver(self, analysis_id: int, timeline: AUTimeline, label: str, figures: dict | None = None) -> None:
        with self._lock:
            if analysis_id != self._analysis_id or self._closed:
                timeline.forget_clip()
                return
            set_hidden(self._progress_box, True)
            if timeline.duration_s < MIN_TAKE_S:
                timeline.forget_clip()
                self._show_problem(_messages.TOO_SHORT, retry=False, state="idle")
                return
            previous = self.timeline
            if previous is not None and previous is not timeline:
                previous.forget_clip()  # the learner's frames are kept for the current take only
            micro = sum(1 for event in timeline.events if event.kind == "micro")
            summary = (
                f"Done: {label}, a face in {timeline.face_frames} of {timeline.frames} frames; "
                f"{len(timeline.events)} movements spotted ({micro} micro)."
            )
            extra = " ".join(timeline.warnings)
            self._set_status("idle", f"{summary} {extra}".strip())
            self._timings["delivered"] = time.monotonic()
            if figures is not None:  # a browser-route take: its figures, with the kernel's time to the timeline
                self.take_figures = {
                    **figures,
                    "stop_to_timeline_s": self._timings["delivered"] - self._timings.get("stop", 0.0),
                    "last_frames_to_timeline_s": self._timings["delivered"] - self._timings["received"],
                }
            self.timeline = timeline
            self._timings["drawn"] = time.monotonic()  # linked views redraw in the observer above
        self._timeline_callbacks(timeline)

    # ---------------------------------------------------------------------------------------------------------
    # Showing state

    def _set_status(self, state: str, text: str) -> None:
        self.state = state
        self.status = text
        style = "color:#b00020;font-weight:bold" if state == "recording" else ""
        self._status_html.value = f'<span style="{style}">{html.escape(text)}</span>'
        busy = state in ("countdown", "recording", "receiving", "probing", "consent")
        self._sample_button.disabled = busy or state == "analysing"
        self.upload.disabled = busy or state == "analysing"

    def _show_problem(self, text: str, *, retry: bool, state: str = "idle") -> None:
        self._problem_html.value = f"<b>{html.escape(text)}</b>"
        set_hidden(self.retry_button, not retry)
        set_hidden(self.problem_box, False)
        self._set_status(state, text)
