"""The JupyterLab that ``./run lessons`` starts makes no outside request and asks no news question (P4).

The test runs the README's own command, ``./run lessons``, under ``strace -f`` (the server, and every kernel it
starts, are its children) with a fresh Jupyter configuration folder, as a new learner has. It opens the first lesson
in real Chromium, runs it, and checks three things from the moment the page opens: no request of the page's leaves
localhost, JupyterLab shows no "Jupyter news" question, and at the OS level no process made a DNS query or a
connection off loopback. Without the settings that ``microexp_widgets.jupyter_settings`` writes into the
environment this test fails (both checked by hand on 2026-11-27): without the front-end settings the toast "Would you
like to get notified about official Jupyter news?" shows within seconds; without the server settings the news and
update requests below make the server look up names and connect to port 443 off the machine.

It also asks the server for news and for updates, as JupyterLab's front end does when a learner allows it: with
the environment's settings the server answers from what it has, and strace sees no lookup.

It also checks the working copy: the lessons open from a copy, and the tracked notebooks stay as they are.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from browser.conftest import _free_port  # by package path: the bare name can be another folder's conftest
from network_trace import STRACE, STRACE_HINT, attempts_off_the_machine, strace_command

REPO = Path(__file__).resolve().parents[2]
FIRST_LESSON = "00_start_here.ipynb"
NEWS_QUESTION = "Jupyter news"
QUIET_PERIOD_S = 8  # JupyterLab asks the news question a moment after start-up


def _digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.glob("*.ipynb"))}


def _get(url: str, token: str, method: str = "GET") -> None:
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5):
        pass


def test_run_lessons_opens_a_quiet_jupyterlab_on_a_working_copy(browser, tmp_path):
    assert STRACE, STRACE_HINT
    tracked_before = _digest(REPO / "lessons")
    stamp = REPO / ".venv" / ".microexp-installed"
    stamp_before = stamp.stat().st_mtime_ns if stamp.exists() else None
    working_copy = tmp_path / "my-lessons"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "VIRTUAL_ENV"))}
    env.update(
        MICROEXP_LESSONS_COPY=str(working_copy),
        MICROEXP_DATA=str(tmp_path / "learner-data"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),  # a new learner: no settings of their own, no news answer
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        IPYTHONDIR=str(tmp_path / "ipython"),
    )
    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    trace = tmp_path / "strace.log"
    command = [str(REPO / "run"), "lessons", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
               "--port-retries=0", f"--IdentityProvider.token={token}",
               "--LabApp.expose_app_in_browser=True"]  # fmt: skip
    log = tmp_path / "lessons.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(strace_command(trace) + command, env=env, stdout=out, stderr=subprocess.STDOUT)
    requests: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, OSError):
                assert server.poll() is None, log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, "./run lessons did not start JupyterLab in 180 s"
                time.sleep(0.5)

        assert _digest(working_copy) == tracked_before, "the working copy should start as the tracked lessons"
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto(f"{base}/lab/tree/{FIRST_LESSON}?token={token}")
            page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=90_000)
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " const s = w && w.sessionContext && w.sessionContext.session;"
                " return !!(s && s.kernel && s.kernel.status === 'idle'); }",
                timeout=90_000,
            )
            page.wait_for_timeout(QUIET_PERIOD_S * 1000)
            page.keyboard.press("Control+s")  # the learner saves their copy, as autosave would
            page.wait_for_timeout(1000)
            shown = page.locator("body").inner_text()
            page.screenshot(path=str(tmp_path / "lessons-start.png"))
        finally:
            context.close()
        for endpoint in ("/lab/api/news", "/lab/api/update"):  # each would fetch from the internet if allowed
            _get(f"{base}{endpoint}", token)
        _get(f"{base}/api/shutdown", token, method="POST")
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)

    assert NEWS_QUESTION not in shown, "JupyterLab asked the learner about Jupyter news"
    assert requests, "the page made no request at all"
    outside = [url for url in requests if not url.startswith((base, "data:", "blob:"))]
    assert not outside, f"the page asked for something off localhost: {outside[:5]}"
    offences = attempts_off_the_machine(trace.read_text(errors="replace"))
    assert not offences, "./run lessons reached for the network:\n" + "\n".join(offences[:10])
    assert _digest(REPO / "lessons") == tracked_before, "./run lessons changed the tracked notebooks"
    if stamp_before is not None:
        assert stamp.stat().st_mtime_ns == stamp_before, "./run lessons re-installed what ./run tests had installed"
