"""Plain messages for what can go wrong with the camera (docs/faults.md B1-B5), each with what to do next."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraProblem:
    """What happened, in one sentence, and what the learner can do about it."""

    fault: str  # the docs/faults.md row, e.g. "B2"
    text: str
    retry: bool  # whether a "try again" button makes sense

    def __str__(self) -> str:
        return self.text


NO_MEDIA_DEVICES = "NoMediaDevices"  # the companion widget's name for "navigator.mediaDevices is missing"

_SAMPLE_HINT = "Meanwhile you can use a sample clip or upload a video file."

_PROBLEMS = {
    NO_MEDIA_DEVICES: CameraProblem(
        "B1",
        "The browser only lets a page use the camera over HTTPS or on localhost, and this page is neither. "
        "Open JupyterLab through https:// or on http://localhost, or use a sample clip or upload a video file.",
        retry=False,
    ),
    "NotAllowedError": CameraProblem(
        "B2",
        "The browser was told not to let this page use the camera. Click the camera or lock icon in the address "
        "bar, allow the camera for this site, then press Try again. " + _SAMPLE_HINT,
        retry=True,
    ),
    "NotFoundError": CameraProblem(
        "B3",
        "No camera was found on this computer. Plug one in and press Try again, "
        "or use a sample clip or upload a video file instead.",
        retry=True,
    ),
    "NotReadableError": CameraProblem(
        "B4",
        "The camera is busy: another program or browser tab is using it. Close that program (video calls, other "
        "notebooks), then press Try again. " + _SAMPLE_HINT,
        retry=True,
    ),
}
# Browsers use a few other names for the same situations.
_ALIASES = {
    "PermissionDeniedError": "NotAllowedError",
    "SecurityError": "NotAllowedError",
    "DevicesNotFoundError": "NotFoundError",
    "OverconstrainedError": "NotFoundError",
    "TrackStartError": "NotReadableError",
    "AbortError": "NotReadableError",
}

TOO_SHORT = "That take was too short (under half a second), so nothing was analysed: too short, try again."
EMPTY_TAKE = "The browser sent an empty recording, so nothing was analysed: too short, try again."
CANNOT_RECORD = (
    "This browser can neither run the face model nor record video, so a camera take cannot be made here: "
    "use a sample clip or upload a video file."
)
TAKE_FAILED = (
    "Something went wrong while the take's numbers arrived, so the take was ended and nothing of it was kept: "
    "press Record to try again."
)
NO_TRANSFER = (
    "The recording did not reach Python. Check that the kernel is running (not busy with another cell), then try again."
)


def camera_problem(error_name: str, detail: str = "") -> CameraProblem:
    """The plain message for a ``getUserMedia`` error name (``NotAllowedError`` ...)."""
    name = _ALIASES.get(error_name, error_name)
    if name in _PROBLEMS:
        return _PROBLEMS[name]
    said = f" (the browser said: {detail})" if detail else ""
    return CameraProblem(
        "",
        f"The camera could not start{said}. Reload the page and try again, "
        "or use a sample clip or upload a video file.",
        retry=True,
    )


def too_many_frames(max_seconds: float, budget: int) -> str:
    """The page sent more frames than a take can hold (docs/faults.md K1)."""
    return (
        f"The page sent more frames than a {max_seconds:g} s take can hold ({budget:,} frames), so the take was ended "
        "and nothing of it was kept: reload the page, then press Record to try again."
    )


def dropped_messages(count: int) -> str:
    """Messages from the page that could not be read during a take (docs/faults.md K3)."""
    plural = "message" if count == 1 else "messages"
    return f"{count} {plural} from the page could not be read and {'was' if count == 1 else 'were'} dropped."
