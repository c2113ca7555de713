"""The sizing table and the hub's per-learner resources, computed from the figures the room test measured.

Run ``python deploy/sizing.py`` to print the Markdown table for ``deploy/README.md`` and the values for
``deploy/config.yaml``; ``tests/hub/test_deploy_recipe.py`` checks that both files still say what this computes
from ``deploy/room-figures.json``. To re-measure, run the room test with
``MICROEXP_ROOM_FIGURES=deploy/room-figures.json``, then this script, and paste its output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

FIGURES = Path(__file__).with_name("room-figures.json")
ROOM_SIZES = (10, 30, 100)
# A room presses Stop within about this many seconds of each other; the cores asked for let every take of the
# room be analysed within that window.
ROOM_STOP_WINDOW_S = 10.0
MEMORY_HEADROOM = 1.25  # over the measured peak: other lessons' widgets, a longer take
MEMORY_STEP_MIB = 128
LIMIT_OVER_GUARANTEE = 2  # a learner may upload a longer clip now and then
CPU_STEP = 0.05


def load(path: Path = FIGURES) -> dict:
    return json.loads(path.read_text())


def per_learner(figures: dict) -> dict:
    """Memory (MiB) and CPU (cores) each learner's server is guaranteed and limited to."""
    peak = max(figures["peak_mib_per_learner"].values())
    guarantee = math.ceil(peak * MEMORY_HEADROOM / MEMORY_STEP_MIB) * MEMORY_STEP_MIB
    cpu_per_take = max(figures["server_cpu_s_per_take"].values())
    cpu_guarantee = math.ceil(cpu_per_take / ROOM_STOP_WINDOW_S / CPU_STEP) * CPU_STEP
    return {
        "memory_guarantee_mib": guarantee,
        "memory_limit_mib": LIMIT_OVER_GUARANTEE * guarantee,
        "cpu_guarantee": round(cpu_guarantee, 2),
        "cpu_limit": 1.0,  # one take is analysed on one core at a time
    }


def room(figures: dict, learners: int) -> tuple[float, int]:
    """Memory (GiB) and cores for a room: every learner's guarantee, plus the hub, its proxy and the system."""
    resources = per_learner(figures)
    hub_mib = figures["hub_and_proxy_peak_mib"] + 512  # the operating system and a margin
    memory_gib = (learners * resources["memory_guarantee_mib"] + hub_mib) / 1024
    cpu_per_take = max(figures["server_cpu_s_per_take"].values())
    cores = math.ceil(learners * cpu_per_take / ROOM_STOP_WINDOW_S) + 1  # + 1 for the hub, proxy and system
    return round(memory_gib, 1), max(cores, 2)


def table(figures: dict) -> str:
    rows = [
        "| learners | memory | cores | how we know |",
        "| --- | --- | --- | --- |",
    ]
    measured = figures["learners"]
    for learners in (measured, *ROOM_SIZES):
        memory, cores = room(figures, learners)
        basis = (
            "from the run measured here: a real hub, takes at the same moment"
            if learners == measured
            else f"extrapolated linearly from the {measured}-learner run"
        )
        rows.append(f"| {learners} | {memory:g} GiB | {cores} | {basis} |")
    return "\n".join(rows)


def z2jh_values(figures: dict) -> dict:
    resources = per_learner(figures)
    return {
        "memory": {"guarantee": f"{resources['memory_guarantee_mib']}M", "limit": f"{resources['memory_limit_mib']}M"},
        "cpu": {"guarantee": resources["cpu_guarantee"], "limit": resources["cpu_limit"]},
    }


if __name__ == "__main__":
    figures = load()
    print(table(figures))
    print()
    print(json.dumps(z2jh_values(figures), indent=1))
