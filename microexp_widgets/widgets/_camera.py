"""The recorder's consent note and camera: ask once, probe the camera for a plain message, open it, release it.

A mixin of :class:`~microexp_widgets.widgets.recorder.Recorder`, which owns the widgets these methods fill in.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from .. import _learner_data
from . import _consent, _messages
from ._kernel_route import _warm_up_analysis
from ._layout import set_hidden

CAMERA_CONSTRAINTS = {
    "audio": False,  # ipywebrtc's default asks for the microphone too; we never do.
    "video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "facingMode": "user"},
}


class CameraControl:
    """Recorder methods for consent and the camera (``self._camera`` is ipywebrtc's ``CameraStream`` while on)."""

    def _release_other_cameras(self) -> None:
        """A newer recorder (a re-run cell) takes the camera: every other recorder in this kernel lets go of it."""
        for other in _learner_data.holders(of_type=CameraControl):
            if other is not self:
                other._release_camera("Another recorder took over the camera.")

    def _build_consent(self) -> widgets.VBox:
        self._consent_note = widgets.HTML()
        self._fill_consent(_consent.BROWSER)
        #: The consent note's button: the camera starts only after the learner clicks it.
        self.consent_button = widgets.Button(
            description=_consent.CONSENT_BUTTON, button_style="primary", layout=widgets.Layout(width="auto")
        )
        self.consent_button.on_click(lambda _: self._acknowledge())
        self._after_consent: Callable[[], object] | None = None
        return widgets.VBox(
            [self._consent_note, self.consent_button], layout=widgets.Layout(border="1px solid #999", padding="6px")
        )

    def _fill_consent(self, route: str) -> None:
        self._consent_route = route
        points = "".join(f"<li>{html.escape(point)}</li>" for point in _consent.consent_points(route))
        self._consent_note.value = f"<b>{html.escape(_consent.CONSENT_TITLE)}</b><ul>{points}</ul>"

    def _route(self) -> str:
        """Where the next take is analysed: in the page, or (where the page cannot run the model) in the kernel."""
        return _consent.KERNEL if self._live.model_state == "failed" else _consent.BROWSER

    def _ask_consent(self, route: str, then: Callable[[], object]) -> bool:
        """Show the note for ``route`` unless it was acknowledged in this kernel; True when it had to be shown."""
        if _consent.consent_given(route):
            return False
        self._fill_consent(route)
        self._after_consent = then
        set_hidden(self.consent_box, False)
        self._set_status("consent", "Read the note below; the camera starts only after you agree.")
        return True

    def _acknowledge(self) -> None:
        with self._lock:
            _consent.give_consent(self._consent_route)
            set_hidden(self.consent_box, True)
            then, self._after_consent = self._after_consent, None
            if then is not None:
                then()

    def _ask_for_camera(self, then: str) -> None:
        self._pending = then
        if self._route() == _consent.KERNEL:
            _warm_up_analysis()
        set_hidden(self.problem_box, True)
        if self._ask_consent(self._route(), self._probe_camera):
            return
        self._probe_camera()

    def _on_model_state(self, change) -> None:
        with self._lock:
            if change.new == "failed":
                self._route_html.value = (
                    f"<i>{html.escape(self._live.failure.rstrip('.'))}, so takes are recorded and analysed in "
                    "Python instead.</i>"
                )
                _warm_up_analysis()
                if self._camera is not None:
                    self._preview.children = (self._camera,)
            if self._waiting_for_model and change.new in ("ready", "failed"):
                self._waiting_for_model = False
                self._begin_countdown()

    def _probe_camera(self) -> None:
        if self._pending is None:
            return
        self._set_status("probing", "Asking the browser for the camera…")
        self._probe.probe()

    def _on_probe_result(self, result: str, detail: str) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
            if self._closed or pending is None:
                return
            if result != "ok":
                problem = _messages.camera_problem(result, detail)
                self._retry_action = pending
                self._show_problem(problem.text, retry=problem.retry)
                return
            self._open_camera()
            if pending == "record":
                self._begin_countdown()

    def _retry(self) -> None:
        with self._lock:
            self._ask_for_camera(getattr(self, "_retry_action", None) or "preview")

    def _open_camera(self) -> None:
        from ipywebrtc import CameraStream

        self._release_other_cameras()
        if self._camera is None:
            self._camera = CameraStream(
                constraints=CAMERA_CONSTRAINTS,
                layout=widgets.Layout(width="320px"),
            )
            # On the browser route the live view (preview, meters) shows the camera; ipywebrtc's own view otherwise.
            self._preview.children = (self._camera,) if self._route() == _consent.KERNEL else ()
            self._probe.camera_id = self._camera.model_id  # the page guards it if the kernel goes away
            self._live.camera_id = self._camera.model_id
        self._camera_button.description = "Turn camera off"
        self._set_status("ready", "Camera on (only you see this preview). Press Record when ready.")

    def _toggle_camera(self) -> None:
        with self._lock:
            if self._camera is not None:
                if self.state == "recording":
                    self.stop()
                else:
                    self._release_camera(None)
                    self._set_status("idle", "Camera off.")
            elif self.state not in ("receiving",):
                self._ask_for_camera("preview")

    def _release_camera(self, reason: str | None) -> None:
        """Stop the camera's tracks (closing the CameraStream does that in the browser); drop a running take."""
        with self._lock:
            self._stop_clock()
            self._waiting_for_model = False
            if self._live_take is not None and self.state in ("countdown", "recording"):
                self._live.stop(self._live_take.number)
                self._live_take = None  # a take cut short by the camera going off is dropped, not analysed
            self._live.camera_id = ""
            if self._video_recorder is not None and self.state != "receiving":
                self._discard_take = True
                if self.state == "recording":
                    self._video_recorder.recording = False
                self._close_video_recorder()
            camera, self._camera = self._camera, None
            self._preview.children = ()
            self._camera_button.description = "Turn camera on"
            self._record_button.disabled = False
            self._stop_button.disabled = True
            if camera is not None:
                self._probe.camera_id = ""
                camera.close()
            if reason and self.state in ("ready", "countdown", "recording", "probing"):
                self._set_status("idle", f"Camera off. {reason}")
