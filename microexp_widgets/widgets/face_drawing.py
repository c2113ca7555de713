"""A simple drawn face (SVG, no photo) whose features follow Action-Unit intensities.

The drawing is a teaching aid: it shows *which* movement an AU names, so learners can discuss a take or a
stimulus without anyone's real face on screen. It is pure Python with no widget imports.

Sides follow FACS: ``"AU12_R"`` is the person's own right side, which a viewer sees on the *left* of the
picture (as when facing someone). A bilateral key (``"AU12"``) moves both sides; a side key overrides it for
that side only, so one-sided movements such as contempt (R12A+R14A) can be drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DRAWN_AUS", "face_svg", "normalize_code"]

#: AU codes the drawing reacts to. AU23 (lip tightener) is drawn like AU24 (press): they look alike here.
DRAWN_AUS: tuple[str, ...] = (
    "AU01", "AU02", "AU04", "AU05", "AU06", "AU07", "AU09", "AU10", "AU12", "AU14", "AU15", "AU16",
    "AU17", "AU18", "AU20", "AU22", "AU23", "AU24", "AU25", "AU26", "AU27", "AU28", "AU43", "AU45",
)  # fmt: skip

_CODE = re.compile(r"^AU0*(\d{1,2})(?:_([LR]))?$", re.IGNORECASE)

# The picture is drawn in a fixed 200 x 240 coordinate box and scaled by the SVG width/height.
_VIEW_W, _VIEW_H = 200.0, 240.0
_MID_X = 100.0
_SKIN, _LINE, _LIP, _MOUTH, _CHEEK, _IRIS = "#f3d2b3", "#5a3b2a", "#c9707a", "#4a1f24", "#e88a8a", "#4b6a88"


def normalize_code(key: str) -> str | None:
    """Return ``key`` as a canonical AU key (``"au4_r"`` -> ``"AU04_R"``); ``None`` if it is not one."""
    match = _CODE.match(key.strip())
    if match is None:
        return None
    number, side = match.groups()
    return f"AU{int(number):02d}" + (f"_{side.upper()}" if side else "")


def _clean(intensities: Mapping[str, float]) -> dict[str, float]:
    """Canonical AU keys with values clamped to 0..1; NaN (no face in that frame) counts as 0."""
    levels: dict[str, float] = {}
    for key, value in intensities.items():
        code = normalize_code(str(key))
        if code is None:
            continue  # blendshape columns and other fields ride along in timeline rows; they are not drawn
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"The intensity for {key} must be a number between 0 and 1, not {value!r}.") from None
        levels[code] = 0.0 if math.isnan(number) else min(1.0, max(0.0, number))
    return levels


class _Levels:
    """Looks up an AU's level for one side: the side key wins over the bilateral key."""

    def __init__(self, levels: dict[str, float]) -> None:
        self._levels = levels

    def both(self, code: str) -> float:
        return max(self.side(code, "R"), self.side(code, "L"))

    def side(self, code: str, side: str) -> float:
        sided = self._levels.get(f"{code}_{side}")
        return sided if sided is not None else self._levels.get(code, 0.0)


@dataclass(frozen=True)
class _Point:
    x: float
    y: float

    def __str__(self) -> str:
        return f"{self.x:.1f},{self.y:.1f}"


def _through(start: _Point, mid: _Point, end: _Point) -> _Point:
    """Control point of the quadratic Bezier from ``start`` to ``end`` passing through ``mid`` at t=0.5."""
    return _Point(2 * mid.x - (start.x + end.x) / 2, 2 * mid.y - (start.y + end.y) / 2)


def _curve(start: _Point, mid: _Point, end: _Point) -> str:
    return f"Q {_through(start, mid, end)} {end}"


def _path(d: str, cls: str, fill: str = "none", stroke: str = "none", width: float = 0, opacity: float = 1) -> str:
    parts = [f'<path class="{cls}" d="{d}" fill="{fill}"']
    if stroke != "none":
        parts.append(f' stroke="{stroke}" stroke-width="{width:.1f}" stroke-linecap="round" stroke-linejoin="round"')
    if opacity < 1:
        parts.append(f' opacity="{opacity:.2f}"')
    parts.append("/>")
    return "".join(parts)


# Each side is drawn with sign -1 (person's right, viewer's left) or +1 (person's left, viewer's right).
_SIDES = (("R", "right", -1.0), ("L", "left", 1.0))


