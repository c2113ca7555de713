"""Which AUs of a take get a lane or a trace, and where each movement's kind label fits beside its bar.

Kept apart from the figures themselves (:mod:`.plots`) so the placement rules can be read, and tested, on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .aus import AU_TABLE, REGIONS

if TYPE_CHECKING:
    from .spotting import AUEvent

KINDS = ("macro", "micro", "short", "cut_off")
# How each kind of movement is drawn: more than colour tells them apart (bar height, hatching, apex marker, label).
KIND_STYLE = {
    "macro": {"color": "#0072B2", "pattern": "", "height": 0.62, "symbol": "circle", "label": "macro"},
    "micro": {"color": "#D55E00", "pattern": "/", "height": 0.36, "symbol": "star", "label": "micro"},
    "cut_off": {"color": "#8C8C8C", "pattern": ".", "height": 0.62, "symbol": "diamond", "label": "cut off"},
    # 500 ms or less on a take analysed too slowly to time it as micro (docs/faults.md P7)
    "short": {"color": "#CC79A7", "pattern": "x", "height": 0.36, "symbol": "triangle-up", "label": "short"},
}
DEFAULT_TRACES = 4
# Labels are placed so they cannot collide even on a plot this narrow (in px); wider plots only add room.
NARROWEST_PLOT_PX = 600
_CHAR_PX = 6.4  # an upper bound for one character of the 10 px sans-serif label font
_MARKER_PX = 8  # half the width of the largest apex marker


def lane_aus(events: Iterable[AUEvent], regions: Iterable[str] = REGIONS) -> list[str]:
    """The AUs that get a lane: those with at least one movement, in the AU table's order, in the shown regions."""
    moved = {e.au for e in events}
    shown = set(regions)
    return [au.code for au in AU_TABLE if au.code in moved and au.region in shown]


def default_trace_aus(events: Iterable[AUEvent], limit: int = DEFAULT_TRACES) -> list[str]:
    """The AU of the strongest movement first, then the AUs of the next strongest, at most ``limit`` in all.

    Complete movements rank before cut-off ones: a movement cut by the edge of the take is a poor first example.
    """
    ranked = sorted(events, key=lambda e: (not e.complete, -float(e.peak)))
    picked: list[str] = []
    for event in ranked:
        if event.au not in picked:
            picked.append(event.au)
        if len(picked) == limit:
            break
    return picked


def text_px(text: str) -> float:
    return len(text) * _CHAR_PX + 4


def kind_labels(events: Sequence[AUEvent], lanes: Sequence[str], duration_s: float) -> list[tuple[int, float, str]]:
    """Where to write "micro" / "macro" / "cut off" beside each bar: ``(event index, x in s, text)``.

    A label sits just right of its bar, or else just left of it, wherever it touches neither another label nor
    another bar or apex marker of the same lane; when neither side is free it is left out (the apex marker and the
    hover still say the kind). Positions are worked out for the narrowest plot this figure is meant for.
    """
    if duration_s <= 0:
        return []
    s_per_px = duration_s / NARROWEST_PLOT_PX
    marker = _MARKER_PX * s_per_px
    placed: list[tuple[int, float, str]] = []
    for lane in lanes:
        in_lane = sorted((i for i, e in enumerate(events) if e.au == lane), key=lambda i: events[i].onset_s)
        taken = [(events[i].onset_s, bar_end(events[i])) for i in in_lane]
        taken += [(events[i].apex_s - marker, events[i].apex_s + marker) for i in in_lane]
        for i in in_lane:
            event = events[i]
            text = KIND_STYLE[event.kind]["label"]
            width = text_px(text) * s_per_px
            gap = 3 * s_per_px
            right = max(bar_end(event), event.apex_s + marker) + gap
            left = min(event.onset_s, event.apex_s - marker) - gap - width
            for start in (right, left):
                span = (start, start + width)
                inside = span[0] >= 0 and span[1] <= duration_s
                if inside and not any(span[0] < b and a < span[1] for a, b in taken):
                    taken.append(span)
                    placed.append((i, start, text))
                    break
    return placed


def bar_end(event: AUEvent) -> float:
    return max(float(event.offset_s), float(event.onset_s) + 1e-3)
