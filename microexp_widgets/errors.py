"""Errors a learner can act on: each message is one plain sentence saying what happened and what to do."""


class MicroexpError(Exception):
    """Base class for the expected failures of microexp-widgets."""


class VideoDecodeError(MicroexpError):
    """The input is not a video we can read (empty, not a video, truncated, no video stream, over the limits)."""


class ModelUnavailableError(MicroexpError):
    """The face model file is missing or fails its SHA-256 check."""


class AssetFetchError(MicroexpError):
    """No source could provide an asset (model or sample clip)."""
