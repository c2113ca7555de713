"""No button, slider or label text is cut off in lessons 00-02 at 1280x720 after Run All (issue 9).

Each lesson's code cells run in real JupyterLab in Chromium (no camera take: the sample-clip cells stand in), then
every visible button and label in the outputs is measured: text wider than its box (``scrollWidth > clientWidth``)
is cut off. The recorder's own buttons are reported apart, because another part of the project owns them.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
VIEWPORT = {"width": 1280, "height": 720}
# Buttons and labels of ipywidgets and of this library's anywidgets; free-flowing HTML text wraps and is left out.
LABELS = (
    "button, .widget-label, .widget-label-basic, .widget-readout, .widget-toggle-button, "
    ".widget-dropdown select, .widget-upload"
)
_CUT_OFF_JS = """
([index, selector]) => {
  const cell = window.__microexpPanel.content.widgets[index];
  if (!cell || !cell.outputArea) return [];
  const found = [];
  for (const el of cell.outputArea.node.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push({
        text: (el.textContent || el.value || '').trim().slice(0, 60),
        shown_px: el.clientWidth,
        needs_px: el.scrollWidth,
        recorder: !!el.closest('.microexp-recorder'),
      });
    }
  }
  return found;
}
"""


def lesson_cells(stem: str, data_dir: Path) -> list[str]:
    cells = [c.source for c in nbformat.read(LESSONS / f"{stem}.ipynb", as_version=4).cells if c.cell_type == "code"]
    return [f"import os\nos.environ['MICROEXP_DATA'] = {json.dumps(str(data_dir))}", *cells]


def cut_off_labels(nb) -> list[dict]:
    """Scroll to each cell (JupyterLab lays out only what is near the screen) and measure its outputs."""
    found = []
    for index in range(nb.cell_count()):
        nb.page.evaluate("(i) => window.__microexpPanel.content.scrollToItem(i, 'start')", index)
        nb.page.wait_for_timeout(250)
        found += nb.page.evaluate(_CUT_OFF_JS, [index, LABELS])
    return found


def test_the_measure_can_fail(notebook, tmp_path):
    nb = notebook(["import ipywidgets as w\nw.Button(description='Upload a video of your own face', "
                   "layout={'width': '90px'})"], name="labels_measure")  # fmt: skip
    nb.page.set_viewport_size(VIEWPORT)
    nb.run_all()
    nb.page.locator(".widget-button").first.wait_for(timeout=30_000)
    found = cut_off_labels(nb)
    assert [f["text"] for f in found] == ["Upload a video of your own face"]


@pytest.mark.parametrize("stem", ["00_start_here", "01_blink_and_you_miss_it", "02_what_they_are"])
def test_no_label_is_cut_off_after_run_all(notebook, tmp_path, stem):
    nb = notebook(lesson_cells(stem, tmp_path / "learner"), name=f"labels_{stem}")
    nb.page.set_viewport_size(VIEWPORT)
    nb.run_all(timeout_s=400)
    found = cut_off_labels(nb)
    assert found == [], f"cut-off labels in {stem}: {found}"
