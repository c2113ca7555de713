"""AUFace's Python side, driven the way the browser drives it: set_state on its controls, no browser."""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
import traitlets

from microexp_widgets.widgets.au_face import AUFace
from microexp_widgets.widgets.face_drawing import face_svg
from microexp_widgets.widgets.prototypes import PROTOTYPES


def _take() -> pd.DataFrame:
    """Four frames at uneven times: a smile on the person's right, then a frame with no face, then a frown."""
    nan = math.nan
    return pd.DataFrame(
        {
            "time_s": [0.0, 0.0417, 0.0834, 0.1390],
            "face": [True, True, False, True],
            "AU12": [0.0, 0.5, nan, 0.0],
            "AU12_R": [0.0, 0.8, nan, 0.0],
            "AU12_L": [0.0, 0.2, nan, 0.0],
            "AU04": [0.0, 0.0, nan, 0.9],
            "mouthSmileRight": [0.0, 0.8, nan, 0.0],  # raw blendshapes ride along and must not be drawn
        }
    )


def test_starts_neutral_and_draws_given_intensities():
    assert AUFace().svg == face_svg({})
    face = AUFace({"AU04": 0.7})
    assert face.svg == face_svg({"AU04": 0.7})
    assert face.sliders["AU04"].value == pytest.approx(0.7)


def test_has_one_slider_per_au_in_the_table():
    from microexp_widgets.aus import AU_TABLE

    face = AUFace()
    assert list(face.sliders) == [au.code for au in AU_TABLE]
    assert "lip corner puller" in face.sliders["AU12"].description
    assert "zygomaticus major" in face.sliders["AU12"].tooltip
    assert "barely moves" in face.sliders["AU05"].tooltip  # weak channel of this model, said on hover


def test_moving_a_slider_in_the_browser_redraws_the_face():
    face = AUFace()
    face.sliders["AU12"].set_state({"value": 0.8})
    assert face.intensities == {"AU12": 0.8}
    assert face.svg == face_svg({"AU12": 0.8})


def test_setting_intensities_moves_the_sliders():
    face = AUFace()
    face.intensities = {"AU01": 0.3, "AU14_R": 0.6}
    assert face.sliders["AU01"].value == pytest.approx(0.3)
    assert face.sliders["AU14"].value == pytest.approx(0.6)  # one-sided value shown on the bilateral slider
    assert face.intensities == {"AU01": 0.3, "AU14_R": 0.6}  # ... without rewriting the learner's dict


def test_slider_replaces_a_one_sided_value_of_the_same_au():
    face = AUFace({"AU12_R": 0.35, "AU14_R": 0.35})
    face.sliders["AU12"].set_state({"value": 0.5})
    assert face.intensities == {"AU14_R": 0.35, "AU12": 0.5}


def test_presets_draw_each_prototype_and_reset_returns_to_neutral():
    face = AUFace()
    for name, proto in PROTOTYPES.items():
        face.show_prototype(name)
        assert face.svg == face_svg(proto.intensities)
    face.reset()
    assert face.intensities == {} and face.svg == face_svg({})
    assert all(s.value == 0 for s in face.sliders.values())
    with pytest.raises(ValueError, match="No prototype called 'joy'"):
        face.show_prototype("joy")


def test_preset_buttons_are_labelled_with_the_facs_formula():
    face = AUFace()
    labels = [b.description for b in face.preset_buttons]
    assert labels[0] == "neutral"
    assert "contempt (R12A+R14A)" in labels
    face.preset_buttons[labels.index("happiness (6+12)")].click()
    assert face.intensities == dict(PROTOTYPES["happiness"].intensities)
    face.preset_buttons[0].click()
    assert face.intensities == {}


def test_replay_follows_the_time_cursor_frame_by_frame():
    face = AUFace()
    face.show_timeline(_take())
    assert face.replay_row.layout.display == "flex"
    assert (face.cursor.min, face.cursor.max) == (0, 139)
    assert face.play.interval == face.cursor.step == 42  # the median frame period, in ms
    face.cursor.set_state({"value": 60})  # the Play button (jslinked in the browser) moved the slider
    assert face.time_s == pytest.approx(0.06)
    assert face.intensities == {"AU12": 0.5, "AU12_R": 0.8, "AU12_L": 0.2, "AU04": 0.0}
    assert face.svg == face_svg({"AU12_R": 0.8, "AU12_L": 0.2, "AU12": 0.5})
    assert "0.04 s of 0.14 s" in face.caption.value


