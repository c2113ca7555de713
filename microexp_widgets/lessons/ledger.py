"""The impression ledger (lesson 03): a first blip, then later cues; how much does the blip still weigh?

A teaching toy, not a research model: each cue adds ``points`` (negative for an off-putting cue) times
how much the learner says it counts (``weight``), and every later cue counts ``fade`` times as much as
the one before, so order matters the way "first impressions" suggest. The impression is always the learner's of
the other person in the article's scene: the grimace is hers, the impression yours.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

import ipywidgets as widgets
import traitlets


@dataclass(frozen=True)
class Cue:
    """One thing that happens in the meeting.

    Attributes
    ----------
    key : str
        Short identifier.
    label : str
        What happened, in plain words.
    points : float
        How pleasant (positive) or off-putting (negative) it is, from -3 to +3.
    weight : float
        How much it counts for the impression, from 0 (ignored) to 2 (counts double).
    """

    key: str
    label: str
    points: float
    weight: float = 1.0


#: The article's house-party scene: a micro-grimace, then a polite smile, then the cues that outweigh it.
#: With the default fade the story ends warm (+1.26) and the grimace is 41% of the evidence, which is what
#: lesson 03's quiz teaches: the blip starts you a few points down, and the later cues outweigh it.
DEFAULT_CUES: tuple[Cue, ...] = (
    Cue("grimace", "a micro-grimace when you say hello", -3),
    Cue("smile", "then a polite smile", 1),
    Cue("neutral", "neutral chat about the weather", 0),
    Cue("jokes", "shared jokes, laughing together", 3),
    Cue("music", "you love the same music", 3),
)

#: How much each later cue counts compared with the one before, unless the learner changes it.
DEFAULT_FADE = 0.85

# Within this many points of zero the later cues have about evened out the first blip.
_EVEN = 0.5


@dataclass(frozen=True)
class LedgerResult:
    """The arithmetic of one ledger.

    Attributes
    ----------
    contributions : tuple of float
        Each cue's signed contribution, in order: ``points * weight * fade ** position``.
    running : tuple of float
        The impression after each cue (running sum of contributions).
    total : float
        The impression after all cues.
    focus_share : float or None
        The focus cue's share of all evidence, ``|its contribution| / sum of |contributions|``
        (1.0 when nothing else counts; ``None`` when the focus cue is absent or nothing counts).
    """

    contributions: tuple[float, ...]
    running: tuple[float, ...]
    total: float
    focus_share: float | None


def tally(cues: Sequence[Cue], fade: float = DEFAULT_FADE, focus: str = "grimace") -> LedgerResult:
    """Add up a sequence of cues.

    Parameters
    ----------
    cues : sequence of Cue
        In the order they happen.
    fade : float
        Each cue counts ``fade`` times as much as the one before (0 < fade <= 1);
        1 means order does not matter.
    focus : str
        Key of the cue whose share is reported (the first blip).
    """
    if not 0 < fade <= 1:
        raise ValueError(f"fade must be above 0 and at most 1, not {fade}.")
    contributions = tuple(c.points * c.weight * fade**i for i, c in enumerate(cues))
    running, total = [], 0.0
    for value in contributions:
        total += value
        running.append(total)
    evidence = sum(abs(v) for v in contributions)
    share = None
    for cue, value in zip(cues, contributions, strict=True):
        if cue.key == focus and evidence > 0:
            share = abs(value) / evidence
    return LedgerResult(contributions, tuple(running), total, share)


def _bar(value: float, scale: float) -> str:
    """A horizontal bar around a centre line: left of centre is cooler, right is warmer."""
    half = 0.0 if scale == 0 else min(50.0, abs(value) / scale * 50)
    left = 50 - half if value < 0 else 50
    colour = "#b35806" if value < 0 else "#1b7837"
    return (
        "<div style='position:relative;width:16em;height:0.9em;background:#eee'>"
        f"<div style='position:absolute;left:{left:.0f}%;width:{half:.0f}%;height:100%;"
        f"background:{colour}'></div>"
        "<div style='position:absolute;left:50%;width:1px;height:100%;background:#333'></div></div>"
    )


def render(cues: Sequence[Cue], result: LedgerResult) -> str:
    """Render the ledger as an HTML table (labels escaped: learners can add their own cues)."""
    scale = max([abs(v) for v in result.running] + [1.0])
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{html.escape(c.label)}</td><td style='text-align:right'>{v:+.2f}</td>"
        f"<td style='text-align:right'>{r:+.2f}</td><td>{_bar(r, scale)}</td></tr>"
        for i, (c, v, r) in enumerate(zip(cues, result.contributions, result.running, strict=True))
    )
    if result.focus_share is None:
        share = "The first blip is not in the ledger."
    else:
        share = f"The micro-grimace is <b>{result.focus_share:.0%}</b> of all the evidence so far."
    return (
        "<table><thead><tr><th>#</th><th style='text-align:left'>cue</th><th>adds</th><th>impression</th>"
        f"<th>(left: cooler, right: warmer)</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p>Your impression of her after all cues: <b>{result.total:+.2f}</b> points. {verdict(result)} {share}</p>"
    )


def verdict(result: LedgerResult) -> str:
    """One sentence on where the impression ends, and whether the later cues outweigh the first blip."""
    if result.focus_share is None:
        if result.total > _EVEN:
            return "The impression ends on the warm side."
        return "The impression ends on the cool side." if result.total < -_EVEN else "The impression ends about even."
    if result.total > _EVEN:
        return "The later cues outweigh the first blip: your impression of her ends on the warm side."
    if result.total < -_EVEN:
        return "The first blip still outweighs what came after: your impression of her stays a few points down."
    return "The later cues have about evened out the first blip, but not outweighed it."


def two_stories() -> str:
    """Lesson 03: the default party and the neutral-chat version, always from the default story, in two lines each."""
    lines = []
    for name, cues in (
        ("The default party", DEFAULT_CUES),
        ("Neutral chat only", [cue for cue in DEFAULT_CUES if cue.key in ("grimace", "smile", "neutral")]),
    ):
        result = tally(cues)
        lines.append(f"{name}: {result.total:+.2f} points; the grimace is {result.focus_share:.0%} of the evidence.")
        lines.append(f"    {verdict(result)}")
    return "\n".join(lines)


class ImpressionLedger(widgets.VBox):
    """Interactive ledger: change each cue's points, weight and order; add your own cues.

    Parameters
    ----------
    cues : sequence of Cue, optional
        Starting cues (default: the article's house party, :data:`DEFAULT_CUES`).
    fade : float
        How much each later cue counts compared with the one before (see :func:`tally`).
    """

    fade = traitlets.Float(
        DEFAULT_FADE, help="How much each later cue counts compared with the one before (the fade slider's value)."
    )

    def __init__(self, cues: Sequence[Cue] | None = None, fade: float = DEFAULT_FADE, **kwargs) -> None:
        self.cues: list[Cue] = list(DEFAULT_CUES if cues is None else cues)
        self._start = (tuple(self.cues), fade)
        self._fade = widgets.FloatSlider(
            value=fade,
            min=0.5,
            max=1.0,
            step=0.05,
            description="fade",
            tooltip="each later cue counts this much of the one before (1 = order does not matter)",
        )
        self._fade.observe(lambda _: self.refresh(), "value")
        self._rows = widgets.VBox()
        self._new_label = widgets.Text(placeholder="your own cue, e.g. 'asks about your day'")
        self._new_points = widgets.IntSlider(value=1, min=-3, max=3, description="points")
        add = widgets.Button(description="Add cue", icon="plus")
        add.on_click(lambda _: self.add(self._new_label.value, self._new_points.value))
        reset = widgets.Button(
            description="Back to the default story", icon="undo", layout=widgets.Layout(width="auto")
        )
        reset.on_click(lambda _: self.reset())
        #: The ledger's arithmetic as the learner sees it.
        self.table = widgets.HTML()
        fade_help = widgets.HTML(
            "<small>fade: how much each later cue counts compared with the one before "
            "(1.0 = order does not matter).</small>"
        )
        super().__init__(
            children=[
                self._rows,
                widgets.HBox([self._new_label, self._new_points, add]),
                self._fade,
                fade_help,
                self.table,
                widgets.HBox([reset]),  # a box of its own keeps the button its natural width
            ],
            **kwargs,
        )
        traitlets.link((self._fade, "value"), (self, "fade"))
        self._build_rows()

    def result(self) -> LedgerResult:
        """Return the arithmetic for the current cues (see :func:`tally`)."""
        return tally(self.cues, self.fade)

    def move(self, index: int, step: int) -> None:
        """Move cue ``index`` earlier (``step`` < 0) or later (``step`` > 0)."""
        target = max(0, min(len(self.cues) - 1, index + step))
        cue = self.cues.pop(index)
        self.cues.insert(target, cue)
        self._build_rows()

    def set_cue(self, index: int, *, points: float | None = None, weight: float | None = None) -> None:
        """Change a cue's points or weight."""
        cue = self.cues[index]
        self.cues[index] = replace(
            cue,
            points=cue.points if points is None else points,
            weight=cue.weight if weight is None else weight,
        )
        self._build_rows()

    def add(self, label: str, points: float, weight: float = 1.0) -> None:
        """Append a cue of the learner's own (an empty label is ignored)."""
        label = label.strip()
        if label:
            self.cues.append(Cue(f"own{len(self.cues)}", label, points, weight))
            self._new_label.value = ""
            self._build_rows()

    def remove(self, index: int) -> None:
        """Drop a cue."""
        del self.cues[index]
        self._build_rows()

    def reset(self) -> None:
        """Undo every change: the starting cues, in their order, with the starting fade."""
        cues, fade = self._start
        self.cues = list(cues)
        with self._fade.hold_trait_notifications():
            self._fade.value = fade
        self._build_rows()

    def refresh(self) -> None:
        """Redraw the table from the current cues."""
        self.table.value = render(self.cues, self.result())

    def _build_rows(self) -> None:
        rows, self.sliders = [], []
        for i, cue in enumerate(self.cues):
            up = widgets.Button(icon="arrow-up", layout=widgets.Layout(width="2.5em"), tooltip="earlier")
            down = widgets.Button(icon="arrow-down", layout=widgets.Layout(width="2.5em"), tooltip="later")
            drop = widgets.Button(icon="trash", layout=widgets.Layout(width="2.5em"), tooltip="remove")
            # Narrow sliders leave the cue's own words room to be read in full at 1280 px.
            narrow, short_name = widgets.Layout(width="17em"), {"description_width": "3.5em"}
            points = widgets.IntSlider(
                value=int(cue.points), min=-3, max=3, description="points", layout=narrow, style=short_name
            )
            weight = widgets.FloatSlider(
                value=cue.weight, min=0, max=2, step=0.25, description="counts", layout=narrow, style=short_name
            )
            up.on_click(lambda _, i=i: self.move(i, -1))
            down.on_click(lambda _, i=i: self.move(i, +1))
            drop.on_click(lambda _, i=i: self.remove(i))
            points.observe(lambda ch, i=i: self.set_cue(i, points=ch["new"]), "value")
            weight.observe(lambda ch, i=i: self.set_cue(i, weight=ch["new"]), "value")
            label = widgets.Label(f"{i + 1}. {cue.label}", layout=widgets.Layout(width="24em"))
            rows.append(widgets.HBox([up, down, label, points, weight, drop]))
            self.sliders.append((points, weight))
        self._rows.children = rows
        self.refresh()
