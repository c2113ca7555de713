"""Lesson 05's clip study in real Chromium: the clip plays in the notebook, and the list appears only after writing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SETUP = """
import microexp_widgets as mw
from microexp_widgets.lessons.clip_study import ClipStudy
study = ClipStudy(mw.sample_path("pexels"), credit="Sample clip: Video by Wolfgang Langer, Pexels.")
study
"""

PLAY_JS = """async () => {
  const video = document.querySelector('.jp-OutputArea video');
  video.muted = true;
  await video.play();
  await new Promise((done) => setTimeout(done, 1500));
  video.pause();
  return { time: video.currentTime, error: video.error && video.error.code, width: video.videoWidth };
}"""


def _screenshot(page, name: str) -> None:
    """Save a 1280x720 picture when MICROEXP_SCREENSHOTS names a folder (to look at, not to assert)."""
    folder = os.environ.get("MICROEXP_SCREENSHOTS")
    if folder:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_the_clip_plays_and_the_list_is_revealed_only_after_writing(notebook):
    nb = notebook([SETUP])
    nb.run_all(timeout_s=240)
    page = nb.page
    page.locator(".jp-OutputArea video").wait_for(timeout=60_000)
    played = page.evaluate(PLAY_JS)
    assert played["error"] is None and played["width"] == 640 and played["time"] > 0.5, played
    reveal = page.get_by_role("button", name="Reveal the spotted movements")
    assert reveal.is_disabled()
    assert not re.search(r"The tool spotted \d+", page.locator(".jp-OutputArea").inner_text())
    page.locator(".jp-OutputArea textarea").fill("Brows lift near the start; lip corners pull up as she talks.")
    page.locator(".jp-OutputArea textarea").press("Tab")  # the text area syncs its value when it loses focus
    page.wait_for_function(
        "() => { const b = [...document.querySelectorAll('button')].find("
        "(x) => x.textContent.includes('Reveal the spotted')); return b && !b.disabled; }",
        timeout=15_000,
    )
    _screenshot(page, "clip_study_written")
    reveal.click()
    listed = page.get_by_text(re.compile(r"The tool spotted \d+ movements"))
    listed.wait_for(timeout=30_000)
    assert nb.execute("print(study.revealed)").strip() == "True"
    listed.scroll_into_view_if_needed()
    _screenshot(page, "clip_study_revealed")
