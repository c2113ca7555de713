"""Lesson 01 driven end to end in real Chromium with the fake camera: record, see the timeline, answer the quiz.

The lesson's own code cells are copied into a fresh notebook (the shared ``notebook`` fixture), with one cell in
front that points the learner's file at a temporary folder. Everything else is what a learner does: run the
cells, press Record, acknowledge the consent note, Stop, read the brow movement, type an answer, press Check.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from page_checks import TIMELINE_DRAWN

pytestmark = pytest.mark.browser

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "01_blink_and_you_miss_it.ipynb"
TAKE_SECONDS = 4.0


def button(page, name: str):
    return page.locator("button:visible").filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")).first


def lesson_cells() -> list[str]:
    cells = [c.source for c in nbformat.read(LESSON, as_version=4).cells if c.cell_type == "code"]
    # The no-camera fallback stays out: this test takes the camera path.
    return [c for c in cells if "use_sample" not in c]


def index_of(cells: list[str], text: str) -> int:
    return next(i for i, cell in enumerate(cells) if text in cell)


def test_lesson_01_record_read_and_answer(notebook, tmp_path):
    cells = [f"import os\nos.environ['MICROEXP_DATA'] = {json.dumps(str(tmp_path / 'learner'))}", *lesson_cells()]
    nb = notebook(cells, name="lesson01_browser")
    page = nb.page
    for i in range(index_of(cells, "brow_scrunch(recorder")):  # set-up, flash drill, recorder, timeline view
        nb.run_cell(i, timeout_s=90)

    button(page, "Record").click()
    button(page, "I understand, start the camera").click()
    page.wait_for_function(
        "() => /REC/.test(document.querySelector('.microexp-recorder .widget-html-content').textContent)",
        timeout=30_000,
    )
    time.sleep(TAKE_SECONDS)
    button(page, "Stop").click()
    page.wait_for_function(TIMELINE_DRAWN, timeout=90_000, polling=200)

    read = index_of(cells, "brow_scrunch(recorder")
    nb.run_cell(read, timeout_s=60)
    text = nb.output_text(read)
    assert re.search(r"AU0[124]: onset \d+\.\d\d s, apex \d+\.\d\d s, offset \d+\.\d\d s", text) or (
        "No whole brow movement stood out" in text
    ), text
    assert nb.execute("print(recorder.timeline.source, recorder.timeline.face_frames > 0)").split()[-1] == "True"

    quiz = index_of(cells, "quiz_for(")
    nb.run_cell(quiz, timeout_s=30)
    answer_box = page.locator(".widget-text input[type=number]:visible").last
    answer_box.fill("150")
    answer_box.press("Enter")
    button(page, "Check").click()
    page.get_by_text("Not quite.").first.wait_for(timeout=15_000)
    answer_box.fill("180")
    answer_box.press("Enter")
    button(page, "Check").click()
    page.get_by_text("Correct.").first.wait_for(timeout=15_000)
    record = nb.execute(
        "from microexp_widgets.lessons import store\nprint(store.load()['quiz']['01.duration'])"
    ).strip()
    assert record.startswith("{") and "'attempts': 2" in record and "'correct': True" in record, record
