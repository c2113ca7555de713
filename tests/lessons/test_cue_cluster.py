"""Cue-cluster logic: the article's two scenes, context explaining cues away, and the question to ask."""

import pytest

from microexp_widgets.lessons.cue_cluster import LEVELS, CueClusterBuilder, assess


def test_one_cue_is_a_hint_not_a_verdict():
    result = assess(["micro_glare"])
    assert result.label == "weak"
    assert any("hint, not a verdict" in r for r in result.reasons)


def test_the_articles_cluster_is_the_strongest_reading():
    result = assess(["micro_glare", "crossed_arms", "one_word"])
    assert result.level == len(LEVELS) - 1 and result.question == "All good?"


def test_open_posture_and_banter_outweigh_a_glare():
    result = assess(["micro_glare", "open_posture", "banter"])
    assert result.level == 0 and result.against == ("open_posture", "banter")
    assert "No need to ask" in result.question


def test_context_explains_cues_and_suggests_a_question():
    result = assess(["micro_glare", "crossed_arms"], ["sun", "cold"])
    assert result.level == 0 and result.support == ()
    assert result.explained == {"micro_glare": "sun", "crossed_arms": "cold"}
    assert "swap seats" in result.question


def test_context_only_explains_its_own_cues():
    result = assess(["micro_glare", "crossed_arms", "one_word"], ["sun"])
    assert result.support == ("crossed_arms", "one_word") and result.level == 2


def test_unknown_keys_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="choose from"):
        assess(["frown"])
    with pytest.raises(ValueError, match="choose from"):
        assess([], ["moon"])


def test_widget_ticks_and_renders():
    builder = CueClusterBuilder()
    assert builder.assessment.level == 0
    result = builder.select(["micro_glare", "crossed_arms"], ["topic"])
    assert result.support == ("crossed_arms",) and "Rent" in builder._out.value
    builder._cue_boxes["one_word"].value = True
    assert builder.assessment.level == 1


def test_builder_starts_empty_and_loads_an_example_only_on_request():
    from microexp_widgets.lessons.cue_cluster import EXAMPLES

    builder = CueClusterBuilder()
    assert builder.ticked == ((), ()) and "Nothing noticed yet" in builder._out.value
    result = builder.load_example("glare with open posture and banter")
    assert builder.ticked == (EXAMPLES["glare with open posture and banter"][0], ()) and result.level == 0
    load, empty = builder.children[-1].children[1:]
    builder._example.value = "the same glare, in the sun"
    load.click()
    assert builder.ticked == (("micro_glare",), ("sun",)) and "swap seats" in builder._out.value
    empty.click()
    assert builder.ticked == ((), ())
    with pytest.raises(ValueError, match="choose from"):
        builder.load_example("a scene nobody wrote")
