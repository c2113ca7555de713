"""The learner's own data in real Chromium: downloads reach the browser as blobs, and a delete reaches other lessons.

FAULTS L4 (delete everything, here across kernels) and L5 (exports as private as the store: made in memory and
handed to the browser, never served from the data folder).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SECRET = "my reflection that only I should see 41c9"
SHOTS = Path(tempfile.gettempdir()) / "microexp-screenshots"  # 1280x720 views of what the learner sees


def _set_data(folder: Path) -> str:
    return f"import os\nos.environ['MICROEXP_DATA'] = {json.dumps(str(folder))}"


def _button(page, name: str):
    return page.locator("button:visible").filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")).first


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_L5_downloads_reach_the_browser_as_blobs_and_nothing_is_served(notebook, tmp_path):
    folder = tmp_path / "learner"
    nb = notebook(
        [
            _set_data(folder),
            "from microexp_widgets.lessons import MyData, practice_log\n"
            f"entry = practice_log.add_entry('07_big_picture', 'reflection', '=1+2 ' + {SECRET!r})",
            "MyData()",
        ],
        name="my_data_download",
    )
    nb.run_all(timeout_s=90)
    page = nb.page
    with page.expect_download(timeout=30_000) as csv_download:
        _button(page, "Download my practice log (CSV)").click()
    csv_file = csv_download.value
    assert csv_file.suggested_filename == "microexp-practice-log.csv"
    assert csv_file.url.startswith("blob:")
    text = Path(csv_file.path()).read_text(encoding="utf-8")
    assert "'=1+2 " + SECRET in text and text.startswith("time,lesson,kind,summary,values")

    with page.expect_download(timeout=30_000) as html_download:
        _button(page, "Download my summary (HTML)").click()
    html_file = html_download.value
    assert html_file.suggested_filename == "microexp-summary.html" and html_file.url.startswith("blob:")
    assert SECRET in Path(html_file.path()).read_text(encoding="utf-8")

    _shot(page, "my_data_download")
    asked = [url for url in nb.requests if url.startswith("http") and "microexp-" in url]
    assert asked == []  # nothing fetched from the server: the file came in the widget message
    assert sorted(p.name for p in folder.iterdir()) == ["learner.sqlite"]  # nothing new written


def test_L4_delete_in_one_lesson_clears_the_practice_log_open_in_another(notebook, tmp_path):
    folder = tmp_path / "learner"
    other = notebook(
        [
            _set_data(folder),
            "from microexp_widgets.lessons import PracticeLog, practice_log\n"
            f"entry = practice_log.add_entry('04_nudging_your_own', 'reflection', {SECRET!r})",
            "log = PracticeLog()\nlog",
        ],
        name="lesson_with_log",
    )
    other.run_all(timeout_s=90)
    other.page.locator(".jp-OutputArea").get_by_text(SECRET).first.wait_for(timeout=30_000)

    here = notebook([_set_data(folder), "from microexp_widgets.lessons import MyData\nMyData()"], name="lesson_07")
    here.run_all(timeout_s=90)
    _button(here.page, "Delete everything I recorded").click()
    _button(here.page, "Yes, delete it all").click()
    here.page.get_by_text("Deleted your practice log").first.wait_for(timeout=30_000)
    _shot(here.page, "delete_here")

    # The other kernel's watcher notices within a few seconds, with no cell run there.
    other.page.get_by_text("Your practice log was deleted").first.wait_for(timeout=30_000)
    assert other.page.locator(".jp-OutputArea").get_by_text(SECRET).count() == 0  # (the cell's code still has it)
    _shot(other.page, "delete_elsewhere")
    state = other.execute(
        "import json\nfrom ipywidgets.widgets.widget import _instances\n"
        f"print({SECRET!r} in json.dumps([w.get_state() for w in list(_instances.values())], default=str))"
    )
    assert state.strip() == "False"
    # The store is emptied in place, never removed under the other kernel (docs/faults.md L7): none of the text stays.
    assert SECRET.encode() not in (folder / "learner.sqlite").read_bytes()


def test_lesson_07_reflection_shows_in_the_log_in_local_words_on_one_line(notebook, tmp_path):
    import nbformat

    lesson = Path(__file__).resolve().parents[2] / "lessons" / "07_big_picture.ipynb"
    cells = [c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    nb = notebook([_set_data(tmp_path / "learner"), *cells], name="lesson_07_data")
    nb.run_all(timeout_s=120)
    page = nb.page
    page.locator(".jp-OutputArea textarea").first.fill("Breathe out before the meeting, " + SECRET)
    _button(page, "Save to my practice log").first.click()
    page.get_by_text("Saved:").first.wait_for(timeout=30_000)
    _button(page, "Refresh").first.click()
    cell = page.locator(".jp-OutputArea td").filter(has_text=re.compile(r"^today \d\d:\d\d$")).first
    cell.wait_for(timeout=30_000)
    cell.evaluate("el => el.scrollIntoView({block: 'center'})")
    _shot(page, "lesson_07_log")
    lines = cell.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
    )
    assert lines == 1