def _brows(lv: _Levels) -> list[str]:
    out = []
    for side, name, sign in _SIDES:
        au1, au2, au4 = lv.side("AU01", side), lv.side("AU02", side), lv.side("AU04", side)
        # AU01 lifts the inner end, AU02 the outer end; AU04 pulls the brow down and toward the midline.
        # With AU01 and AU04 together (sadness, fear) the inner ends still rise: the oblique "worried" brow.
        inner = _Point(_MID_X + sign * (14 - 5 * au4), 80 - 11 * au1 + 9 * au4 * (1 - 0.7 * au1))
        middle = _Point(_MID_X + sign * 32, 73 - 5 * au1 - 8 * au2 + 6 * au4)
        outer = _Point(_MID_X + sign * 50, 79 - 2 * au1 - 11 * au2 + 3 * au4)
        d = f"M {inner} {_curve(inner, middle, outer)}"
        out.append(_path(d, f"brow brow-{name}", stroke=_LINE, width=5))
        if au4 > 0.05:  # vertical furrows between the brows
            x = _MID_X + sign * 5
            out.append(
                _path(
                    f"M {x:.1f},{84:.1f} L {x + sign * 1.5:.1f},{94:.1f}",
                    f"furrow furrow-{name}",
                    stroke=_LINE,
                    width=1.2,
                    opacity=au4,
                )
            )
        if au1 > 0.05 or au2 > 0.05:  # horizontal forehead lines
            lift = max(au1, au2)
            x0, x1 = _MID_X + sign * (6 if au1 >= au2 else 18), _MID_X + sign * (22 if au1 >= au2 else 44)
            out.append(
                _path(
                    f"M {x0:.1f},58.0 L {x1:.1f},58.0",
                    f"forehead-line forehead-{name}",
                    stroke=_LINE,
                    width=1.0,
                    opacity=lift,
                )
            )
    return out


def _eyes(lv: _Levels) -> list[str]:
    out = []
    for side, name, sign in _SIDES:
        cx, cy, half = _MID_X + sign * 32, 100.0, 15.0
        au5, au6, au7 = lv.side("AU05", side), lv.side("AU06", side), lv.side("AU07", side)
        closure = max(lv.side("AU43", side), lv.side("AU45", side))
        top = cy - (7 + 5 * au5 - 2 * au7)  # AU05 shows more white above the iris; AU07 narrows from above a little
        bottom = cy + (6 - 4 * au7 - 2 * au6)  # AU07 and the cheek push of AU06 raise the lower lid
        top += (bottom - 0.8 - top) * closure  # AU43/AU45: the upper lid comes down to the lower lid
        inner, outer = _Point(cx - sign * half, cy), _Point(cx + sign * half, cy)
        upper_mid, lower_mid = _Point(cx, top), _Point(cx, bottom)
        eye = f"M {inner} {_curve(inner, upper_mid, outer)} {_curve(outer, lower_mid, inner)} Z"
        out.append(_path(eye, f"eye eye-{name}", fill="#ffffff"))
        out.append(f'<circle class="iris iris-{name}" cx="{cx:.1f}" cy="{cy:.1f}" r="6.5" fill="{_IRIS}"/>')
        out.append(f'<circle class="pupil pupil-{name}" cx="{cx:.1f}" cy="{cy:.1f}" r="2.8" fill="#111111"/>')
        # Skin-coloured lids painted over the iris hide what lies outside the eye opening (no clip-path
        # ids, so several faces can share one page).
        above, below = _Point(cx, cy - 24), _Point(cx, cy + 22)
        lid_up = f"M {inner} {_curve(inner, upper_mid, outer)} {_curve(outer, above, inner)} Z"
        lid_low = f"M {inner} {_curve(inner, lower_mid, outer)} {_curve(outer, below, inner)} Z"
        out.append(_path(lid_up, f"lid-upper lid-upper-{name}", fill=_SKIN))
        out.append(_path(lid_low, f"lid-lower lid-lower-{name}", fill=_SKIN))
        out.append(
            _path(
                f"M {inner} {_curve(inner, upper_mid, outer)}",
                f"lid-line lid-line-{name}",
                stroke=_LINE,
                width=2.2,
            )
        )
        out.append(
            _path(
                f"M {inner} {_curve(inner, lower_mid, outer)}",
                f"lid-line-lower lid-line-lower-{name}",
                stroke=_LINE,
                width=0.9,
                opacity=0.6,
            )
        )
    return out


