"""Predict, then look (lessons 04 and 06): the steps in order, nothing judged, nothing saved unless the learner saves.

Issue 18 replaced the mirror practice, whose take check compared each take with "half-smile ranges" ("Nothing to
change", "ease back") and logged every take by itself. These tests guard the new shape: no meters during the task,
nothing of the take before the prediction, two ratings side by side and never scored, and a practice log that holds
a take only after Save.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from microexp_widgets.aus import AU_TABLE
from microexp_widgets.lessons import practice_log
from microexp_widgets.lessons.predict_look import LOG_KIND, PredictThenLook
from microexp_widgets.lessons.ratings import RatingForm
from microexp_widgets.timeline import AUTimeline

# A verdict, band, score or trend about a face, in any wording the old practice used or a new one might.
JUDGING = re.compile(
    r"nothing to change|ease back|half-smile range|in range|out of range|target|\bscore[ds]?\b(?! them)|\bbest\b|"
    r"\bpass(ed)?\b|\bfail|\bgrade|first take|latest take|improv|better than|worse than|\d+ of \d+",
    re.IGNORECASE,
)


def take(sample: str | None = None, face: bool = True, page: str | None = None) -> AUTimeline:
    """4 s at 30 fps: a brow raise (AU01) at 1 s and a smile (AU12) at 2 s; a sample clip when ``sample`` names one."""
    n = 120
    table = {"time_s": np.arange(n) / 30, "face": np.full(n, face)}
    for au in AU_TABLE:
        table[au.code] = np.full(n, 0.05 if face else np.nan)
    if face:
        table["AU01"][30:38] = 0.6
        table["AU12"][60:90] = 0.5
    timeline = AUTimeline(pd.DataFrame(table), source="made for the test", clip=b"\x1a\x45\xdf\xa3 webm", sample=sample)
    if page:
        timeline.page_stills = page
    return timeline


def practice() -> PredictThenLook:
    return PredictThenLook(recorder=widgets.HTML("stand-in for the recorder"))


def shown(widget, steps: PredictThenLook | None = None) -> bool:
    """On show: not hidden, and among the widget's parts (the children, or a row of buttons among them)."""
    if widget.layout.display == "none":
        return False
    if steps is None:
        return True
    rows = [c for c in steps.children if isinstance(c, widgets.Box)]
    return widget in steps.children or any(widget in row.children for row in rows)


def visible_text(practice: PredictThenLook) -> str:
    parts = [practice.guide.value, practice.comparison.value, practice.saved_note.value]
    return re.sub(r"<[^>]+>", " ", " ".join(parts))


def test_the_judging_pattern_can_fail():
    for old in ("Lifted a little: a half smile. Nothing to change; notice how it feels.",
                "Pulled up strongly, a full smile. For a half smile, let them ease back a little.",
                "0.20 in your first take, 0.35 in your latest", "3 of 5 in the target band"):  # fmt: skip
        assert JUDGING.search(old), old
    assert not JUDGING.search("Your two ratings, side by side. They are yours: nothing here marks or scores them.")


def test_the_default_recorder_has_no_live_meters_and_the_task_comes_first():
    made = PredictThenLook()
    assert made.recorder._live.meters == []  # nothing of the face moves on screen while the learner talks
    assert made.step == "task" and shown(made.recorder)
    for part in (made.first_form, made.replay, made.view, made.second_form, made.comparison, made.save_button):
        assert not shown(part)
    assert "Nothing of this take is saved" in made._plan.value


def test_an_own_take_asks_for_the_prediction_before_showing_anything():
    steps = practice()
    steps.add_take(take(page="token:1"), origin="camera")
    assert steps.step == "predict" and shown(steps.first_form, steps)
    assert not shown(steps.recorder, steps) and not shown(steps.replay, steps) and not shown(steps.view, steps)
    assert steps.view.timeline is None  # the lanes wait for the prediction
    assert "Before you see any of it" in steps.guide.value
    steps.predict(7, ("brows pulled down (AU04)",))
    assert steps.step == "look" and all(shown(part, steps) for part in (steps.replay, steps.view, steps.second_form))
    assert steps.children.index(steps.replay) < steps.children.index(steps.view)  # the lanes under the replay
    assert steps.view.timeline is steps.timeline and "as if it were a stranger's" in steps.guide.value


def test_the_two_ratings_are_shown_side_by_side_and_never_judged():
    steps = practice()
    steps.add_take(take(), origin="camera")
    steps.predict(7, ("brows pulled down (AU04)", "lips pressed together (AU24)"))
    steps.rate_again(3, ("lip corners pulled up (AU12)",))
    assert steps.step == "compare" and steps.children.index(steps.comparison) < steps.children.index(steps.replay)
    table = steps.comparison.value
    assert "Before you watched: your prediction" in table and "After you watched, as an observer" in table
    assert "7 on the 0 to 10 scale" in table and "3 on the 0 to 10 scale" in table
    assert table.index("7 on the 0 to 10") < table.index("3 on the 0 to 10")  # side by side, in order
    text = visible_text(steps)
    assert not JUDGING.search(text), JUDGING.search(text)
    assert "-4" not in text and "4 lower" not in text  # no difference is computed


