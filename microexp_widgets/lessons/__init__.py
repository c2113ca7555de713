"""Lesson widgets: quizzes, impression ledger, cue clusters, predict-then-look practice, checklist and your own data."""

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
    "ClipStudy": ".clip_study",
    "PredictThenLook": ".predict_look",
    "SOFT_EYES_HALF_SMILE": ".predict_look",
    "brow_scrunch": ".take_words",
    "use_sample_if_no_take": ".take_origin",
    "movement_kinds": ".take_words",
    "two_stories": ".ledger",
    "article_scenes": ".cue_cluster",
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
    "ClipStudy",
    "PredictThenLook",
    "SOFT_EYES_HALF_SMILE",
    "brow_scrunch",
    "use_sample_if_no_take",
    "movement_kinds",
    "two_stories",
    "article_scenes",
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
    from .clip_study import ClipStudy
    from .cue_cluster import CueClusterBuilder, article_scenes
    from .ledger import Cue, ImpressionLedger, two_stories
    from .memory import remember
    from .my_data import MyData, delete_my_data, export_my_data
    from .practice_log import PracticeLog
    from .predict_look import SOFT_EYES_HALF_SMILE, PredictThenLook
    from .progress import LESSONS, LessonProgress
    from .quiz import Choice, Quiz
    from .quiz_bank import quiz_for
    from .reflection import Reflection
    from .store import data_dir
    from .take_origin import use_sample_if_no_take
    from .take_words import brow_scrunch, movement_kinds
