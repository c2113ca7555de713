"""BreathingPacer's Python side: settings, start/stop, and cycle counting from the browser's state updates."""

from __future__ import annotations

import pytest

from microexp_widgets.widgets.pacer import BreathingPacer


def test_default_is_a_slow_four_count_exhale():
    pacer = BreathingPacer()
    assert (pacer.inhale_counts, pacer.hold_counts, pacer.exhale_counts) == (4, 0, 4)
    assert pacer.seconds_per_count == 1.0 and pacer.cycle_seconds == 8.0
    assert pacer.session_seconds == 8.0 * pacer.cycles
    assert not pacer.running and pacer.completed_cycles == 0


def test_settings_are_configurable_and_checked():
    pacer = BreathingPacer(inhale_counts=3, hold_counts=2, exhale_counts=6, seconds_per_count=0.5, cycles=2)
    assert pacer.cycle_seconds == pytest.approx(5.5) and pacer.session_seconds == pytest.approx(11.0)
    for bad in ({"exhale_counts": 0}, {"cycles": 0}, {"inhale_counts": 2.5}, {"hold_counts": -1}):
        with pytest.raises(ValueError, match="whole number of at least"):
            BreathingPacer(**bad)
    with pytest.raises(ValueError, match="between 0.1 and 10 seconds"):
        BreathingPacer(seconds_per_count=0)
    with pytest.raises(TypeError):
        BreathingPacer(4)  # settings are keyword-only, so a stray number cannot be misread


def test_counts_cycles_from_browser_updates_and_completes_once():
    pacer = BreathingPacer(cycles=3)
    done = []
    pacer.on_complete(done.append)
    pacer.start()
    assert pacer.running and pacer.completed_cycles == 0
    for n in (1, 2):
        pacer.set_state({"completed_cycles": n})
        assert pacer.completed_cycles == n and pacer.running and done == []
    pacer.set_state({"completed_cycles": 3})
    assert done == [pacer] and not pacer.running
    pacer.set_state({"running": False})  # the browser says so too: no second callback
    assert done == [pacer]


def test_a_new_session_can_complete_again():
    pacer = BreathingPacer(cycles=1)
    done = []
    pacer.on_complete(done.append)
    pacer.set_state({"running": True, "completed_cycles": 0})  # the Start button in the browser
    pacer.set_state({"completed_cycles": 1})
    pacer.start()
    assert pacer.completed_cycles == 0 and pacer.running
    pacer.set_state({"completed_cycles": 1})
    assert done == [pacer, pacer]


def test_stop_keeps_the_count_and_fires_nothing():
    pacer = BreathingPacer(cycles=4)
    done = []
    pacer.on_complete(done.append)
    pacer.start()
    pacer.set_state({"completed_cycles": 2})
    pacer.stop()
    assert not pacer.running and pacer.completed_cycles == 2 and done == []
    pacer.on_complete(done.append, remove=True)
    pacer.start()
    pacer.set_state({"completed_cycles": 4})
    assert done == []  # the callback was removed


def test_unknown_keyword_arguments_are_refused():
    with pytest.raises(TypeError, match="unexpected keyword arguments: breaths"):
        BreathingPacer(breaths=3)
