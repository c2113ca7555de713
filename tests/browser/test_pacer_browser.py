"""BreathingPacer in real Chromium: pressing Start runs the animation and the kernel sees finished cycles."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

SETUP = """
import microexp_widgets as mw
finished = []
pacer = mw.BreathingPacer(inhale_counts=1, exhale_counts=1, seconds_per_count=0.4, cycles=2)
pacer.on_complete(lambda p: finished.append(p.completed_cycles))
pacer
"""


def test_pacer_completes_cycles_and_reports_them_to_the_kernel(notebook):
    nb = notebook([SETUP])
    nb.run_all()
    page = nb.page
    assert "0 of 2 breaths done" in page.locator(".microexp-pacer .mx-cycles").inner_text()
    started = time.monotonic()
    page.locator(".microexp-pacer button.mx-start").click()
    page.locator(".microexp-pacer .mx-phase", has_text="Breathe out slowly").wait_for(timeout=5_000)
    page.locator(".microexp-pacer .mx-cycles", has_text="2 of 2 breaths done").wait_for(timeout=10_000)
    elapsed = time.monotonic() - started
    assert elapsed >= 1.6 - 0.1  # two cycles of 0.8 s: the browser kept time, it did not skip ahead
    out = nb.execute("print(pacer.completed_cycles, pacer.running, finished)")
    assert out.split() == ["2", "False", "[2]"]
    assert "Done" in page.locator(".microexp-pacer .mx-phase").inner_text()


def test_stop_in_the_browser_stops_the_session(notebook):
    nb = notebook([SETUP.replace("cycles=2", "cycles=50")])
    nb.run_all()
    page = nb.page
    page.locator(".microexp-pacer button.mx-start").click()
    page.locator(".microexp-pacer .mx-cycles", has_text="1 of 50 breaths done").wait_for(timeout=10_000)
    page.locator(".microexp-pacer button.mx-stop").click()
    page.locator(".microexp-pacer .mx-phase", has_text="Stopped").wait_for(timeout=5_000)
    completed, running, done = nb.execute("print(pacer.completed_cycles, pacer.running, finished)").split()
    assert int(completed) >= 1 and running == "False" and done == "[]"


def test_closing_the_view_stops_the_animation(notebook):
    """The ES module's cleanup cancels its animation frame: a pacer whose output is gone counts no more breaths."""
    nb = notebook([SETUP])
    nb.run_all()
    page = nb.page
    page.locator(".microexp-pacer button.mx-start").click()
    page.locator(".microexp-pacer .mx-phase", has_text="Breathe in").wait_for(timeout=5_000)
    page.evaluate("(i) => window.__microexpPanel.content.widgets[i].model.outputs.clear()", 0)
    page.locator(".microexp-pacer").wait_for(state="detached", timeout=5_000)
    page.wait_for_timeout(2_500)  # longer than the whole two-cycle session
    assert nb.execute("print(pacer.completed_cycles, finished)").split() == ["0", "[]"]
