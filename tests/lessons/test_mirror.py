"""Mirror-practice band feedback: in, above, below, not measured, no face; before/after comparison; logging."""

import ipywidgets as widgets
import pytest

from microexp_widgets.lessons import practice_log
from microexp_widgets.lessons.mirror import MirrorPractice, check_take, compare, render_check

TARGET = {"AU12": 0.4, "AU06": 0.1, "AU04": 0.02, "AU07": 0.3, "AU24": 0.05}


def by_au(result):
    return {c.au: c for c in result.checks}


def test_a_take_in_the_band(make_frame):
    result = check_take(make_frame(**TARGET))
    assert result.in_band == result.scored == 5
    assert result.medians["AU12"] == 0.4
    assert "right in the band" in by_au(result)["AU12"].message


def test_movements_outside_the_band_get_plain_advice(make_frame):
    result = check_take(make_frame(**{**TARGET, "AU12": 0.9, "AU04": 0.4, "AU24": 0.5}))
    checks = by_au(result)
    assert checks["AU12"].status == "above" and "half lift" in checks["AU12"].message
    assert checks["AU04"].status == "above" and "forehead" in checks["AU04"].message
    assert checks["AU24"].status == "above"
    assert result.in_band == 2
    assert check_take(make_frame(**{**TARGET, "AU12": 0.05})).checks[0].status == "below"


def test_a_channel_that_never_moves_is_not_scored(make_frame):
    # The model can leave a blendshape at zero for a whole clip (AU06 on the sample clips): not the learner's fault.
    result = check_take(make_frame(**{**TARGET, "AU06": 0.0}))
    assert by_au(result)["AU06"].status == "not measured"
    assert result.scored == 4 and result.in_band == 4


def test_the_median_ignores_frames_without_a_face_and_brief_twitches(make_frame):
    frame = make_frame(n=30, no_face=10, **TARGET)
    frame.loc[15:17, "AU04"] = 0.9  # a 3-frame brow twitch
    result = check_take(frame)
    assert abs(result.face_share - 20 / 30) < 1e-9
    assert by_au(result)["AU04"].status == "in"


def test_no_face_gives_one_sentence_and_no_checks(make_frame):
    result = check_take(make_frame(n=10, no_face=10))
    assert result.checks == () and result.problem.startswith("No face was found")
    assert "No face" in render_check(result)


def test_feedback_names_movements_never_emotions(make_frame):
    text = render_check(check_take(make_frame(**{**TARGET, "AU12": 0.9, "AU04": 0.5, "AU07": 0.9}))).lower()
    for word in ("happy", "happiness", "sad", "angry", "anger", "fear", "disgust", "contempt", "surprise", "emotion"):
        assert word not in text


def test_before_after_comparison(make_frame):
    before = check_take(make_frame(**{**TARGET, "AU04": 0.3, "AU24": 0.3}))
    after = check_take(make_frame(**TARGET))
    lines = compare(before, after)
    assert any(line.startswith("brows pulled down (AU04): 0.30 before, 0.02 after: lower") for line in lines)
    assert any("lip corners lifted (AU12)" in line and "about the same" in line for line in lines)


def test_widget_logs_numbers_and_compares_phases(make_frame):
    practice = MirrorPractice(recorder=widgets.HTML("stand-in for the recorder"))
    practice.add_take(make_frame(**{**TARGET, "AU04": 0.3}), phase="before")
    assert practice.comparison() == []
    practice.add_take(make_frame(**TARGET), phase="after")
    assert any("lower" in line for line in practice.comparison())
    assert "Before and after" in practice._comparison.value
    logged = practice_log.entries("mirror take")
    assert [e["values"]["phase"] for e in logged] == ["before", "after"]
    assert logged[1]["values"]["in_band"] == 5 and logged[1]["values"]["AU12"] == 0.4
    practice.add_take(make_frame(n=5, no_face=5))
    assert len(practice.takes) == 2 and len(practice_log.entries("mirror take")) == 2
    practice.clear()
    assert practice.takes == []


@pytest.mark.slow
def test_a_real_take_is_checked_against_its_own_medians():
    import microexp_widgets as mw

    timeline = mw.analyze_video(mw.sample_path("single_face"))
    result = check_take(timeline)
    faces = timeline.frame[timeline.frame["face"]]
    assert result.problem == "" and result.face_share == timeline.face_frames / timeline.frames > 0.9
    for check in result.checks:
        assert check.value == pytest.approx(faces[check.au].median())
        if check.status == "not measured":
            assert faces[check.au].max() < 0.01
        else:
            inside = check.low <= check.value <= check.high
            assert (check.status == "in") == inside
            assert check.status != "below" or check.value < check.low
    assert result.scored >= 4  # AU12, AU04, AU07 and AU24 always move on a real face
