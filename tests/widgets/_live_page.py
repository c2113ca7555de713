"""Driving a Recorder as its page would: the camera check's answer and the face model's messages, no browser."""

from __future__ import annotations

import numpy as np

from microexp_widgets.widgets.recorder import Recorder


def browser_answers_probe(rec: Recorder, result: str = "ok", detail: str = "") -> None:
    rec.camera_check.set_state({"answered_id": rec.camera_check.request_id, "result": result, "detail": detail})


def page_cannot_run_the_model(rec: Recorder) -> None:
    """What a browser without WebAssembly SIMD reports: the recorder then takes the kernel route (FAULTS P6)."""
    rec._live.set_state({"model_state": "failed", "failure": "This browser cannot run the face model (no SIMD)"})


def camera_ready(rec: Recorder, route: str = "kernel") -> None:
    """Click Record, acknowledge the note, and let the browser grant the camera."""
    if route == "kernel":
        page_cannot_run_the_model(rec)
    else:
        rec._live.set_state({"model_state": "ready"})
    rec.start()
    rec.consent_button.click()
    browser_answers_probe(rec)


def page_sends(rec: Recorder, message, rows: np.ndarray | None = None, buffers: list | None = None) -> None:
    """One message from the page to the kernel's handler, with ``rows`` as its one buffer (or ``buffers``)."""
    if buffers is None:
        buffers = [] if rows is None else [rows.tobytes()]
    rec._live._on_page_message(rec._live, message, buffers)
