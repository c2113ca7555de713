"""One learner's memory stays well under the ~1 GB that mybinder.org guarantees per user."""

from __future__ import annotations

import pytest
from measure_memory import measure  # tests/binder is on sys.path (pytest prepend import mode)

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
