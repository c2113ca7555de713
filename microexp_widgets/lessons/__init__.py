"""Lesson widgets: quizzes, impression ledger, cue clusters, mirror practice, checklist and your own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

# Public name -> module. Loaded on first use so a lesson's first import stays light.
_EXPORTS = {
    "Quiz": ".quiz",
    "Choice": ".quiz",
    "quiz_for": ".quiz_bank",
    "ImpressionLedger": ".ledger",
    "Cue": ".ledger",
    "CueClusterBuilder": ".cue_cluster",
    "MirrorPractice": ".mirror",
    "TargetBand": ".take_check",
    "check_take": ".take_check",
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


__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from .checklist import Checklist
    from .cue_cluster import CueClusterBuilder
    from .ledger import Cue, ImpressionLedger
    from .memory import remember
    from .mirror import MirrorPractice
    from .my_data import MyData, delete_my_data, export_my_data
    from .practice_log import PracticeLog
    from .progress import LESSONS, LessonProgress
    from .quiz import Choice, Quiz
    from .quiz_bank import quiz_for
    from .reflection import Reflection
    from .store import data_dir
    from .take_check import TargetBand, check_take
