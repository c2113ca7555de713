"""FlashDrill's Python side: trial planning, answers and scoring, hit-rate math, driven with set_state."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from microexp_widgets.face_drawing import face_svg
from microexp_widgets.prototypes import PROTOTYPES
from microexp_widgets.widgets.flash_drill import NOTHING, FlashDrill, hit_rates, plan_trials


def _flash(drill: FlashDrill, measured_ms: float | None = None, frame_ms: float = 16.7) -> None:
    """What the browser sends after it has flashed the current trial."""
    requested = drill.exposure_ms
    drill.set_state(
        {
            "flash_report": {
                "trial": drill.trial_index,
                "requested_ms": requested,
                "measured_ms": requested if measured_ms is None else measured_ms,
                "frame_ms": frame_ms,
                "frames": 3,
            }
        }
    )


def _click(drill: FlashDrill, choice: str) -> None:
    """What the browser sends when an answer button is pressed."""
    drill.set_state({"answer_report": {"trial": drill.trial_index, "answer": choice, "at": 1}})


def test_plan_is_seeded_balanced_and_in_mode_order():
    plan = plan_trials(["a", "b"], [40, 100, 200, 500], ["pre-test", "practice", "post-test"], 8, seed=5)
    assert plan == plan_trials(["a", "b"], [40, 100, 200, 500], ["pre-test", "practice", "post-test"], 8, seed=5)
    assert plan != plan_trials(["a", "b"], [40, 100, 200, 500], ["pre-test", "practice", "post-test"], 8, seed=6)
    assert [t.index for t in plan] == list(range(24))
    assert [t.mode for t in plan] == ["pre-test"] * 8 + ["practice"] * 8 + ["post-test"] * 8
    for mode in ("pre-test", "practice", "post-test"):
        part = [t for t in plan if t.mode == mode]
        assert Counter(t.exposure_ms for t in part) == {40: 2, 100: 2, 200: 2, 500: 2}
        assert Counter(t.target for t in part) == {"a": 4, "b": 4}


def test_exposures_must_lie_between_40_and_500_ms():
    for bad in ([20, 100], [100, 501], []):
        with pytest.raises(ValueError, match="between 40 and 500 ms"):
            FlashDrill(exposures_ms=bad)
    drill = FlashDrill(exposures_ms=[40, 500], trials_per_mode=4)
    assert all(40 <= t.exposure_ms <= 500 for t in drill.trials)


def test_targets_become_drawn_faces_and_answer_buttons():
    drill = FlashDrill(targets=["AU04", "surprise", "AU01+AU02"], modes=("practice",), trials_per_mode=3, seed=0)
    assert drill.choices == [
        "AU04 brow lowerer",
        "surprise",
        "AU01+AU02 inner brow raiser + outer brow raiser",
        NOTHING,
    ]
    assert drill.neutral_svg == face_svg({}, size=220)
    first = drill.trials[0]
    expected = {
        "AU04 brow lowerer": {"AU04": 0.9},
        "surprise": PROTOTYPES["surprise"].intensities,
        "AU01+AU02 inner brow raiser + outer brow raiser": {"AU01": 0.9, "AU02": 0.9},
    }[first.target]
    assert drill.target_svg == face_svg(expected, size=220)
    assert drill.exposure_ms == first.exposure_ms and drill.mode == "practice" and drill.status == "ready"


def test_bad_targets_and_modes_get_plain_messages():
    with pytest.raises(ValueError, match="neither an AU code"):
        FlashDrill(targets=["a smile"])
    with pytest.raises(ValueError, match="draws the neutral face"):
        FlashDrill(targets={"nothing at all": {"AU12": 0.0}})
    with pytest.raises(ValueError, match="Modes must be some of"):
        FlashDrill(modes=("warm-up",))


def test_a_trial_records_the_measured_exposure_and_scores_the_answer():
    drill = FlashDrill(targets=["AU04", "AU12"], exposures_ms=[100], modes=("pre-test",), trials_per_mode=2, seed=1)
    first = drill.trials[0]
    _flash(drill, measured_ms=116.8, frame_ms=16.7)
    assert drill.status == "answer"
    wrong = next(c for c in drill.choices if c != first.target)
    _click(drill, wrong)
    row = drill.results.iloc[0]
    assert (row["trial"], row["target"], row["exposure_ms"]) == (1, first.target, 100)
    assert row["measured_ms"] == pytest.approx(116.8) and row["frame_ms"] == pytest.approx(16.7)
    assert not row["on_time"]  # 16.8 ms over: more than one frame
    assert row["answer"] == wrong
    assert bool(row["correct"]) is False and row["correct"] is not None
    assert drill.feedback == "Answer saved."  # tests give no right/wrong feedback
    assert drill.trial_index == 1 and drill.status == "ready"


def test_practice_gives_feedback_and_shows_the_face_that_was_flashed():
    drill = FlashDrill(targets=["AU04", "AU12"], exposures_ms=[40], modes=("practice",), trials_per_mode=2, seed=2)
    first, second = drill.trials
    _flash(drill, measured_ms=33.4)
    _click(drill, first.target)
    assert drill.feedback.startswith(f"Right: it was {first.target} (33 ms)")
    _flash(drill)
    _click(drill, NOTHING)
    assert f"Not this time: it was {second.target}, shown for 40 ms" in drill.feedback
    assert drill.reveal_svg == face_svg({"AU04": 0.9} if "AU04" in second.target else {"AU12": 0.9}, size=110)
    assert drill.status == "finished" and "Done" in drill.feedback
    assert drill.results["correct"].tolist() == [True, False]


def test_reports_out_of_turn_are_ignored_from_the_browser_and_refused_from_python():
    drill = FlashDrill(exposures_ms=[100], trials_per_mode=2)
    _click(drill, drill.choices[0])  # an answer before any flash: a stale view, ignored
    assert drill.trial_index == 0 and drill.results.empty
    with pytest.raises(RuntimeError, match="Show the face"):
        drill.answer(drill.choices[0])
    _flash(drill)
    drill.set_state({"flash_report": {"trial": 0, "measured_ms": 999, "frame_ms": 16.7}})  # a second view reports
    assert drill.results["measured_ms"].tolist() == [100]
    with pytest.raises(ValueError, match="not one of the answers"):
        drill.answer("joy")
    with pytest.raises(RuntimeError, match="Answer the last flash first"):
        drill.flash()


def test_python_can_run_the_drill_too_and_on_finish_fires_once():
    drill = FlashDrill(targets=["AU12"], exposures_ms=[200], modes=("pre-test", "post-test"), trials_per_mode=1)
    finished = []
    drill.on_finish(finished.append)
    before = drill.flash_request
    drill.flash()
    assert drill.flash_request == before + 1  # the browser flashes on this change
    _flash(drill)
    drill.answer("AU12 lip corner puller")
    assert "Post-test" in drill.feedback  # a new part of the drill is introduced
    _flash(drill)
    drill.answer("AU12 lip corner puller")
    assert finished == [drill] and drill.status == "finished"
    with pytest.raises(RuntimeError, match="finished"):
        drill.flash()


def test_hit_rate_table_math():
    results = pd.DataFrame(
        {
            "mode": ["post-test", "pre-test", "pre-test", "pre-test", "pre-test", "post-test", "practice"],
            "exposure_ms": [40, 40, 40, 40, 200, 200, 40],
            "correct": [True, True, False, False, True, None, False],
        }
    )
    table = hit_rates(results)
    assert table[["mode", "exposure_ms"]].values.tolist() == [
        ["pre-test", 40], ["pre-test", 200], ["practice", 40], ["post-test", 40]
    ]  # fmt: skip
    assert table["trials"].tolist() == [3, 1, 1, 1]  # the unanswered post-test flash is left out
    assert table["hits"].tolist() == [1, 1, 0, 1]
    assert table["hit_rate"].tolist() == pytest.approx([1 / 3, 1.0, 0.0, 1.0])


def test_drill_hit_rates_and_plot_follow_the_answers():
    drill = FlashDrill(targets=["AU04"], exposures_ms=[40, 200], modes=("pre-test",), trials_per_mode=4, seed=0)
    for _ in range(4):
        right = drill.exposure_ms == 200
        _flash(drill)
        _click(drill, "AU04 brow lowerer" if right else NOTHING)
    rates = drill.hit_rates().set_index("exposure_ms")["hit_rate"]
    assert rates.to_dict() == {40: 0.0, 200: 1.0}
    figure = drill.plot()
    assert [trace.name for trace in figure.data] == ["pre-test"]
    assert list(figure.data[0].x) == [40, 200] and list(figure.data[0].y) == [0.0, 100.0]


def test_empty_results_give_an_empty_hit_rate_table():
    drill = FlashDrill()
    assert drill.results.empty and list(drill.results.columns)[:4] == ["trial", "mode", "target", "exposure_ms"]
    assert drill.hit_rates().empty
    assert len(drill.plot().data) == 0


def test_unknown_keyword_arguments_are_refused():
    with pytest.raises(TypeError, match="unexpected keyword arguments: exposure"):
        FlashDrill(exposure=100)
