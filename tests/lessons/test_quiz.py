"""Quiz answers: single, multiple and numeric checks, feedback, recording, and the lessons' question bank."""

import pytest

from microexp_widgets.lessons import store
from microexp_widgets.lessons.progress import LESSONS
from microexp_widgets.lessons.quiz import Choice, NumericAnswer, QuestionSpec, Quiz
from microexp_widgets.lessons.quiz_bank import QUESTIONS, questions, quiz_for

CHOICES = (Choice("a", False, "not a"), Choice("b", True, "b it is"), Choice("c", True, "c too"))


def test_single_choice_feedback_per_answer():
    spec = QuestionSpec("t.s", "?", "single", (Choice("x", False, "no x"), Choice("y", True, "yes y")))
    assert spec.check(1).correct and spec.check(1).feedback == ("yes y",)
    assert not spec.check(0).correct and spec.check(0).feedback == ("no x",)
    assert not spec.check(None).correct and "Pick one" in spec.check(None).feedback[0]
    assert not spec.check(5).correct


def test_multiple_choice_needs_every_right_answer_and_no_wrong_one():
    spec = QuestionSpec("t.m", "?", "multiple", CHOICES)
    assert spec.check([1, 2]).correct
    partial = spec.check([1])
    assert not partial.correct and "left out 1 right answer" in partial.feedback[-1]
    extra = spec.check([0, 1, 2])
    assert not extra.correct and extra.feedback[0] == "Not this one: not a"
    assert not spec.check([]).correct


def test_numeric_within_tolerance_and_direction_of_miss():
    spec = QuestionSpec("t.n", "?", "numeric", numeric=NumericAnswer(180, 10, "ms", "yes", "low", "high"))
    assert spec.check(185).correct and spec.check("172").correct
    assert spec.check(150).feedback == ("low",) and not spec.check(150).correct
    assert spec.check(200).feedback == ("high",)
    assert not spec.check("abc").correct and not spec.check(float("nan")).correct


def test_invalid_specs_are_refused():
    with pytest.raises(ValueError):
        QuestionSpec("t.x", "?", "single", (Choice("a", True, ""), Choice("b", True, "")))
    with pytest.raises(ValueError):
        QuestionSpec("t.x", "?", "multiple", (Choice("a", False, ""),))
    with pytest.raises(ValueError):
        QuestionSpec("t.x", "?", "numeric")


def test_widget_answers_show_feedback_and_record_attempts():
    quiz = Quiz.multiple("t.w", "Which?", CHOICES)
    assert not quiz.answer([1]).correct
    assert "Not quite" in quiz.feedback.value
    assert quiz.answer([1, 2]).correct
    assert "Correct" in quiz.feedback.value
    record = store.load()["quiz"]["t.w"]
    assert record["attempts"] == 2 and record["correct"] is True


def test_widget_numeric_and_single_paths():
    numeric = Quiz.numeric("t.n", "How many?", NumericAnswer(40, 1, "ms"), save=False)
    assert numeric.answer(40.5).correct and not numeric.answer(30).correct
    single = Quiz.single("t.s", "Which?", CHOICES[:2], save=False)
    assert single.response() is None
    assert single.answer(1).correct
    assert store.load()["quiz"] == {}


def test_every_lesson_has_a_sound_question():
    assert set(QUESTIONS) == {lesson.key for lesson in LESSONS}
    for lesson in LESSONS:
        for spec in questions(lesson.key):
            assert spec.answer_key()
            if spec.kind == "numeric":
                assert spec.check(spec.numeric.value).correct
            elif spec.kind == "single":
                right = next(i for i, c in enumerate(spec.choices) if c.correct)
                assert spec.check(right).correct
                assert not any(spec.check(i).correct for i in range(len(spec.choices)) if i != right)
            else:
                assert spec.check([i for i, c in enumerate(spec.choices) if c.correct]).correct
                assert not spec.check(list(range(len(spec.choices)))).correct


def test_quiz_for_numbers_from_one():
    assert quiz_for("02_what_they_are", 2).spec.key == "02.blanks"
    assert quiz_for("02_what_they_are", 3).spec.key == "02.limits"
    with pytest.raises(ValueError):
        quiz_for("02_what_they_are", 4)
    with pytest.raises(ValueError):
        quiz_for("99_nope")


def _spec(key: str) -> QuestionSpec:
    return next(spec for specs in QUESTIONS.values() for spec in specs if spec.key == key)


def _right(spec: QuestionSpec) -> Choice:
    return next(c for c in spec.choices if c.correct)


