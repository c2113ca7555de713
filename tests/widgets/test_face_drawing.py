"""The drawn face moves where each AU says it should, and the EMFACS table is valid drawing input."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from microexp_widgets.widgets.face_drawing import DRAWN_AUS, face_svg, normalize_code
from microexp_widgets.widgets.prototypes import PROTOTYPES, parse_facs

CONTRACT_AUS = [
    "AU01",
    "AU02",
    "AU04",
    "AU05",
    "AU06",
    "AU07",
    "AU09",
    "AU10",
    "AU12",
    "AU14",
    "AU15",
    "AU16",
    "AU17",
    "AU18",
    "AU20",
    "AU22",
    "AU24",
    "AU25",
    "AU26",
    "AU27",
    "AU28",
    "AU45",
]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _elements(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    found = {}
    for element in root.iter():
        for cls in element.get("class", "").split():
            found.setdefault(cls, element)
    return found


def _points(svg: str, cls: str) -> list[tuple[float, float]]:
    """All coordinate pairs of a path's ``d``, in order (the first is its start point)."""
    d = _elements(svg)[cls].get("d")
    numbers = [float(n) for n in NUMBER.findall(d)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def _start(svg: str, cls: str) -> tuple[float, float]:
    return _points(svg, cls)[0]


def _end(svg: str, cls: str) -> tuple[float, float]:
    return _points(svg, cls)[-1]


NEUTRAL = face_svg({})


def test_neutral_face_is_well_formed_svg_and_deterministic():
    root = ET.fromstring(NEUTRAL)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert face_svg({}) == NEUTRAL == face_svg(None)
    assert face_svg({"AU12": 0.4}) == face_svg({"AU12": 0.4})
    assert "id=" not in NEUTRAL  # several faces on one page must not fight over element ids


def test_size_sets_width_and_height():
    root = ET.fromstring(face_svg({}, size=100))
    assert (root.get("width"), root.get("height")) == ("100", "120")
    with pytest.raises(ValueError, match="positive"):
        face_svg({}, size=0)


def test_au12_raises_both_lip_corners():
    smile = face_svg({"AU12": 1.0})
    # lip-upper starts at the person's right corner and its first curve ends at the left corner
    (rx0, ry0), (rx1, ry1) = _start(NEUTRAL, "lip-upper"), _start(smile, "lip-upper")
    (lx0, ly0), (lx1, ly1) = _points(NEUTRAL, "lip-upper")[2], _points(smile, "lip-upper")[2]
    assert ry1 < ry0 - 5 and ly1 < ly0 - 5  # SVG y grows downward: "up" is a smaller y
    assert rx1 < rx0 and lx1 > lx0  # and the mouth widens


def test_au15_lowers_lip_corners():
    frown = face_svg({"AU15": 1.0})
    assert _start(frown, "lip-upper")[1] > _start(NEUTRAL, "lip-upper")[1] + 5


def test_intensity_is_graded():
    heights = [_start(face_svg({"AU12": v}), "lip-upper")[1] for v in (0.0, 0.25, 0.5, 1.0)]
    assert heights == sorted(heights, reverse=True) and len(set(heights)) == 4


def test_au04_lowers_brows_and_draws_them_together():
    lowered = face_svg({"AU04": 1.0})
    (x0, y0), (x1, y1) = _start(NEUTRAL, "brow-right"), _start(lowered, "brow-right")
    assert y1 > y0 + 5
    assert abs(x1 - 100) < abs(x0 - 100)
    assert _end(lowered, "brow-left")[1] > _end(NEUTRAL, "brow-left")[1]
    assert "furrow" in _elements(lowered) and "furrow" not in _elements(NEUTRAL)


def test_au01_lifts_inner_brow_more_than_outer_and_au02_the_reverse():
    inner = face_svg({"AU01": 1.0})
    outer = face_svg({"AU02": 1.0})
    lift_inner_1 = _start(NEUTRAL, "brow-left")[1] - _start(inner, "brow-left")[1]
    lift_outer_1 = _end(NEUTRAL, "brow-left")[1] - _end(inner, "brow-left")[1]
    lift_inner_2 = _start(NEUTRAL, "brow-left")[1] - _start(outer, "brow-left")[1]
    lift_outer_2 = _end(NEUTRAL, "brow-left")[1] - _end(outer, "brow-left")[1]
    assert lift_inner_1 > lift_outer_1 > -0.01
    assert lift_outer_2 > lift_inner_2 >= 0


def test_sadness_brows_rise_at_the_inner_end_despite_au04():
    sad = face_svg(PROTOTYPES["sadness"].intensities)
    assert _start(sad, "brow-right")[1] < _start(NEUTRAL, "brow-right")[1]


def _eye_opening(svg: str, side: str) -> float:
    """Vertical distance between the upper and lower lid at the eye's middle (t=0.5 of both curves)."""
    pts = _points(svg, f"eye-{side}")
    start, c1, outer, c2, _back = pts[:5]
    upper = 0.25 * start[1] + 0.5 * c1[1] + 0.25 * outer[1]
    lower = 0.25 * outer[1] + 0.5 * c2[1] + 0.25 * start[1]
    return lower - upper


def test_lids_follow_au05_au07_and_closure():
    neutral = _eye_opening(NEUTRAL, "left")
    assert _eye_opening(face_svg({"AU05": 1}), "left") > neutral + 3
    assert _eye_opening(face_svg({"AU07": 1}), "left") < neutral - 3
    assert _eye_opening(face_svg({"AU45": 1}), "left") < 1.0
    assert _eye_opening(face_svg({"AU45_L": 1}), "right") == pytest.approx(neutral)


def test_au06_lifts_cheeks_and_darkens_them():
    before, after = _elements(NEUTRAL)["cheek-left"], _elements(face_svg({"AU06": 1}))["cheek-left"]
    assert float(after.get("cy")) < float(before.get("cy"))
    assert float(after.get("opacity")) > float(before.get("opacity"))


def test_jaw_drop_opens_the_mouth_and_lengthens_the_chin():
    def gap(svg: str) -> float:
        return _points(svg, "mouth-opening")[-2][1] - _points(svg, "mouth-opening")[1][1]

    assert gap(NEUTRAL) == pytest.approx(0, abs=0.2)
    assert gap(face_svg({"AU25": 1})) > 1
    assert gap(face_svg({"AU26": 1})) > gap(face_svg({"AU25": 1}))
    assert gap(face_svg({"AU27": 1})) > gap(face_svg({"AU26": 1}))
    assert _elements(face_svg({"AU26": 1}))["head"].get("d") != _elements(NEUTRAL)["head"].get("d")


def test_lip_press_thins_the_lips_and_pucker_narrows_the_mouth():
    def upper_lip_height(svg: str) -> float:
        pts = _points(svg, "lip-upper")
        return pts[3][1] - pts[1][1]  # inner control minus outer control at the middle

    assert upper_lip_height(face_svg({"AU24": 1})) < 0.5 * upper_lip_height(NEUTRAL)

    def width(svg: str) -> float:
        return _points(svg, "lip-upper")[2][0] - _start(svg, "lip-upper")[0]

    assert width(face_svg({"AU18": 1})) < width(NEUTRAL) - 10
    assert width(face_svg({"AU20": 1})) > width(NEUTRAL) + 10


def test_one_sided_contempt_moves_only_the_persons_right_corner():
    contempt = face_svg({"AU12_R": 0.6, "AU14_R": 0.6})
    right_before, right_after = _start(NEUTRAL, "lip-upper"), _start(contempt, "lip-upper")
    left_before, left_after = _points(NEUTRAL, "lip-upper")[2], _points(contempt, "lip-upper")[2]
    assert right_after[1] < right_before[1] - 3
    assert left_after == left_before
    assert right_after[0] < 100  # the person's right is drawn on the viewer's left
    assert "dimple-right" in _elements(contempt) and "dimple-left" not in _elements(contempt)


def test_side_key_overrides_bilateral_key():
    svg = face_svg({"AU12": 1.0, "AU12_L": 0.0})
    assert _points(svg, "lip-upper")[2] == _points(NEUTRAL, "lip-upper")[2]
    assert _start(svg, "lip-upper") == _start(face_svg({"AU12": 1.0}), "lip-upper")


def test_timeline_rows_pass_straight_through():
    row = {"time_s": 1.2, "face": True, "mouthSmileLeft": 0.9, "AU12": math.nan, "AU04": 3.0, "au6": 0.5}
    assert face_svg(row) == face_svg({"AU04": 1.0, "AU06": 0.5})
    with pytest.raises(TypeError, match="number between 0 and 1"):
        face_svg({"AU12": "lots"})


@pytest.mark.parametrize("code", CONTRACT_AUS)
def test_every_contract_au_changes_the_drawing(code):
    assert face_svg({code: 1.0}) != NEUTRAL


def test_normalize_code():
    assert normalize_code("au4_r") == "AU04_R"
    assert normalize_code("AU12") == "AU12"
    assert normalize_code("mouthSmileLeft") is None


def test_prototypes_are_the_emfacs_table_on_drawable_aus():
    expected = {
        "happiness": {"AU06", "AU12"},
        "sadness": {"AU01", "AU04", "AU15"},
        "surprise": {"AU01", "AU02", "AU05", "AU25", "AU26"},
        "fear": {"AU01", "AU02", "AU04", "AU05", "AU07", "AU20", "AU25", "AU26"},
        "anger": {"AU04", "AU05", "AU07", "AU24"},
        "disgust": {"AU09", "AU15", "AU16"},
        "contempt": {"AU12_R", "AU14_R"},
    }
    assert {name: set(p.intensities) for name, p in PROTOTYPES.items()} == expected
    for proto in PROTOTYPES.values():
        for key, level in proto.intensities.items():
            assert normalize_code(key).split("_")[0] in DRAWN_AUS
            assert 0 < level <= 1
        assert face_svg(proto.intensities) != NEUTRAL
    assert PROTOTYPES["surprise"].intensities["AU05"] < PROTOTYPES["surprise"].intensities["AU01"]  # 5B is slight


def test_parse_facs_reads_sides_and_letters():
    assert parse_facs("R12A+R14A") == {"AU12_R": 0.35, "AU14_R": 0.35}
    with pytest.raises(ValueError, match="not a FACS term"):
        parse_facs("12+smile")
