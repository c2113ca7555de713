"""Mirror practice: what moved and what to try next, no scores; only the learner's own takes are kept and compared."""

import re
from types import SimpleNamespace

import ipywidgets as widgets
import pytest

from microexp_widgets.lessons import practice_log
from microexp_widgets.lessons.mirror import MirrorPractice
from microexp_widgets.lessons.take_check import AU06_NOTE, check_take, compare, render_check

TARGET = {"AU12": 0.4, "AU06": 0.1, "AU04": 0.02, "AU07": 0.3, "AU24": 0.05}
SCORE_WORDS = re.compile(r"\bbest\b|\bscore|\bpass(ed)?\b|\bfail|\bgrade|\d+ of \d+|target band", re.IGNORECASE)


def by_au(result):
    return {c.au: c for c in result.checks}


def sample_clip(frame):
    # What the recorder hands over for a sample clip: a timeline that names the sample it was made from.
    return SimpleNamespace(frame=frame, source="single_face.mp4", sample="single_face", events=())


def standalone():
    return MirrorPractice(recorder=widgets.HTML("stand-in for the recorder"))


def test_a_half_smile_is_described_in_movement_words(make_frame):
    result = check_take(make_frame(**TARGET))
    assert [c.status for c in result.checks] == ["in"] * 4
    assert result.medians["AU12"] == 0.4
    assert "a half smile" in by_au(result)["AU12"].message


def test_movements_outside_the_range_get_plain_advice(make_frame):
    result = check_take(make_frame(**{**TARGET, "AU12": 0.9, "AU04": 0.4, "AU24": 0.5}))
    checks = by_au(result)
    assert checks["AU12"].status == "above" and "ease back" in checks["AU12"].message
    assert checks["AU04"].status == "above" and "forehead" in checks["AU04"].message
    assert checks["AU24"].status == "above" and "Next take" in checks["AU24"].message
    assert check_take(make_frame(**{**TARGET, "AU12": 0.05})).checks[0].status == "below"


def test_cheek_raise_is_never_checked_and_the_reason_is_shown(make_frame):
    # AU06 (cheekSquint) stays near 0 with this model even through broad smiles: no lesson asks for it.
    result = check_take(make_frame(**{**TARGET, "AU06": 0.3}))
    assert "AU06" not in by_au(result) and "AU06" not in result.medians
    text = render_check(result)
    assert AU06_NOTE in text and "cheekSquint" in text


def test_a_channel_that_never_moves_is_not_commented_on(make_frame):
    # The model can leave a blendshape at zero for a whole clip: not the learner's fault.
    result = check_take(make_frame(**{**TARGET, "AU24": 0.0}))
    assert by_au(result)["AU24"].status == "not measured" and not by_au(result)["AU24"].measured


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


def test_feedback_names_movements_never_emotions_nor_scores(make_frame):
    practice = standalone()
    practice.add_take(make_frame(**{**TARGET, "AU12": 0.9, "AU04": 0.5, "AU07": 0.9}), phase="before")
    practice.add_take(make_frame(**TARGET), phase="after")
    shown = " ".join(child.value for child in practice.children if isinstance(child, widgets.HTML)).lower()
    logged = " ".join(e["summary"] for e in practice_log.entries()).lower()
    for text in (shown, logged):
        for word in ("happy", "happiness", "sad", "angry", "anger", "fear", "disgust", "contempt", "surprise"):
            assert word not in text
        assert not SCORE_WORDS.search(text), SCORE_WORDS.search(text)


def test_before_after_comparison(make_frame):
    before = check_take(make_frame(**{**TARGET, "AU04": 0.3, "AU24": 0.3}))
    after = check_take(make_frame(**TARGET))
    lines = compare(before, after)
    assert any(line.startswith("brows pulled down (AU04): 0.30 before, 0.02 after: lower") for line in lines)
    assert any("lip corners lifted (AU12)" in line and "about the same" in line for line in lines)


def test_own_takes_are_logged_compared_and_the_phase_moves_on(make_frame):
    practice = standalone()
    practice.add_take(make_frame(**{**TARGET, "AU04": 0.3}), phase="before")
    assert practice.comparison() == [] and practice.phase == "after"
    assert "after the pacer" in practice.comparison_message()
    practice.add_take(make_frame(**TARGET))
    assert any("lower" in line for line in practice.comparison())
    assert "Your takes before and after" in practice._comparison.value
    assert "you can stop here" in practice.feedback.value  # two takes are all the lesson asks for
    logged = practice_log.entries("mirror take")
    assert [(e["values"]["phase"], e["values"]["origin"]) for e in logged] == [("before", "camera")] + [
        ("after", "camera")
    ]
    assert logged[1]["values"]["AU12"] == 0.4 and "lip corners lifted 0.40" in logged[1]["summary"]
    practice.add_take(make_frame(n=5, no_face=5))
    assert len(practice.takes) == 2 and len(practice_log.entries("mirror take")) == 2
    practice.clear()
    assert practice.takes == [] and practice.phase == "before"


def test_a_sample_clip_is_shown_as_not_you_and_never_kept_logged_or_compared(make_frame):
    practice = standalone()
    practice.add_take(sample_clip(make_frame(**TARGET)), phase="after")
    assert practice.takes == [] and practice.example is not None
    assert practice.phase == "before"  # the learner's own choice is left alone
    assert "sample clip (not you)" in practice.feedback.value
    assert practice_log.entries() == []
    message = practice.comparison_message()
    assert message.startswith("To compare, record one take of your own before the pacer and one after it.")
    assert "never compared with yours" in message and message in practice._comparison.value
    # One own take and a sample: still refused, in words, naming the missing take of the learner's own.
    practice.add_take(make_frame(**TARGET), phase="before")
    practice.add_take(sample_clip(make_frame(**{**TARGET, "AU12": 0.7})))
    assert practice.comparison() == []
    assert practice.comparison_message().startswith("To compare, record one take of your own after the pacer.")


def test_stop_hides_the_recorder_and_keeps_nothing_more(make_frame):
    practice = standalone()
    practice.stop()
    assert practice.recorder.layout.display == "none" and "Stopped" in practice.feedback.value
    practice.add_take(make_frame(**TARGET))
    assert practice.takes == [] and practice_log.entries() == []
    practice.resume()
    assert practice.recorder.layout.display is None
    practice.add_take(make_frame(**TARGET))
    assert len(practice.takes) == 1


@pytest.mark.slow
def test_a_real_sample_clip_through_the_real_recorder_is_never_the_learners():
    import microexp_widgets as mw

    practice = MirrorPractice(recorder=mw.Recorder(max_seconds=5))
    practice.recorder.use_sample("single_face")
    assert practice.takes == [] and practice_log.entries() == []
    assert "sample clip (not you)" in practice.feedback.value
    # The same clip uploaded as a file is the learner's choice of footage: kept, and logged as an uploaded file.
    practice.recorder.analyse_file(mw.sample_path("single_face").read_bytes(), name="me.mp4")
    assert len(practice.takes) == 1
    assert [e["values"]["origin"] for e in practice_log.entries()] == ["file"]


@pytest.mark.slow
def test_a_real_take_is_described_by_its_own_medians():
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
    assert sum(c.measured for c in result.checks) >= 3  # AU12, AU04, AU07 and AU24 move on a real face
