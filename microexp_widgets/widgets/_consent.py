"""The consent note shown once per kernel before the first camera start (FAULTS.md P1)."""

from __future__ import annotations

import threading

CONSENT_TITLE = "Before your camera starts"
CONSENT_POINTS = (
    "Your video stays in this Python kernel's memory on this computer. It is never uploaded anywhere.",
    "Nothing is saved unless you save it yourself; closing the notebook or restarting the kernel forgets it.",
    "Only video is recorded, never sound. The camera turns off after every take.",
    "The analysis shows movements of your face (Action Units), not emotions: it cannot tell what you feel.",
)
CONSENT_BUTTON = "I understand, start the camera"

_lock = threading.Lock()
_given = False


def consent_given() -> bool:
    """True once the learner has acknowledged the note in this kernel."""
    return _given


def give_consent() -> None:
    """Record the learner's acknowledgement (called only from the note's button)."""
    global _given
    with _lock:
        _given = True


def reset_consent() -> None:
    """Forget the acknowledgement, so the note shows again (tests, and "delete my data")."""
    global _given
    with _lock:
        _given = False
