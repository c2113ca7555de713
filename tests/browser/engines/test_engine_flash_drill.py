"""The flash drill's exposures in every engine: 40, 200 and 500 ms requested, each displayed within one frame.

The page measures what it showed from its own animation-frame timestamps (``flash.js``); the kernel's record says
whether each flash was on time. One practice flash per exposure, answered with the mouse as a learner does.
"""

from __future__ import annotations

import json

import pytest
from browser.engines.figures import report
from browser.engines.learner import press

EXPOSURES_MS = (40, 200, 500)
DRILL = f"""
import microexp_widgets as mw
drill = mw.FlashDrill(targets=["AU04"], exposures_ms={list(EXPOSURES_MS)}, modes=("practice",),
                      trials_per_exposure=1, blank_trials=0, seed=3, hold_ms=600)
drill
"""
HEAD_SAYS = """
(n) => { const h = document.querySelector('.microexp-flash .mx-head');
  return Boolean(h && (h.textContent.includes(`flash ${n + 1} of`) || h.textContent.startsWith('Finished'))); }
"""


@pytest.fixture(scope="module")
def drill_rows(engine_notebook, engine) -> list[dict]:
    nb = engine_notebook([DRILL], name="flash_drill")
    nb.run_all()
    page = nb.page
    press(page, "Start", within=".microexp-flash")
    for trial in range(len(EXPOSURES_MS)):
        press(page, "Show the face", within=".microexp-flash")
        press(page, "Yes", within=".microexp-flash", timeout_s=15)
        press(page, "AU04 brow lowerer", within=".microexp-flash")
        page.wait_for_function(HEAD_SAYS, trial + 1, timeout=15_000)
    page.screenshot(engine.logs / "flash_drill_done.png")
    return json.loads(nb.execute("print(drill.results.to_json(orient='records'))"))


def test_each_exposure_is_displayed_within_one_frame(drill_rows, engine, record_property):
    assert sorted(row["exposure_ms"] for row in drill_rows) == sorted(EXPOSURES_MS)
    figures = {}
    for row in sorted(drill_rows, key=lambda r: r["exposure_ms"]):
        figures[f"{row['exposure_ms']}ms_shown"] = float(row["measured_ms"])
        figures["frame_ms"] = float(row["frame_ms"])
    report(engine.name, "flash drill exposures", figures, record_property)
    for row in drill_rows:
        frame = row["frame_ms"]
        assert 4 < frame < 50, f"implausible display frame period {frame} ms"
        assert abs(row["measured_ms"] - row["exposure_ms"]) <= frame, row
        assert row["on_time"] is True, row


def test_the_answers_were_taken_with_the_mouse(drill_rows):
    assert all(row["noticed"] is True and row["answer"] == "AU04 brow lowerer" for row in drill_rows), drill_rows