def test_replay_shows_neutral_and_says_so_where_no_face_was_found():
    face = AUFace()
    face.show_timeline(_take())
    face.time_s = 0.09
    assert face.intensities == {} and "no face in this frame" in face.caption.value
    face.time_s = 0.2  # past the end: the last frame stays on screen
    assert face.intensities["AU04"] == pytest.approx(0.9)
    assert face.cursor.value == 139


def test_replay_uses_an_au_timeline_and_keeps_no_video():
    from microexp_widgets.timeline import AUTimeline

    timeline = AUTimeline(_take(), source="hand-made", clip=b"not kept by the face")
    face = AUFace()
    face.show_timeline(timeline)
    face.time_s = 0.05
    assert face.intensities["AU12_R"] == pytest.approx(0.8)
    assert not any(isinstance(v, bytes) for v in vars(face._replay).values())


def test_link_follows_another_widgets_cursor_both_ways():
    class Cursor(widgets.Widget):
        time_s = traitlets.Float(0.0)

    face, view = AUFace(), Cursor()
    face.show_timeline(_take())
    link = face.link(view)
    view.time_s = 0.14
    assert face.time_s == pytest.approx(0.14) and face.intensities["AU04"] == pytest.approx(0.9)
    face.cursor.set_state({"value": 50})
    assert view.time_s == pytest.approx(0.05)
    link.unlink()
    with pytest.raises(TypeError, match="no time cursor"):
        face.link(widgets.Button())


def test_clear_timeline_hands_the_face_back_to_the_sliders():
    face = AUFace()
    face.show_timeline(_take())
    face.time_s = 0.05
    face.clear_timeline()
    assert not face.replaying and face.intensities == {}
    assert face.replay_row.layout.display == "none"
    face.time_s = 0.14  # without a timeline the cursor no longer moves the face
    assert face.intensities == {}


def test_bad_input_gets_a_plain_message():
    face = AUFace()
    with pytest.raises(TypeError, match="needs an AUTimeline"):
        face.show_timeline([1, 2, 3])
    with pytest.raises(ValueError, match="no frames to replay"):
        face.show_timeline(_take().iloc[:0])
    with pytest.raises(ValueError, match="positive"):
        AUFace(size=-5)
    assert np.isfinite(face.time_s)


@pytest.mark.slow
def test_replay_of_a_real_take_smiles_where_the_clip_smiles():
    """The single_face sample smiles (AU12 event); at its apex the drawn lip corners are up, at the start not."""
    import re

    import microexp_widgets as mw

    timeline = mw.analyze_video(mw.sample_path("single_face"))
    smile = next(e for e in timeline.events if e.au == "AU12")
    face = AUFace()
    face.show_timeline(timeline)

    def corner_y() -> float:
        upper_lip = re.search(r'class="lip-upper" d="M ([\d.]+),([\d.]+)', face.svg)
        return float(upper_lip.group(2))

    view = mw.TimelineView(timeline)
    face.link(view)  # the timeline's cursor drives the drawn face
    view.time_s = float(timeline.frame["time_s"].iloc[0])
    start_y = corner_y()
    view.time_s = smile.apex_s
    assert face.time_s == pytest.approx(smile.apex_s)
    assert face.intensities["AU12"] == pytest.approx(smile.peak, abs=0.05)
    assert corner_y() < start_y - 3  # SVG y grows downward: the corners went up
    face.cursor.set_state({"value": 0})  # and the face's own slider moves the timeline's cursor back
    assert view.time_s == 0.0 and corner_y() == pytest.approx(start_y)
    assert set(face.intensities) <= {c for c in timeline.frame.columns if c.startswith("AU")}


def test_unknown_keyword_arguments_are_refused():
    with pytest.raises(TypeError, match="unexpected keyword arguments: colour"):
        AUFace(colour="red")
    assert AUFace(layout={"width": "900px"}).layout.width == "900px"
