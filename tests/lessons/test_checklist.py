"""Lesson 06's checklist: a review that follows the learner, a pacer that agrees, no sample counted as the learner's."""

import re
from types import SimpleNamespace

import ipywidgets as widgets

from microexp_widgets import BreathingPacer
from microexp_widgets.lessons import practice_log
from microexp_widgets.lessons.checklist import Checklist, complete_brow_events, review, summary_card
from microexp_widgets.spotting import AUEvent

HALF_SMILE = {"AU12": 0.4, "AU04": 0.02, "AU07": 0.3, "AU24": 0.05}
SCORES = re.compile(r"\bbest\b|\d+ of \d+|target band|\bpass|\bfail", re.IGNORECASE)


def take(frame, events=(), source="recording", sample=None):
    return SimpleNamespace(frame=frame, events=list(events), source=source, sample=sample)


def brow(onset, offset, kind="micro"):
    return AUEvent("AU04", onset, (onset + offset) / 2, offset, (offset - onset) * 1000, 0.4, kind)


def checklist():
    return Checklist(pacer=BreathingPacer(cycles=2), recorder=widgets.HTML("stand-in for the recorder"))


def test_review_follows_a_tick_made_after_the_take(make_frame):
    guided = checklist()
    guided.add_take(take(make_frame(**HALF_SMILE)))
    assert "Step 2 (Soft eyes, half smile.) is not ticked yet" in guided.review.value
    guided.tick(2)
    assert "Step 2" not in guided.review.value and "Step 3" in guided.review.value
    guided.tick(1, 3)
    assert "All three steps ticked." in guided.review.value
    assert not any("not ticked" in line for line in guided.review_lines())


def test_step_one_ticks_when_the_pacer_says_its_breaths_are_done():
    guided = checklist()
    guided.pacer.start()
    guided.pacer.completed_cycles = 1  # what the browser reports after one breath of two
    assert guided.steps_done == (False, False, False)
    guided.pacer.completed_cycles = 2
    assert guided.steps_done == (True, False, False)


def test_a_sample_clip_ticks_nothing_logs_nothing_and_says_whose_it_is(make_frame):
    guided = checklist()
    guided.add_take(take(make_frame(**HALF_SMILE), source="WolfgangLanger_Pexels.mp4", sample="pexels"))
    assert guided.origin == "sample" and guided.steps_done == (False, False, False)
    assert "sample clip, not you" in guided.review.value and "is not ticked yet" not in guided.review.value
    assert practice_log.entries() == []
    assert "No takes of your own yet" in guided.card.value


def test_own_take_is_logged_with_its_origin_and_the_card_counts_it(make_frame):
    guided = checklist()
    guided.tick(1, 2, 3)
    guided.add_take(take(make_frame(**HALF_SMILE)))
    (entry,) = practice_log.entries("checklist take")
    assert entry["values"]["origin"] == "camera" and entry["values"]["steps"] == 3
    assert "1 take(s) of your own" in guided.card.value


def test_brow_events_cut_off_by_the_take_are_never_rogue_brows(make_frame):
    frame = make_frame(n=60, no_face=3, **HALF_SMILE)  # the first analysed frame is at 0.1 s
    events = [brow(0.1, 0.8), brow(1.0, 1.3), brow(1.7, 60 / 30 - 1 / 30), brow(1.4, 1.5, kind="cut off")]
    complete, cut = complete_brow_events(take(frame, events))
    assert [e.onset_s for e in complete] == [1.0] and cut == 3
    lines = review(take(frame, events))
    assert any(line.startswith("At 1.0 s the brows pulled down (AU04) for 300 ms") for line in lines)
    assert not any(line.startswith("At 0.1 s") for line in lines)
    assert any("3 brow movement(s) at the very start or end" in line for line in lines)
    assert "No brow movement stood out" in " ".join(review(take(frame, events[:1])))


def test_summary_card_counts_only_own_takes_and_ranks_nothing():
    entries = [
        {"kind": "mirror take", "summary": "before", "values": {"origin": "camera", "AU12": 0.2}},
        {"kind": "mirror take", "summary": "a sample", "values": {"origin": "sample", "AU12": 0.9}},
        {"kind": "reflection", "summary": "text", "values": {}},
        {"kind": "checklist take", "summary": "latest words", "values": {"origin": "file", "AU12": 0.35}},
    ]
    card = summary_card(entries)
    assert "2 take(s) of your own" in card and "0.20 in your first take, 0.35 in your latest" in card
    assert "0.90" not in card and "latest words" in card
    assert not SCORES.search(re.sub(r"<[^>]+>", " ", card))


def test_whose_take_it_is(tmp_path):
    import numpy as np

    from microexp_widgets.assets import sample_path
    from microexp_widgets.face import BLENDSHAPES
    from microexp_widgets.lessons.take_origin import is_sample
    from microexp_widgets.timeline import AUTimeline

    def made_from(clip):
        return AUTimeline.from_blendshapes(np.arange(3) / 24, np.zeros((3, len(BLENDSHAPES))), BLENDSHAPES, clip=clip)

    own = tmp_path / "single_face.mp4"  # the learner's own file, named like a sample: still theirs
    own.write_bytes(sample_path("single_face").read_bytes())
    assert is_sample(made_from(sample_path("single_face")))
    assert not is_sample(made_from(own))
    assert not is_sample(made_from(b"webm bytes of a camera take"))
