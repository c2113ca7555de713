"""Jupyter widgets and a face-analysis core for teaching facial micro-expressions as movements (Action Units)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_attributes
from ._version import __version__

# Public name -> module that defines it. Loaded on first use so that `import microexp_widgets`
# stays light: MediaPipe, PyAV, pandas and the widget stack load only when something needs them.
_EXPORTS = {
    "analyze_video": ".pipeline",
    "AUTimeline": ".timeline",
    "AUEvent": ".spotting",
    "find_events": ".spotting",
    "score_intervals": ".spotting",
    "read_openface_csv": ".openface",
    "AU_TABLE": ".aus",
    "au_reference": ".aus",
    "ActionUnit": ".aus",
    "fetch_assets": ".assets",
    "sample_path": ".assets",
    "MicroexpError": ".errors",
    "VideoDecodeError": ".errors",
    "ModelUnavailableError": ".errors",
    "AssetFetchError": ".errors",
    "Recorder": ".widgets.recorder",
    "TimelineView": ".widgets.timeline_view",
    "AUFace": ".widgets.au_face",
    "FlashDrill": ".widgets.flash_drill",
    "BreathingPacer": ".widgets.pacer",
    "Replay": ".widgets.replay",
}

__all__ = ["__version__", *_EXPORTS]


__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from .assets import fetch_assets, sample_path
    from .aus import AU_TABLE, ActionUnit, au_reference
    from .errors import AssetFetchError, MicroexpError, ModelUnavailableError, VideoDecodeError
    from .openface import read_openface_csv
    from .pipeline import analyze_video
    from .spotting import AUEvent, find_events, score_intervals
    from .timeline import AUTimeline
    from .widgets.au_face import AUFace
    from .widgets.flash_drill import FlashDrill
    from .widgets.pacer import BreathingPacer
    from .widgets.recorder import Recorder
    from .widgets.replay import Replay
    from .widgets.timeline_view import TimelineView