def test_quiz_03_agrees_with_the_default_ledger():
    from microexp_widgets.lessons.ledger import DEFAULT_CUES, tally, verdict

    assert "later cues outweigh it" in _right(_spec("03.ledger")).text
    party = tally(DEFAULT_CUES)
    assert party.total > 0 and party.focus_share < 0.5
    assert verdict(party).startswith("The later cues outweigh the first blip")


def test_quiz_04_teaches_the_illusion_of_transparency_and_scores_nothing():
    spec = _spec("04.transparency")
    right = _right(spec)
    assert "more visible from inside" in right.text and "Savitsky & Gilovich, 2003" in right.feedback
    score = next(c for c in spec.choices if "score" in c.text)
    assert not score.correct and "nothing here is a score" in score.feedback
    tool = next(c for c in spec.choices if "tool measured" in c.text)
    assert not tool.correct and "never nerves or feelings" in tool.feedback


def test_quiz_02_reads_noticing_against_the_yes_to_blank_flashes():
    spec = _spec("02.blanks")
    assert "blank" in spec.prompt and "almost as often when nothing moved" in _right(spec).text
    assert any("1 time in 2" in c.feedback and "1 time in 5" in c.feedback for c in spec.choices)


def test_after_check_every_option_of_every_question_is_explained():
    """Before issue 18 only the picked option's explanation was shown (seen failing on the old Quiz.check)."""
    import html

    for specs in QUESTIONS.values():
        for spec in specs:
            quiz = Quiz(spec, save=False)
            if spec.kind == "numeric":
                quiz.answer(spec.numeric.value)
                assert html.escape(spec.numeric.right) in quiz.feedback.value
                continue
            quiz.answer(0 if spec.kind == "single" else [0])
            shown = quiz.feedback.value
            for choice in spec.choices:
                assert html.escape(choice.feedback) in shown and html.escape(choice.text) in shown, spec.key
            assert shown.count("(your answer)") + shown.count("(you ticked it)") == 1


def test_an_answer_that_cannot_be_checked_gives_nothing_away():
    quiz = quiz_for("00_start_here", save=False)
    quiz.check()
    assert "Pick one answer" in quiz.feedback.value
    assert not any(c.feedback in quiz.feedback.value for c in quiz.spec.choices)


def test_lesson_00s_answer_and_the_consent_note_say_the_same_about_saving():
    from microexp_widgets.widgets._consent import BROWSER_POINTS, kernel_points

    right = _right(_spec("00.video")).text
    assert "nothing of it is written to disk unless you choose to save it" in right
    logged = next(c for c in _spec("00.video").choices if "practice log" in c.text)
    assert not logged.correct and "unless you press a Save button" in logged.feedback
    for points in (BROWSER_POINTS, kernel_points()):
        assert any(point.startswith("Nothing is saved unless you save it yourself") for point in points)


def test_quiz_05_suggests_a_question_the_cue_builder_suggests_for_that_scene():
    from microexp_widgets.lessons.cue_cluster import CONTEXTS, assess

    # The quiz's scene: a glare and folded arms, in a cold office with the low sun in their eyes.
    scene = assess(["micro_glare", "crossed_arms"], ["sun", "cold"])
    assert scene.label == "not warranted"
    questions_here = {c.question for c in CONTEXTS if c.key in scene.explained.values()}
    assert any(q in _right(_spec("05.cluster")).text for q in questions_here)


def test_the_limits_question_teaches_timing_not_lies():
    spec = _spec("02.limits")
    right = _right(spec)
    assert "500 ms or less" in right.text and "speaking" in right.text
    lies = next(c for c in spec.choices if "lies" in c.text)
    assert not lies.correct and "Porter & ten Brinke, 2008" in lies.feedback


def test_feedback_never_says_feelings_are_unreadable_from_faces():
    for specs in QUESTIONS.values():
        for spec in specs:
            for choice in spec.choices:
                assert "not on the face" not in choice.feedback, spec.key


def test_the_micro_cut_off_in_the_questions_is_the_spotters():
    from microexp_widgets.spotting import MICRO_MAX_MS

    assert f"{MICRO_MAX_MS:.0f} ms or less" in _right(_spec("02.limits")).text
    assert f"{MICRO_MAX_MS:.0f} ms cut-off" in _right(_spec("02.facts")).text
    right = _spec("01.duration").numeric.right
    assert f"under the {MICRO_MAX_MS:.0f} ms cut-off, so this tool labels it micro" in right


def test_quiz_06_orders_the_steps_as_the_checklist_does():
    from microexp_widgets.lessons.checklist import STEPS

    right = _right(_spec("06.order")).text.lower()
    positions = [right.index(word) for word in ("exhale", "soft eyes", "curious")]
    assert positions == sorted(positions)
    assert [s.lower()[:6] for s in STEPS] == ["exhale", "soft e", "quick "]
