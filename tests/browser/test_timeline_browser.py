"""TimelineView in real Chromium at 1280x720 with the real Pexels sample (19.7 s, 24 movements).

One view is shown empty before the take and filled afterwards; another is made from the finished timeline (issue 9:
that one used to draw a 0 px figure) and shown twice; then the page is reloaded. Every figure must draw
its lanes and traces, and no two pieces of text in a figure may overlap, measured on the rendered SVG.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}
# Where to keep the screenshots for a person to look at (the README's picture is one of them); a temp folder if unset.
SHOTS_ENV = "MICROEXP_SCREENSHOTS"

CELLS = [
    "import microexp_widgets as mw\nfrom microexp_widgets.assets import sample_path",
    "before = mw.TimelineView()\nbefore",
    "take = mw.analyze_video(sample_path('pexels'))\nbefore.timeline = take\nprint(len(take.events), 'movements')",
    "after = mw.TimelineView(take)\nafter",
    "after",
]
BEFORE, AFTER, AFTER_AGAIN = 0, 1, 2  # the views in page order

# What one view's figure shows: its height, drawn bars and lines, title, and every visible text box in its SVG.
_FIGURE_JS = """
(index) => {
  const view = document.querySelectorAll('.microexp-timeline-view')[index];
  if (!view) return null;
  const plot = view.querySelector('.js-plotly-plot');
  if (!plot) return null;
  const rect = plot.getBoundingClientRect();
  const texts = [];
  for (const t of plot.querySelectorAll('svg text')) {
    const text = t.textContent.trim();
    if (!text || t.closest('.hoverlayer')) continue;
    const r = t.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const style = getComputedStyle(t);
    if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) continue;
    texts.push({text, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom});
  }
  const title = plot.querySelector('.gtitle');
  return {
    height: rect.height, width: rect.width,
    bars: plot.querySelectorAll('.barlayer .point path').length,
    lines: [...plot.querySelectorAll('.scatterlayer .js-line')]
      .filter(p => (p.getAttribute('d') || '').length > 20).length,
    title: title ? title.textContent : '',
    texts,
  };
}
"""


def overlapping(texts: list[dict], slack_px: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of text boxes that overlap by more than ``slack_px`` in both directions."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            tall = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if wide > slack_px and tall > slack_px:
                pairs.append((a["text"], b["text"]))
    return pairs


def test_overlap_measure_can_fail():
    boxes = [
        {"text": "micro", "x0": 0, "x1": 30, "y0": 0, "y1": 12},
        {"text": "macro", "x0": 25, "x1": 55, "y0": 2, "y1": 14},
        {"text": "AU12", "x0": 60, "x1": 80, "y0": 0, "y1": 12},
    ]
    assert overlapping(boxes) == [("micro", "macro")]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get(SHOTS_ENV)
    path = Path(folder) if folder else tmp_path_factory.mktemp("timeline-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def lab(module_notebook):
    nb = module_notebook(CELLS, name="timeline_views")
    nb.page.set_viewport_size(VIEWPORT)
    nb.run_all(timeout_s=240)
    assert "24 movements" in nb.output_text(2) or "movements" in nb.output_text(2), nb.output_text(2)
    return nb


def figure_of(nb, index: int) -> dict:
    """Scroll the view into sight, wait until its figure has lanes and traces, and measure it."""
    page = nb.page
    page.locator(".microexp-timeline-view").nth(index).scroll_into_view_if_needed()
    page.mouse.move(1, 1)  # no hover label in the way
    try:
        page.wait_for_function(
            f"() => {{ const f = ({_FIGURE_JS})({index}); return f && f.bars > 0 && f.lines > 0 && f.height > 300; }}",
            timeout=90_000,
            polling=500,
        )
    except Exception as error:
        figure = page.evaluate(_FIGURE_JS, index)
        summary = None if figure is None else {k: v for k, v in figure.items() if k != "texts"}
        raise AssertionError(f"view {index} did not draw: {summary}; console: {nb.console[-10:]}") from error
    return page.evaluate(_FIGURE_JS, index)


def screenshot(nb, index: int, dest: Path) -> None:
    nb.page.locator(".microexp-timeline-view").nth(index).locator(".js-plotly-plot").screenshot(path=str(dest))


@pytest.mark.parametrize(("index", "name"), [(BEFORE, "shown-before"), (AFTER, "made-after"), (AFTER_AGAIN, "twice")])
def test_every_view_draws_lanes_and_traces_with_no_text_on_text(lab, shots, index, name):
    figure = figure_of(lab, index)
    screenshot(lab, index, shots / f"timeline-{name}.png")
    lab.page.screenshot(path=str(shots / f"page-{name}.png"))
    assert " movements in WolfgangLanger_Pexels.mp4: " in figure["title"], figure["title"]
    assert figure["bars"] >= 24, "one bar per movement, at least"
    assert 1 <= figure["lines"] <= 4, "only the picked traces are drawn"
    assert figure["width"] > 800, "the figure should use the notebook's width at 1280x720"
    texts = [t["text"] for t in figure["texts"]]
    assert "micro" in texts and "macro" in texts and "cut off" in texts
    assert any(t.startswith("AU06") or t.startswith("AU12") for t in texts)
    assert overlapping(figure["texts"]) == []


def test_clicking_a_bar_picks_its_movement_and_shows_its_trace(lab, shots):
    figure_of(lab, AFTER)
    page = lab.page
    bar = page.locator(".microexp-timeline-view").nth(AFTER).locator(".barlayer .trace").nth(2).locator(".point")
    bar.first.click(force=True)
    lab.wait_for_kernel_value("after.selected >= 0", "True", timeout_s=30)
    out = lab.execute("e = after.timeline.events[after.selected]\nprint(e.kind, e.au in after.traces)").split()
    assert out[-1] == "True", out
    figure = figure_of(lab, AFTER)
    assert overlapping(figure["texts"]) == []
    screenshot(lab, AFTER, shots / "timeline-picked.png")


def test_the_toolbar_that_shows_on_hover_leaves_the_title_clear(lab):
    figure_of(lab, AFTER)
    plot = lab.page.locator(".microexp-timeline-view").nth(AFTER).locator(".js-plotly-plot")
    plot.hover(position={"x": 40, "y": 12})  # on the title's line, where a learner's pointer often rests
    modebar = plot.locator(".modebar")
    modebar.wait_for(state="visible", timeout=10_000)
    boxes = [
        {"text": "title", **_box(plot.locator(".gtitle").bounding_box())},
        {"text": "toolbar", **_box(modebar.bounding_box())},
    ]
    assert overlapping(boxes) == [], boxes


def _box(rect: dict) -> dict:
    return {"x0": rect["x"], "x1": rect["x"] + rect["width"], "y0": rect["y"], "y1": rect["y"] + rect["height"]}


def test_a_reloaded_page_draws_the_views_again(lab):
    lab.save()  # the outputs that hold the views come back from the file; their widgets from the running kernel
    lab.page.reload()
    lab.page.wait_for_function(
        "() => document.querySelectorAll('.microexp-timeline-view .js-plotly-plot').length >= 3", timeout=90_000
    )
    for index in (BEFORE, AFTER, AFTER_AGAIN):
        figure = figure_of(lab, index)
        assert figure["bars"] >= 24 and overlapping(figure["texts"]) == []
