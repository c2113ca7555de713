"""Lessons 03-06 as a learner meets them in real Chromium at 1280x720, with the fake camera.

Each test opens the whole lesson (prose and code), with one cell in front that points the learner's file at a
temporary folder, runs it all, and then does what a learner does: record a take, predict, watch the replay, rate
again, press a button. Set ``MICROEXP_SCREENSHOTS`` to a folder to keep a screenshot of each activity (light and
dark theme) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
SHOTS = os.environ.get("MICROEXP_SCREENSHOTS")
TAKE_SECONDS = 3.0

# The same readiness check as the shared fixture's, for a notebook opened by navigating the page to it.
_OPENED = """
(path) => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!widget || !widget.context || widget.context.path !== path || !widget.content) return false;
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle' || kernel.connectionStatus !== 'connected') return false;
  window.__microexpPanel = widget;
  return true;
}
"""


def open_lesson(notebook, stem: str, data_dir: Path):
    """Open the whole lesson in JupyterLab at 1280x720; a first cell puts the learner's file in a temp folder."""
    nb = notebook(["pass"], name=f"opener_{stem}")
    lesson = nbformat.read(LESSONS / f"{stem}.ipynb", as_version=4)
    setup = nbformat.v4.new_code_cell(f"import os\nos.environ['MICROEXP_DATA'] = {json.dumps(str(data_dir))}")
    lesson.cells.insert(0, setup)
    nb.shutdown()
    nb.path = nb.server.root / f"{stem}_flow.ipynb"
    nbformat.write(lesson, str(nb.path))
    page = nb.page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{nb.server.url}/lab/tree/{nb.relative}?reset&token={nb.server.token}")
    page.wait_for_function(_OPENED, arg=nb.relative, timeout=90_000, polling=200)
    return nb


def button(page, name: str):
    return page.locator("button:visible").filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")).first


# A cell whose source holds the anchor is scrolled to by the notebook itself: cells far from the view are not drawn.
_SCROLL_TO_CELL = """
async (anchor) => {
  const notebook = window.__microexpPanel.content;
  const index = notebook.widgets.findIndex(cell => cell.model.sharedModel.getSource().includes(anchor));
  if (index < 0) return false;
  await notebook.scrollToItem(index, 'start');
  return true;
}
"""


def shot(page, anchor: str, name: str) -> None:
    """Scroll the text ``anchor`` to the top of the view and keep a 1280x720 screenshot if asked to."""
    for _ in range(3):  # what lies above may still grow after one scroll, as cells and widgets are drawn
        if not page.evaluate(_SCROLL_TO_CELL, anchor):
            target = page.locator(".jp-NotebookPanel:visible").get_by_text(anchor).first
            target.evaluate("el => el.scrollIntoView({block: 'start'})")
        time.sleep(0.4)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def record_a_take(page, recorder_index: int = 0, during=None) -> None:
    """Press Record (acknowledging the consent note the first time), record a few seconds, press Stop.

    ``during(page)``, when given, runs while the take is being recorded."""
    page.locator(".microexp-recorder").nth(recorder_index).locator("button", has_text="Record").click()
    consent = button(page, "I understand, start the camera")
    consent.wait_for(timeout=30_000)
    consent.click()
    page.wait_for_function(
        "(i) => /REC/.test(document.querySelectorAll('.microexp-recorder')[i].textContent)",
        arg=recorder_index,
        timeout=30_000,
    )
    started = time.monotonic()
    if during is not None:
        during(page)
    time.sleep(max(0.0, TAKE_SECONDS - (time.monotonic() - started)))
    page.locator(".microexp-recorder").nth(recorder_index).locator("button", has_text="Stop").click()


def logged_origins(nb) -> list[str]:
    text = nb.execute(
        "from microexp_widgets.lessons import practice_log\n"
        "print([e['values'].get('origin') for e in practice_log.entries() if e['kind'] == 'predict then look'])"
    )
    return eval(text.strip())  # a printed list of strings


def rate(page, form: int, nerves: int, movement: str | None = None) -> None:
    """Pick a number on the ``form``-th rating scale on show (0 = the prediction) and tick a movement."""
    scale = page.locator(".widget-toggle-buttons:visible").nth(0)
    scale.locator("button", has_text=re.compile(rf"^\s*{nerves}\s*$")).click()
    if movement:
        page.get_by_label(movement).locator("visible=true").first.check()


def theme(page, dark: bool) -> None:
    """Switch JupyterLab's theme, for the screenshots a person looks at (CI, which keeps none, stays light)."""
    if not SHOTS:
        return
    name = "JupyterLab Dark" if dark else "JupyterLab Light"
    page.evaluate("(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})", name)
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{str(not dark).lower()}'", timeout=15_000)
    time.sleep(0.5)


