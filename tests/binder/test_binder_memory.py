"""One learner's memory stays well under the ~1 GB that mybinder.org guarantees per user."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# Loaded by path, so the script works the same whatever pytest's import mode (it is also run on its own).
_spec = importlib.util.spec_from_file_location("binder_measure_memory", Path(__file__).with_name("measure_memory.py"))
_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_script)
measure = _script.measure

pytestmark = [pytest.mark.binder, pytest.mark.slow]

# mybinder.org guarantees about 1 GB per user; "well under" leaves a quarter of it for the browser-side transfer,
# a second notebook open, and the library growing.
BUDGET_MIB = 768


def test_server_and_kernel_stay_well_under_a_binder_users_memory(tmp_path):
    result = measure(tmp_path, takes=2)
    print(f"\nmemory per learner: {result}")
    assert result["face_frames"] > 0.9 * result["frames"], "the activity must really analyse a face"
    assert result["events"] > 0
    assert result["learner_total_peak_mib"] < BUDGET_MIB, result