def test_nothing_is_logged_until_the_learner_presses_save():
    """Before issue 18 every take went into the practice log by itself (seen failing on the old MirrorPractice)."""
    steps = practice()
    steps.add_take(take(), origin="camera")
    steps.predict(6)
    steps.rate_again(4)
    assert practice_log.entries() == []
    assert shown(steps.save_button)
    steps.save_button.click()
    (entry,) = practice_log.entries()
    assert entry["kind"] == LOG_KIND and entry["lesson"] == "04_nudging_your_own"
    assert (entry["values"]["before"], entry["values"]["after"], entry["values"]["origin"]) == (6, 4, "camera")
    assert set(entry["values"]) == {"before", "after", "predicted", "observed", "origin"}  # numbers and ticks only
    assert "6 on the 0 to 10 scale before watching" in entry["summary"] and "no video" in steps.saved_note.value
    assert not shown(steps.save_button)


def test_save_does_nothing_before_the_comparison():
    steps = practice()
    steps.add_take(take(), origin="camera")
    steps.predict(5)
    assert steps.save() is None and practice_log.entries() == []


def test_a_sample_clip_runs_the_same_steps_as_an_observer_and_is_never_saved():
    steps = practice()
    steps.add_take(take(sample="pexels"))
    assert steps.origin == "sample" and steps.step == "predict"
    assert shown(steps.replay)  # the observer watches the stranger's clip once before the first impression
    assert "How nervous did this person look?" in steps.first_form.question.value
    steps.predict(5)
    steps.rate_again(2)
    assert "only means something with your own take" in steps.guide.value
    assert "Your first impression" in steps.comparison.value
    assert not shown(steps.save_button) and steps.save() is None and practice_log.entries() == []


def test_use_sample_clip_leaves_a_take_of_the_learners_own_alone():
    class Recorder(widgets.HTML):
        asked: list = []

        def use_sample(self, name):
            self.asked.append(name)

    steps = PredictThenLook(recorder=Recorder())
    steps.use_sample_clip()
    assert steps.recorder.asked == ["pexels"]
    steps.add_take(take(), origin="camera")
    steps.use_sample_clip()
    assert steps.recorder.asked == ["pexels"] and steps.origin == "camera"


def test_a_take_without_a_face_stays_at_the_task_with_one_sentence():
    steps = practice()
    steps.add_take(take(face=False), origin="camera")
    assert steps.step == "task" and steps.timeline is None
    assert "No face was found" in steps.guide.value


def test_stop_turns_everything_off_and_later_takes_are_not_taken():
    steps = practice()
    steps.stop()
    assert "Stopped" in steps.guide.value and not shown(steps.recorder) and shown(steps.resume_button)
    steps.add_take(take(), origin="camera")
    assert steps.timeline is None
    steps.resume()
    assert shown(steps.recorder) and not shown(steps.resume_button)


def test_delete_everything_forgets_the_take_and_both_ratings():
    steps = practice()
    steps.add_take(take(page="token:2"), origin="camera")
    steps.predict(8)
    steps.clear()
    assert (steps.step, steps.timeline, steps.before, steps.after) == ("task", None, None, None)
    assert steps.view.timeline is None


def test_the_rating_scale_starts_unchosen_and_asks_for_a_number():
    got = []
    form = RatingForm("How visible?", "Which?", "Done", got.append)
    assert form.scale.value is None  # no slider position to pull the answer towards
    assert form.done() is None and got == [] and "Pick a number" in form.hint.value
    form.set(0)
    assert form.done().nerves == 0 and got[0].movements == ()


def test_picking_a_movement_in_the_lanes_moves_the_replay_there():
    steps = practice()
    sent = []
    steps.replay.send = lambda message, buffers=None: sent.append(message)
    steps.add_take(take(), origin="camera")
    steps.predict(5)
    steps.view.select_event(0)
    assert sent[-1] == {"kind": "seek", "time_s": pytest.approx(steps.timeline.events[0].apex_s)}


def test_lesson_06_lists_brow_movements_with_their_timing_in_the_comparison():
    from microexp_widgets.lessons.checklist import Checklist

    guided = Checklist(recorder=widgets.HTML("stand-in"))
    guided.practice.add_take(take(), origin="camera")
    guided.practice.predict(5)
    guided.practice.rate_again(5)
    text = guided.practice.comparison.value
    assert "at 1.0 s: inner brows raised (AU01) for" in text and "roll with it" in text
    assert not JUDGING.search(re.sub(r"<[^>]+>", " ", text))