def _cheeks(lv: _Levels) -> list[str]:
    out = []
    for side, name, sign in _SIDES:
        au6 = lv.side("AU06", side)
        cx, cy = _MID_X + sign * 46, 130 - 7 * au6  # AU06 lifts the cheeks
        out.append(
            f'<ellipse class="cheek cheek-{name}" cx="{cx:.1f}" cy="{cy:.1f}" rx="15.0" ry="9.0" '
            f'fill="{_CHEEK}" opacity="{0.12 + 0.4 * au6:.2f}"/>'
        )
        if au6 > 0.05:  # crow's feet at the outer eye corner and a fold under the eye
            ox = _MID_X + sign * 50
            feet = f"M {ox:.1f},96.0 L {ox + sign * 7:.1f},93.0 M {ox:.1f},101.0 L {ox + sign * 8:.1f},102.0"
            out.append(_path(feet, f"crows-feet crows-feet-{name}", stroke=_LINE, width=1.0, opacity=au6))
            start, end = _Point(_MID_X + sign * 20, 113 - 3 * au6), _Point(_MID_X + sign * 44, 111 - 3 * au6)
            fold = f"M {start} {_curve(start, _Point(_MID_X + sign * 32, 116 - 3 * au6), end)}"
            out.append(_path(fold, f"eye-fold eye-fold-{name}", stroke=_LINE, width=1.0, opacity=au6))
    return out


def _nose(lv: _Levels) -> list[str]:
    out = []
    au9 = lv.both("AU09")
    out.append(_path("M 95.0,104.0 Q 92.0,124.0 91.0,134.0", "nose-bridge", stroke=_LINE, width=1.2, opacity=0.5))
    for side, name, sign in _SIDES:
        # AU09 wrinkles the nose and hikes the wings; AU10 lifts them a little with the upper lip.
        lift = 5 * lv.side("AU09", side) + 2 * lv.side("AU10", side)
        start, end = (
            _Point(_MID_X + sign * 3, 142 - lift),
            _Point(_MID_X + sign * (13 + 2 * lv.side("AU09", side)), 136 - lift),
        )
        wing = f"M {start} {_curve(start, _Point(_MID_X + sign * 11, 144 - lift), end)}"
        out.append(_path(wing, f"nostril nostril-{name}", stroke=_LINE, width=1.8))
    if au9 > 0.05:
        lines = " ".join(f"M 91.0,{y:.1f} Q 100.0,{y - 2:.1f} 109.0,{y:.1f}" for y in (110.0, 115.0, 120.0))
        out.append(_path(lines, "nose-wrinkles", stroke=_LINE, width=1.0, opacity=au9))
    return out


@dataclass(frozen=True)
class _Mouth:
    corner_right: _Point  # person's right, viewer's left
    corner_left: _Point
    upper_outer: float
    upper_inner: float
    lower_inner: float
    lower_outer: float


def _mouth_shape(lv: _Levels) -> _Mouth:
    press = max(lv.both("AU24"), lv.both("AU23"))
    pucker, funnel = lv.both("AU18"), lv.both("AU22")
    opening = 3.5 * lv.both("AU25") + 12 * lv.both("AU26") + 22 * lv.both("AU27") + 7 * funnel
    corners = {}
    for side, _name, sign in _SIDES:
        au12, au14, au15, au20 = (lv.side(c, side) for c in ("AU12", "AU14", "AU15", "AU20"))
        # Horizontal: AU12 and AU20 widen the mouth, pucker/funnel/press narrow it, AU14 tucks the corner in.
        half_width = 26 + 7 * au12 + 10 * au20 - 9 * pucker - 7 * funnel - 2 * press - 2 * au14
        # Vertical (SVG y grows downward): AU12 pulls the corner up, AU15 down; an open jaw drags it down.
        y = 172 - 10 * au12 + 9 * au15 + 2 * au20 - 1.5 * au14 + 0.25 * opening
        corners[side] = _Point(_MID_X + sign * half_width, y)
    thickness = (1 - 0.7 * press) * (1 - 0.85 * lv.both("AU28")) * (1 + 0.5 * pucker + 0.3 * funnel)
    line = 172 - 3 * lv.both("AU17")  # the chin raiser pushes the lower lip up
    upper_inner = line - 0.25 * opening - 4 * lv.both("AU10")
    lower_inner = line + 0.75 * opening + 5 * lv.both("AU16")
    return _Mouth(
        corner_right=corners["R"],
        corner_left=corners["L"],
        upper_outer=upper_inner - 6.5 * thickness - 2 * lv.both("AU10"),
        upper_inner=upper_inner,
        lower_inner=lower_inner,
        lower_outer=lower_inner + 8.5 * thickness,
    )


