"""Lesson widgets: quizzes, impression ledger, cue clusters, mirror practice, checklist and your own data."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

# Public name -> module. Loaded on first use so a lesson's first import stays light.
_EXPORTS = {
    "Quiz": ".quiz",
    "Choice": ".quiz",
    "quiz_for": ".quiz_bank",
    "ImpressionLedger": ".ledger",
    "Cue": ".ledger",
    "CueClusterBuilder": ".cue_cluster",
    "MirrorPractice": ".mirror",
    "TargetBand": ".mirror",
    "check_take": ".mirror",
    "Checklist": ".checklist",
    "LessonProgress": ".progress",
    "LESSONS": ".progress",
    "PracticeLog": ".practice_log",
    "Reflection": ".reflection",
    "MyData": ".my_data",
    "export_my_data": ".my_data",
    "delete_my_data": ".my_data",
    "remember": ".memory",
    "data_dir": ".store",
}

__all__ = [
    "Quiz",
    "Choice",
    "quiz_for",
    "ImpressionLedger",
    "Cue",
    "CueClusterBuilder",
    "MirrorPractice",
    "TargetBand",
    "check_take",
    "Checklist",
    "LessonProgress",
    "LESSONS",
    "PracticeLog",
    "Reflection",
    "MyData",
    "export_my_data",
    "delete_my_data",
    "remember",
    "data_dir",
]


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'microexp_widgets.lessons' has no attribute {name!r}") from None
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from .checklist import Checklist
    from .cue_cluster import CueClusterBuilder
    from .ledger import Cue, ImpressionLedger
    from .memory import remember
    from .mirror import MirrorPractice, TargetBand, check_take
    from .my_data import MyData, delete_my_data, export_my_data
    from .practice_log import PracticeLog
    from .progress import LESSONS, LessonProgress
    from .quiz import Choice, Quiz
    from .quiz_bank import quiz_for
    from .reflection import Reflection
    from .store import data_dir
