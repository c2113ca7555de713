"""Fixtures for the room test: the learners' environment, system users, a real JupyterHub, Chromium with a camera.

The room test needs root (it makes system users), ``useradd``, ``configurable-http-proxy`` (``npm install -g
configurable-http-proxy``; ``.ci/run`` installs it) and Chromium. Without one of them it is skipped with that
reason, never passed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser.conftest import CHROMIUM, CHROMIUM_ARGS, write_y4m
from hub import room as room_module
from hub.single_user_env import ensure_env, shared_assets

LEARNERS = 3
# The whole room (users, hub, three lessons, three takes) must finish within this; past it, a watchdog ends the
# hub and every learner's processes, so every wait in the test fails at once and the test stops by itself.
ROOM_BUDGET_S = 420


@dataclass
class Learner:
    name: str
    home: Path
    uid: int


@dataclass
class Room:
    hub: room_module.Hub
    learners: list[Learner]
    aborted: threading.Event


def _missing_prerequisite() -> str | None:
    if os.geteuid() != 0:
        return "the room test makes system users, so it must run as root"
    for tool in ("useradd", "userdel", "configurable-http-proxy"):
        if shutil.which(tool) is None:
            hint = " (npm install -g configurable-http-proxy)" if tool == "configurable-http-proxy" else ""
            return f"the room test needs {tool}{hint}"
    if not CHROMIUM.exists():
        return f"the room test needs Chromium at {CHROMIUM}"
    return None


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    reason = _missing_prerequisite()
    if reason:
        pytest.skip(reason)
    env = ensure_env()
    assets = shared_assets(env)
    # A fresh prefix per run, so parallel sessions and leftovers of a killed run never collide.
    prefix = f"mxr{secrets.token_hex(2)}"
    learners: list[Learner] = []
    hub = None
    aborted = threading.Event()

    def abort() -> None:
        aborted.set()
        if hub is not None:
            hub.kill()
        for learner in learners:
            for process in room_module.processes_of(learner.uid):
                with contextlib.suppress(Exception):
                    process.kill()

    watchdog = threading.Timer(ROOM_BUDGET_S, abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        for index in range(1, LEARNERS + 1):
            name = f"{prefix}l{index}"
            home = room_module.add_learner(name)
            learners.append(Learner(name=name, home=home, uid=home.stat().st_uid))
        workdir = tmp_path_factory.mktemp("hub")
        hub = room_module.start_hub(workdir, env, assets, [learner.name for learner in learners])
        hub.spawn_all([learner.name for learner in learners])
        yield Room(hub=hub, learners=learners, aborted=aborted)
    finally:
        watchdog.cancel()
        if hub is not None:
            hub.stop()
        for learner in learners:
            room_module.remove_learner(learner.name)


@pytest.fixture(scope="module")
def room_browser(tmp_path_factory: pytest.TempPathFactory, playwright_driver):
    """Headless Chromium whose fake camera plays a real face clip; each learner gets a context of their own."""
    from microexp_widgets.assets import sample_path

    camera = tmp_path_factory.mktemp("camera") / "face.y4m"
    write_y4m(sample_path("pexels"), camera)
    chromium = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={camera}"],
    )
    try:
        yield chromium
    finally:
        chromium.close()
