"""A tiny companion widget that asks the browser for the camera and reports how that went (docs/faults.md B1-B4)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets
from ipywidgets import CallbackDispatcher


class CameraAccess(anywidget.AnyWidget):
    """Probe the camera in the browser: ``getUserMedia({video: true, audio: false})``, then stop its tracks at once.

    Call :meth:`probe`; when the browser answers, ``result`` is ``"ok"`` or the error's name (``"NotAllowedError"``,
    ``"NotFoundError"``, ``"NotReadableError"``, or ``"NoMediaDevices"`` when the page cannot use cameras at all) and
    the callbacks registered with :meth:`on_result` are called with ``(result, detail)``.
    """

    _esm = Path(__file__).with_name("camera_access.js")
    # The Recorder, which makes one CameraAccess each, is built of ipywidgets, which have no stylesheet of their own:
    # its CSS rides here, loaded once per page when this widget's model arrives (not on every render).
    _css = Path(__file__).with_name("recorder.css")

    request_id = traitlets.Int(0, help="Raised by Python to ask for a probe.").tag(sync=True)
    """Type: int. Default: 0. Each increase asks the browser for one probe."""
    answered_id = traitlets.Int(0, help="The request the browser answered last.").tag(sync=True)
    """Type: int. Default: 0. Set by the browser to the ``request_id`` it answered."""
    result = traitlets.Unicode("", help="'ok' or the getUserMedia error name.").tag(sync=True)
    """Type: str. Default: ''. ``"ok"`` or the error name of the last probe."""
    detail = traitlets.Unicode("", help="The browser's own error message, if any.").tag(sync=True)
    """Type: str. Default: ''. The browser's message for the last failed probe."""
    recordable = traitlets.List(
        traitlets.Unicode(), ["webm"], help="Containers the browser's MediaRecorder can write, preferred first."
    ).tag(sync=True)
    """Type: list of str. Default: ``["webm"]`` until the browser answers a probe; ``["mp4"]`` in Safari and WebKit,
    ``[]`` where the browser cannot record video at all."""
    camera_id = traitlets.Unicode("", help="Model id of the CameraStream to guard, or ''.").tag(sync=True)
    """Type: str. Default: ''. While set, the page stops that camera's tracks if the kernel restarts or dies, or
    when this widget leaves the page (its output was cleared or the notebook closed)."""
    token = traitlets.Unicode(help="Identifies this probe's views in the page.").tag(sync=True)
    """Type: str. A random id, so the page can count this widget's views."""

    @traitlets.default("token")
    def _token(self) -> str:
        return uuid.uuid4().hex

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._dispatcher = CallbackDispatcher()

    def probe(self) -> None:
        """Ask the browser to try the camera; the answer arrives through :meth:`on_result`."""
        self.request_id += 1

    def on_result(self, callback: Callable[[str, str], object], remove: bool = False) -> None:
        """Register ``callback(result, detail)`` for every answered probe (``remove=True`` unregisters it)."""
        self._dispatcher.register_callback(callback, remove=remove)

    @traitlets.observe("answered_id")
    def _answered(self, change) -> None:
        if change.new and change.new == self.request_id:
            self._dispatcher(self.result, self.detail)
