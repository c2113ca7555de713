"""The consent note shown before the first camera start (docs/faults.md P1), true to where the video goes (P5, P6).

On the browser route the face is analysed in the page and only numbers reach the kernel; where the page cannot run the
face model, the kernel route sends the take's video to the machine that runs the kernel, and the note says so before
that route is first used.
"""

from __future__ import annotations

import os
import threading

CONSENT_TITLE = "Before your camera starts"
CONSENT_BUTTON = "I understand, start the camera"
BROWSER = "browser"
KERNEL = "kernel"

_COMMON = (
    "Nothing is saved unless you save it yourself; closing the notebook or restarting the kernel forgets it.",
    "Only video is recorded, never sound. The camera turns off after every take.",
    "The analysis shows movements of your face (Action Units), not emotions: it cannot tell what you feel.",
)
BROWSER_POINTS = (
    "Your face is analysed inside this browser tab: the video and any picture of your face never leave it.",
    "Only numbers reach Python: for each frame, its time, 52 movement scores and where the face is in the picture.",
    *_COMMON,
)
CONSENT_POINTS = BROWSER_POINTS  # the route every browser that can run the face model takes

_lock = threading.Lock()
_given: set[str] = set()


def where_the_kernel_runs() -> str:
    """``"the server that runs this notebook"`` on Binder or a JupyterHub, else ``"this computer"``."""
    hosted = os.environ.get("BINDER_SERVICE_HOST") or os.environ.get("JUPYTERHUB_USER")
    return "the server that runs this notebook" if hosted else "this computer"


def kernel_points() -> tuple[str, ...]:
    """The note for the kernel route: the take's video itself goes to the machine that runs the kernel."""
    where = where_the_kernel_runs()
    return (
        f"This browser cannot analyse your face itself, so each take's video is sent to Python on {where} and "
        "analysed there, in memory only.",
        *_COMMON,
    )


def consent_points(route: str = BROWSER) -> tuple[str, ...]:
    return kernel_points() if route == KERNEL else BROWSER_POINTS


def consent_given(route: str = BROWSER) -> bool:
    """True once the learner has acknowledged the note for ``route`` in this kernel.

    Agreeing to the kernel route (the video goes to Python) covers the browser route too, which shares less.
    """
    return route in _given or KERNEL in _given


def give_consent(route: str = BROWSER) -> None:
    """Record the learner's acknowledgement (called only from the note's button)."""
    with _lock:
        _given.add(route)


def reset_consent() -> None:
    """Forget every acknowledgement, so the note shows again (tests, and "delete my data")."""
    with _lock:
        _given.clear()
