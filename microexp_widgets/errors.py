"""Errors a learner can act on: each message is one plain sentence saying what happened and what to do."""

import errno

_OS_REASONS = {
    errno.EACCES: "this account has no permission there",
    errno.EPERM: "this account has no permission there",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is full",
    errno.ENAMETOOLONG: "a name in the path is too long (over 255 bytes)",
    errno.EEXIST: "a file is in the way where a folder should be",
    errno.ENOTDIR: "a file is in the way where a folder should be",
    errno.EISDIR: "that is a folder, not a file",
    errno.EROFS: "the disk is read-only",
}


def os_reason(error: OSError) -> str:
    """What an operating-system error means, in a few plain words (for the sentences below and in the widgets)."""
    return _OS_REASONS.get(error.errno) or error.strerror or str(error) or type(error).__name__


class MicroexpError(Exception):
    """Base class for the expected failures of microexp-widgets."""


class VideoDecodeError(MicroexpError):
    """The input is not a video we can read (empty, not a video, truncated, no video stream, over the limits)."""


class ModelUnavailableError(MicroexpError):
    """The face model file is missing or fails its SHA-256 check."""


class AssetFetchError(MicroexpError):
    """No source could provide an asset (model or sample clip)."""


class SaveError(MicroexpError):
    """A file the learner asked for (an anonymous drill export) could not be written; nothing half-written is left."""