def predict_look_and_compare(nb, page, anchor: str, name: str, owner: str = "practice") -> None:
    """From the task: record, predict, watch the replay from the page's own frames, rate again, compare, save."""

    def no_mirror(page) -> None:
        # While the learner talks there is no picture of their face (and no meter), only the "face found" light.
        video = page.locator(".microexp-no-mirror .microexp-live-video").first
        assert video.evaluate("v => getComputedStyle(v).opacity") == "0"
        assert page.locator(".microexp-no-mirror .microexp-live-meter").count() == 0
        shot(page, "The task.", f"{name}_recording")

    record_a_take(page, during=no_mirror)
    page.get_by_text("Your take is in").first.wait_for(timeout=90_000)
    assert nb.execute(f"print({owner}.step, {owner}.view.timeline is None)").split() == ["predict", "True"]
    assert not page.locator(".microexp-replay:visible").count()  # nothing of the take before the prediction
    shot(page, "How visible were your nerves to someone watching?", f"{name}_predict")
    rate(page, 0, 6, "brows pulled down (AU04)")
    button(page, "Done: show me the replay").click()
    page.get_by_text("Now watch it as if it were a stranger's").first.wait_for(timeout=30_000)
    page.wait_for_function("() => !!document.querySelector('.microexp-replay img[src^=\"blob:\"]')", timeout=30_000)
    loaded = json.loads(nb.execute(f"import json; print(json.dumps({owner}.replay.loaded))"))
    assert loaded["kind"] == "frames" and loaded["frames"] > 20, loaded
    # Numbers only reached the kernel: the replay's frames (tens of kB each second) never did.
    received = float(nb.execute(f"print({owner}.recorder.take_figures['bytes_received'])"))
    assert received < 60_000 * TAKE_SECONDS, received
    first = page.locator(".microexp-replay img").first.get_attribute("src")
    button(page, "Play").click()
    time.sleep(1.2)
    assert page.locator(".microexp-replay img").first.get_attribute("src") != first  # it plays
    shot(page, "Now watch it as if it were a stranger's", f"{name}_look")
    shot(page, "Watching as an observer: how visible were the nerves?", f"{name}_look_rate")
    theme(page, dark=True)
    shot(page, "Now watch it as if it were a stranger's", f"{name}_look_dark")
    theme(page, dark=False)
    rate(page, 1, 3)
    button(page, "Done: put my two ratings side by side").click()
    page.get_by_text("Your two ratings, side by side").first.wait_for(timeout=30_000)
    assert logged_origins(nb) == []  # nothing is logged before Save
    shot(page, "Your two ratings, side by side", f"{name}_compare")
    theme(page, dark=True)
    shot(page, "Your two ratings, side by side", f"{name}_compare_dark")
    theme(page, dark=False)
    button(page, "Save my two ratings to my practice log").click()
    page.get_by_text("Saved in your practice log").first.wait_for(timeout=15_000)
    assert logged_origins(nb) == ["camera"]


def test_lesson_04_predict_then_look_with_the_camera_and_stop_ends_the_practice(notebook, tmp_path):
    nb = open_lesson(notebook, "04_nudging_your_own", tmp_path / "learner")
    page = nb.page
    nb.run_all(timeout_s=240)
    # After Run All only the sample clip was shown, as someone else's: nothing logged, the observer's first step.
    assert logged_origins(nb) == []
    page.get_by_text("A sample clip: someone else's face").first.wait_for(timeout=30_000)
    shot(page, "practice = PredictThenLook()", "04_after_run_all")
    assert page.locator(".microexp-live-meter").count() == 0  # no live meters anywhere in this lesson

    button(page, "Record a new take").click()
    predict_look_and_compare(nb, page, "practice = PredictThenLook()", "04")

    button(page, "Stop practising").click()
    page.get_by_text("nothing more is asked of you here").first.wait_for(timeout=15_000)
    assert nb.execute("print(practice.recorder.camera_on)").strip() == "False"
    shot(page, "practice = PredictThenLook()", "04_stopped")


def test_lesson_06_checklist_take_in_the_same_shape(notebook, tmp_path):
    nb = open_lesson(notebook, "06_putting_it_together", tmp_path / "learner")
    page = nb.page
    nb.run_all(timeout_s=240)
    page.get_by_text("A sample clip: someone else's face").first.wait_for(timeout=30_000)
    assert nb.execute("print(checklist.steps_done)").strip() == "(False, False, False)"
    shot(page, "1. Exhale.", "06_after_run_all")
    page.get_by_label("2. Soft eyes, half smile.").check()
    button(page, "Record a new take").click()
    predict_look_and_compare(nb, page, "checklist = Checklist()", "06", owner="checklist.practice")
    page.get_by_text("Pairs of ratings you saved in lessons 04 and 06: 1.").first.wait_for(timeout=15_000)
    shot(page, "Activity 2: roll with it", "06_recovery")


def test_lessons_03_and_05_start_from_the_default_and_from_empty(notebook, tmp_path):
    ledger = open_lesson(notebook, "03_make_or_break", tmp_path / "learner")
    ledger.run_all(timeout_s=120)
    page = ledger.page
    page.get_by_text("The later cues outweigh the first blip").first.wait_for(timeout=15_000)
    shot(page, "Activity: the impression ledger", "03_ledger")
    shot(page, "ledger = ImpressionLedger()", "03_ledger_rows")
    page.locator("button:visible[title='remove']").first.click()
    page.wait_for_function("() => !document.body.textContent.includes('1. a micro-grimace when you say hello')")
    button(page, "Back to the default story").click()
    page.get_by_text("1. a micro-grimace when you say hello").first.wait_for(timeout=15_000)
    shot(page, "The same arithmetic without the sliders", "03_arithmetic")

    builder = open_lesson(notebook, "05_decoding_others", tmp_path / "learner")
    builder.run_all(timeout_s=240)
    page = builder.page
    assert builder.execute("print(builder.ticked)").strip() == "((), ())"
    page.get_by_text("Nothing noticed yet").first.wait_for(timeout=15_000)
    shot(page, "Activity 1: the cue-cluster builder", "05_builder_empty")
    button(page, "Load this example").click()
    page.get_by_text("stronger, still a guess").first.wait_for(timeout=15_000)
    shot(page, "builder = CueClusterBuilder()", "05_builder_example")