def _mouth(lv: _Levels) -> list[str]:
    m = _mouth_shape(lv)
    cr, cl = m.corner_right, m.corner_left

    def lip(top: float, bottom: float) -> str:
        return f"M {cr} {_curve(cr, _Point(_MID_X, top), cl)} {_curve(cl, _Point(_MID_X, bottom), cr)} Z"

    out = [
        _path(lip(m.upper_inner, m.lower_inner), "mouth-opening", fill=_MOUTH),
        _path(lip(m.upper_outer, m.upper_inner), "lip-upper", fill=_LIP),
        _path(lip(m.lower_inner, m.lower_outer), "lip-lower", fill=_LIP),
        _path(
            f"M {cr} {_curve(cr, _Point(_MID_X, (m.upper_inner + m.lower_inner) / 2), cl)}",
            "lip-line",
            stroke=_MOUTH,
            width=1.2,
        ),
    ]
    for side, name, sign in _SIDES:
        corner = cr if side == "R" else cl
        au14 = lv.side("AU14", side)
        if au14 > 0.05:
            d = (
                f"M {corner.x + sign * 3:.1f},{corner.y - 4:.1f} Q {corner.x + sign * 7:.1f},{corner.y:.1f} "
                f"{corner.x + sign * 3:.1f},{corner.y + 4:.1f}"
            )
            out.append(_path(d, f"dimple dimple-{name}", stroke=_LINE, width=1.4, opacity=au14))
        fold = max(lv.side("AU10", side), 0.8 * lv.side("AU12", side), 0.6 * lv.side("AU09", side))
        # Nasolabial fold from the nose wing to just outside the lip corner; it deepens with AU10/AU12.
        start = _Point(_MID_X + sign * 16, 134.0)
        end = _Point(corner.x + sign * 5, corner.y + 3)
        bend = _Point((start.x + end.x) / 2 + sign * 5, (start.y + end.y) / 2)
        out.append(
            _path(
                f"M {start} {_curve(start, bend, end)}",
                f"nasolabial nasolabial-{name}",
                stroke=_LINE,
                width=1.1,
                opacity=0.15 + 0.6 * fold,
            )
        )
    au17 = lv.both("AU17")
    if au17 > 0.05:
        out.append(
            _path(
                f"M 90.0,{198 - 3 * au17:.1f} Q 100.0,{193 - 3 * au17:.1f} 110.0,{198 - 3 * au17:.1f}",
                "chin-boss",
                stroke=_LINE,
                width=1.1,
                opacity=au17,
            )
        )
    return out


def _head(lv: _Levels) -> str:
    # The jaw drop (AU26) and mouth stretch (AU27) lengthen the lower half of the head.
    lower = 96 + 10 * lv.both("AU26") + 18 * lv.both("AU27")
    return (
        '<path class="head" d="M 26.0,118.0 A 74.0 96.0 0 0 1 174.0,118.0 '
        f'A 74.0 {lower:.1f} 0 0 1 26.0,118.0 Z" '
        f'fill="{_SKIN}" stroke="{_LINE}" stroke-width="2.0"/>'
    )


def face_svg(intensities: Mapping[str, float] | None = None, *, size: int = 240) -> str:
    """Draw a simple face whose features follow Action-Unit intensities.

    Parameters
    ----------
    intensities
        AU code to intensity in 0..1, e.g. ``{"AU12": 0.8, "AU06": 0.5}``. Side keys (``"AU12_R"``,
        ``"AU14_L"``) override the bilateral key for the person's right or left side. Keys that are not AU
        codes (blendshape names, ``time_s`` ...) are ignored, values are clamped to 0..1 and NaN counts as 0,
        so a row of an AU timeline can be passed as it is. ``None`` or ``{}`` draws the neutral face.
    size
        Width of the picture in pixels; the height is 1.2 times the width.

    Returns
    -------
    str
        A standalone ``<svg>`` element. The output depends only on the arguments (no ids, no randomness),
        so the same intensities always give the same string.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"size must be a positive whole number of pixels, not {size!r}.")
    lv = _Levels(_clean(intensities or {}))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="microexp-face" width="{size}" '
        f'height="{round(size * _VIEW_H / _VIEW_W)}" viewBox="0 0 {_VIEW_W:.0f} {_VIEW_H:.0f}" role="img" '
        f'aria-label="drawn face">',
        _head(lv),
        *_cheeks(lv),
        *_eyes(lv),
        *_brows(lv),
        *_nose(lv),
        *_mouth(lv),
        "</svg>",
    ]
    return "".join(parts)
