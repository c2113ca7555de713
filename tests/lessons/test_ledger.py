"""Impression ledger arithmetic: contributions, running impression, the first blip's share, and order."""

import pytest

from microexp_widgets.lessons.ledger import DEFAULT_CUES, Cue, ImpressionLedger, tally, verdict


def test_contributions_fade_with_position():
    cues = [Cue("grimace", "g", -2), Cue("jokes", "j", 2), Cue("music", "m", 2, weight=0.5)]
    result = tally(cues, fade=0.5)
    assert result.contributions == pytest.approx((-2.0, 1.0, 0.25))
    assert result.running == pytest.approx((-2.0, -1.0, -0.75))
    assert result.total == pytest.approx(-0.75)
    assert result.focus_share == pytest.approx(2.0 / 3.25)


def test_neutral_chat_leaves_the_blip_all_the_weight():
    result = tally([Cue("grimace", "g", -3), Cue("neutral", "n", 0), Cue("neutral2", "n", 0)])
    assert result.focus_share == 1.0 and result.total == -3.0


def test_order_matters_unless_fade_is_one():
    cues = list(DEFAULT_CUES)
    later = cues[1:] + cues[:1]
    assert tally(cues).focus_share > tally(later).focus_share
    assert tally(cues).total < tally(later).total
    assert tally(cues, fade=1.0).total == pytest.approx(tally(later, fade=1.0).total)


def test_the_default_story_agrees_with_quiz_03():
    # The article's party: the grimace starts you down, and the later cues outweigh it (quiz 03's right answer).
    from microexp_widgets.lessons.quiz_bank import QUESTIONS

    result = tally(DEFAULT_CUES)
    assert result.running[0] < 0 and result.total > 0.5
    assert 0 < result.focus_share < 0.5
    assert verdict(result).startswith("The later cues outweigh the first blip")
    right = [c.text for spec in QUESTIONS["03_make_or_break"] for c in spec.choices if c.correct]
    assert any("later cues outweigh it" in text for text in right), right
    assert "later cues outweigh the first blip" in ImpressionLedger().table.value


def test_neutral_chat_only_leaves_you_a_few_points_down():
    result = tally([cue for cue in DEFAULT_CUES if cue.key in ("grimace", "smile", "neutral")])
    assert result.total < -0.5 and result.focus_share > 0.5
    assert verdict(result).startswith("The first blip still outweighs")
    assert "evened out" in verdict(tally([Cue("grimace", "g", -2), Cue("jokes", "j", 2)], fade=1.0))
    assert verdict(tally([Cue("jokes", "j", 2)])) == "The impression ends on the warm side."


def test_fade_must_be_sensible():
    with pytest.raises(ValueError):
        tally(DEFAULT_CUES, fade=0)
    with pytest.raises(ValueError):
        tally(DEFAULT_CUES, fade=1.5)


def test_missing_focus_and_no_evidence():
    assert tally([Cue("jokes", "j", 2)]).focus_share is None
    assert tally([Cue("grimace", "g", 0)]).focus_share is None


def test_widget_reorders_reweights_and_escapes_own_cues():
    ledger = ImpressionLedger(fade=0.5)
    first = ledger.result().focus_share
    ledger.move(0, +10)
    assert ledger.cues[-1].key == "grimace"
    assert ledger.result().focus_share < first
    ledger.set_cue(len(ledger.cues) - 1, weight=0)
    assert ledger.result().focus_share == 0
    assert ledger.sliders[-1][1].value == 0
    ledger.add("<img src=x onerror=alert(1)>", 1)
    assert "&lt;img" in ledger.table.value and "<img" not in ledger.table.value
    ledger.add("   ", 1)
    assert len(ledger.cues) == len(DEFAULT_CUES) + 1


def test_reset_brings_back_the_default_story():
    ledger = ImpressionLedger()
    default = ledger.result()
    ledger.remove(4)
    ledger.remove(3)
    ledger.move(0, +10)
    ledger.fade = 1.0
    ledger.add("remembers your name", 2)
    assert ledger.result().total != pytest.approx(default.total)
    ledger.reset()
    assert ledger.cues == list(DEFAULT_CUES) and ledger.fade == 0.85
    assert ledger.result() == default
    assert [row.children[2].value for row in ledger._rows.children][0] == "1. a micro-grimace when you say hello"
