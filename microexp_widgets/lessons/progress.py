"""Lesson progress: which lessons the learner has marked done, kept in their own file."""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from . import memory, store, store_failure
from .practice_log import render_notice


@dataclass(frozen=True)
class LessonInfo:
    """One lesson of the suite: its notebook name, title and estimated minutes."""

    key: str
    title: str
    minutes: int


#: The lessons in order; keys are the notebook file names without ``.ipynb``.
LESSONS: tuple[LessonInfo, ...] = (
    LessonInfo("00_start_here", "Start here: your camera, your data", 8),
    LessonInfo("01_blink_and_you_miss_it", "Blink and you miss it", 10),
    LessonInfo("02_what_they_are", "What micro-expressions are", 18),
    LessonInfo("03_make_or_break", "Can they make or break a first impression?", 10),
    LessonInfo("04_nudging_your_own", "Nudging your own", 15),
    LessonInfo("05_decoding_others", "Decoding others without spiralling", 12),
    LessonInfo("06_putting_it_together", "Putting it all together", 15),
    LessonInfo("07_big_picture", "Tiny twitches, big picture", 10),
)
_BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def lesson_info(key: str) -> LessonInfo:
    """Return the :class:`LessonInfo` for a lesson key, raising ``ValueError`` for an unknown one."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ValueError(f"There is no lesson called {key!r}; use one of {', '.join(_BY_KEY)}.") from None


def completed() -> dict[str, str]:
    """Return ``{lesson key: ISO time it was marked done}`` from the learner's file."""
    return {k: v["done_at"] for k, v in store.load()["progress"].items() if v.get("done_at")}


def mark_done(key: str, done: bool = True) -> None:
    """Record (or un-record) that a lesson is done."""
    lesson_info(key)

    def change(data):
        if done:
            data["progress"][key] = {"done_at": store.now_iso()}
        else:
            data["progress"].pop(key, None)

    store.update(change)


class LessonProgress(widgets.VBox):
    """The suite's lessons with a tick for each one done, and a button to mark this lesson done.

    Parameters
    ----------
    lesson : str, optional
        Key of the lesson showing the widget (for example ``"03_make_or_break"``); without it the
        widget only shows the overview.
    """

    def __init__(self, lesson: str | None = None, **kwargs) -> None:
        self.lesson = lesson_info(lesson).key if lesson else None
        #: The course overview as the learner sees it (lessons done, minutes each).
        self.overview = widgets.HTML()
        self._problem = widgets.HTML()
        # Named from the start: when the store cannot be read, the button is never redrawn, yet must say what it does.
        self._button = widgets.Button(
            description="Mark this lesson done",
            icon="check",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self._button.on_click(lambda _: self.toggle())
        children = [self.overview] + ([self._button] if self.lesson else []) + [self._problem]
        super().__init__(children=children, **kwargs)
        self.refresh()
        memory.remember(self)

    def toggle(self) -> None:
        """Mark this lesson done, or not done if it already was (what the button does)."""
        if self.lesson:
            try:
                mark_done(self.lesson, self.lesson not in completed())
            except store.StoreError as error:
                self._problem.value = store_failure.sentence_html(error)
                return
            self.refresh()

    def clear(self) -> None:
        """Show no lesson done (used by "delete everything", also when it ran in another lesson)."""
        self._draw({}, notice="")

    def refresh(self) -> None:
        """Re-read the learner's file and redraw."""
        try:
            done, notice = completed(), render_notice()
        except store.StoreError as error:
            self._problem.value = store_failure.sentence_html(error)
            return
        self._draw(done, notice)

    def _draw(self, done: dict[str, str], notice: str) -> None:
        self._problem.value = notice
        rows = []
        for lesson in LESSONS:
            mark = "&#10003;" if lesson.key in done else "&#9675;"
            here = " <b>(this lesson)</b>" if lesson.key == self.lesson else ""
            rows.append(
                f"<li>{mark} {html.escape(lesson.key)}: {html.escape(lesson.title)}"
                f" <i>({lesson.minutes} min)</i>{here}</li>"
            )
        count = sum(lesson.key in done for lesson in LESSONS)
        self.overview.value = (
            f"<p><b>{count} of {len(LESSONS)} lessons done.</b> Progress is kept only in your user folder on the "
            f"computer that runs this notebook (<code>{html.escape(str(store.store_path()))}</code>).</p>"
            f"<ul style='list-style:none;padding-left:0'>{''.join(rows)}</ul>"
        )
        if self.lesson:
            is_done = self.lesson in done
            self._button.description = "Mark as not done" if is_done else "Mark this lesson done"
            self._button.button_style = "" if is_done else "success"
