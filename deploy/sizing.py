"""The sizing table and the hub's per-learner resources, computed from the figures the room test measured.

Run ``python deploy/sizing.py`` to print the two Markdown tables for ``deploy/README.md`` (the room sizes and the
measured figures) and the values for ``deploy/config.yaml``; ``tests/hub/test_deploy_recipe.py`` checks that both
files still say what this computes from ``deploy/room-figures.json``. To re-measure, run the room test with
``MICROEXP_ROOM_FIGURES=deploy/room-figures.json``, then this script, and paste its output.

The figures are those of the browser route: the face model runs in each learner's page, which sends the kernel a
few numbers per frame, so a learner's server mostly holds memory and does little work per take.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

FIGURES = Path(__file__).with_name("room-figures.json")
ROOM_SIZES = (10, 30, 100)
# A room presses Stop within about this many seconds of each other; the cores asked for let every take of the
# room be finished within that window.
ROOM_STOP_WINDOW_S = 10.0
MEMORY_HEADROOM = 1.25  # over the measured peak: other lessons' widgets, a longer take
MEMORY_STEP_MIB = 128
LIMIT_OVER_GUARANTEE = 2  # a learner may analyse a sample clip or an uploaded video in the kernel now and then
# A page that cannot run the face model sends its takes to the kernel, which then decodes and analyses the video:
# the same room test measured that route at 588-593 MiB per learner and 2.7-3.3 CPU s per take (2026-11-27,
# before takes moved into the page). The memory limit always leaves room for it.
KERNEL_ROUTE_PEAK_MIB = 593
CPU_STEP = 0.05


def load(path: Path = FIGURES) -> dict:
    return json.loads(path.read_text())


def _round_up(mib: float) -> int:
    return math.ceil(mib / MEMORY_STEP_MIB) * MEMORY_STEP_MIB


def per_learner(figures: dict) -> dict:
    """Memory (MiB) and CPU (cores) each learner's server is guaranteed and limited to."""
    guarantee = _round_up(max(figures["peak_mib_per_learner"].values()) * MEMORY_HEADROOM)
    limit = max(LIMIT_OVER_GUARANTEE * guarantee, _round_up(KERNEL_ROUTE_PEAK_MIB * MEMORY_HEADROOM))
    cpu_per_take = max(figures["server_cpu_s_per_take"].values())
    cpu_guarantee = max(CPU_STEP, math.ceil(cpu_per_take / ROOM_STOP_WINDOW_S / CPU_STEP) * CPU_STEP)
    return {
        "memory_guarantee_mib": guarantee,
        "memory_limit_mib": limit,
        "cpu_guarantee": round(cpu_guarantee, 2),
        "cpu_limit": 1.0,  # a clip analysed in the kernel uses one core at a time
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


def _span(values, unit: str = "", digits: int = 1) -> str:
    low, high = round(min(values), digits), round(max(values), digits)
    text = f"{low:.{digits}f}" if low == high else f"{low:.{digits}f}-{high:.{digits}f}"
    return f"{text}{unit}"


def figures_table(figures: dict) -> str:
    """Every measured figure, per learner unless said, as a range over the room's learners."""

    def each(key: str) -> list[float]:
        return list(figures[key].values())

    takes = _span(each("take_s"), " s")
    kb_per_s = [b / 1000 for b in each("bytes_per_s_to_server")]
    measured = [
        ("peak memory on the server: single-user server plus kernel, after a take",
         _span(each("peak_mib_per_learner"), " MiB", 0)),
        (f"server CPU per take (takes of {takes})", _span(each("server_cpu_s_per_take"), " s", 2)),
        ("of which the kernel, by the recorder's own count", _span(each("kernel_cpu_s_per_take"), " s", 2)),
        ("Stop to timeline in the kernel, while the others still recorded", _span(each("stop_to_timeline_s"), " s")),
        ("face model running in the page, after the recorder cell ran", _span(each("page_model_ready_s"), " s")),
        ("sent from the server to the page until then, over its kernel connection (mostly the face model and its "
         "runtime, which the browser then keeps)",
         _span(each("page_mb_from_server_until_model_ready"), " MB")),
        ("frames analysed per second in the page", _span(each("page_analysed_fps"))),
        ("page time per analysed frame", _span(each("page_ms_per_frame"), " ms", 0)),
        ("sent from the page to the server during a take (numbers only)", _span(kb_per_s, " kB/s")),
        ("server ready after the hub was asked (all at once)", _span(each("spawn_s"), " s")),
        ("hub start-up, until its API answers through the proxy", f"{figures['hub_start_s']:.1f} s (the hub)"),
        ("hub and proxy, peak memory", f"{figures['hub_and_proxy_peak_mib']:.0f} MiB (the hub)"),
        (f"load average (1 min) on the {figures['cores']}-core machine before and after the takes",
         f"{figures['load_average_1min_before_takes']:.1f} and {figures['load_average_1min']:.1f} (the machine)"),
    ]  # fmt: skip
    rows = ["| figure (per learner unless said) | measured |", "| --- | --- |"]
    rows += [f"| {label} | {value} |" for label, value in measured]
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
    print(figures_table(figures))
    print()
    print(json.dumps(z2jh_values(figures), indent=1))
