"""Lesson 06's checklist: the pacer ticks step 1, the take follows lesson 04's shape, and the card draws no trend."""

import re
from types import SimpleNamespace

import ipywidgets as widgets

from microexp_widgets import BreathingPacer
from microexp_widgets.lessons import practice_log
from microexp_widgets.lessons.checklist import STEPS, Checklist, summary_card
from microexp_widgets.lessons.predict_look import LOG_KIND
from microexp_widgets.lessons.take_words import brow_lines, complete_brow_events
from microexp_widgets.spotting import AUEvent
from microexp_widgets.timeline import AUTimeline

HALF_SMILE = {"AU12": 0.4, "AU04": 0.02, "AU07": 0.3, "AU24": 0.05}
TRENDS = re.compile(r"\bbest\b|first take|in your latest|target band|\bpass|\bfail|improv", re.IGNORECASE)


def take(frame, events=(), sample=None):
    return SimpleNamespace(frame=frame, events=list(events), source="recording", sample=sample,
                           is_own_take=sample is None)  # fmt: skip


def timeline(frame, sample=None):
    return AUTimeline(frame, source="made for the test", sample=sample)


def brow(onset, offset, kind="micro"):
    return AUEvent("AU04", onset, (onset + offset) / 2, offset, (offset - onset) * 1000, 0.4, kind)


def checklist():
    return Checklist(pacer=BreathingPacer(cycles=2), recorder=widgets.HTML("stand-in for the recorder"))


def test_step_one_ticks_when_the_pacer_says_its_breaths_are_done():
    guided = checklist()
    guided.pacer.start()
    guided.pacer.completed_cycles = 1  # what the browser reports after one breath of two
    assert guided.steps_done == (False, False, False)
    guided.pacer.completed_cycles = 2
    assert guided.steps_done == (True, False, False)


def test_the_take_is_lesson_04s_shape_and_nothing_is_saved_without_save(make_frame):
    guided = checklist()
    guided.tick(1, 2, 3)
    guided.practice.add_take(timeline(make_frame(**HALF_SMILE)), origin="camera")
    assert guided.practice.step == "predict" and guided.origin == "camera"
    guided.practice.predict(6)
    guided.practice.rate_again(4)
    assert practice_log.entries() == []
    assert "Nothing saved yet" in guided.card.value
    guided.practice.save_button.click()
    (entry,) = practice_log.entries(LOG_KIND)
    assert entry["lesson"] == "06_putting_it_together" and entry["values"]["origin"] == "camera"
    assert "Pairs of ratings you saved in lessons 04 and 06: 1." in guided.card.value


def test_a_sample_clip_ticks_nothing_saves_nothing_and_says_whose_it_is(make_frame):
    guided = checklist()
    guided.practice.add_take(timeline(make_frame(**HALF_SMILE), sample="pexels"))
    assert guided.origin == "sample" and guided.steps_done == (False, False, False)
    assert "someone else's face" in guided.practice.guide.value
    guided.practice.predict(3)
    guided.practice.rate_again(3)
    assert guided.practice.save() is None and practice_log.entries() == []


def test_brow_events_cut_off_by_the_take_are_never_rogue_brows(make_frame):
    frame = make_frame(n=60, no_face=3, **HALF_SMILE)  # the first analysed frame is at 0.1 s
    events = [brow(0.1, 0.8), brow(1.0, 1.3), brow(1.7, 60 / 30 - 1 / 30), brow(1.4, 1.5, kind="cut_off")]
    complete, cut = complete_brow_events(take(frame, events))
    assert [e.onset_s for e in complete] == [1.0] and cut == 3
    lines = brow_lines(take(frame, events))
    assert any(line.startswith("In your take, at 1.0 s: brows pulled down (AU04) for 300 ms") for line in lines)
    assert not any("at 0.1 s" in line for line in lines)
    assert any("3 brow movement(s) at the very start or end" in line for line in lines)
    assert "No whole brow movement stood out" in " ".join(brow_lines(take(frame, events[:1])))
    sample = brow_lines(take(frame, events, sample="pexels"))
    assert sample[0].startswith("In the sample clip") and not any("roll with it" in line for line in sample)


def test_summary_card_counts_only_saved_pairs_of_the_learners_own_and_draws_no_trend():
    entries = [
        {"kind": LOG_KIND, "summary": "nerves 7 before, 4 after", "values": {"origin": "camera", "before": 7}},
        {"kind": LOG_KIND, "summary": "a sample", "values": {"origin": "sample", "before": 9}},
        {"kind": "reflection", "summary": "text", "values": {}},
        {"kind": "mirror take", "summary": "an old log's take", "values": {"origin": "camera", "AU12": 0.2}},
        {"kind": LOG_KIND, "summary": "latest words", "values": {"origin": "file", "before": 5}},
    ]
    card = summary_card(entries)
    assert "Pairs of ratings you saved in lessons 04 and 06: 2." in card and "latest words" in card
    assert "a sample" not in card and "an old log" not in card and "0.20" not in card
    assert not TRENDS.search(re.sub(r"<[^>]+>", " ", card))


def test_the_steps_are_the_articles():
    assert [s.lower()[:6] for s in STEPS] == ["exhale", "soft e", "quick "]
