"""Lesson 00 and a recorder take in Notebook 7 (``jupyter notebook``), the interface many hubs open by default.

The same checks as in JupyterLab, in Notebook 7's one-document page: lesson 00 runs top to bottom and reports the
sample clip's faces, and a take recorded with the buttons from Chromium's fake camera on the browser route (the face
model runs in the page, which sends the kernel numbers) reaches the kernel and draws its timeline. Every page request
stays on this machine.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

# The shared helpers by their package path: the bare name `conftest` can belong to another folder's conftest.
from browser.conftest import (
    _OPENED_JS,
    LabNotebook,
    LabServer,
    _free_port,
    _require_chromium,
    _write_lab_settings,
    running_server,
    write_notebook,
)
from page_checks import TIMELINE_DRAWN

pytestmark = pytest.mark.browser

LESSON_00 = Path(__file__).resolve().parents[2] / "lessons" / "00_start_here.ipynb"
TAKE_SECONDS = 4.0


@pytest.fixture(scope="module")
def notebook7_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """``jupyter notebook`` (Notebook 7) on 127.0.0.1, configured like the JupyterLab fixture."""
    _require_chromium()
    pytest.importorskip("notebook", minversion="7", reason="Notebook 7 is part of the test extra")
    base = tmp_path_factory.mktemp("nb7")
    root = base / "root"
    root.mkdir()
    settings = base / "settings"
    _write_lab_settings(settings)
    token, port = secrets.token_hex(16), _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    log = base / "notebook.log"
    command = [
        sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
        "--ServerApp.terminals_enabled=False", "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--JupyterNotebookApp.user_settings_dir={settings}",
    ]  # fmt: skip
    with running_server("Notebook 7", command, root=root, env=env, log=log, port=port, token=token) as server:
        yield server


@pytest.fixture
def open_in_notebook7(browser, notebook7_server: LabServer, tmp_path):
    """``nb = open_in_notebook7(cells, name)``: the notebook open in Notebook 7's page, kernel idle."""
    opened: list[LabNotebook] = []

    def open_(cells: list[str], name: str) -> LabNotebook:
        path = notebook7_server.root / f"{name}.ipynb"
        write_notebook(path, cells)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.grant_permissions(["camera"], origin=notebook7_server.url)
        page = context.new_page()
        nb = LabNotebook(page=page, path=path, server=notebook7_server, context=context)
        opened.append(nb)
        page.on("request", lambda request: nb.requests.append(request.url))
        page.on("console", lambda message: nb.console.append(f"{message.type}: {message.text}"))
        page.goto(f"{notebook7_server.url}/notebooks/{nb.relative}?token={notebook7_server.token}")
        try:
            page.wait_for_function(_OPENED_JS, arg=nb.relative, timeout=120_000, polling=200)
        except Exception as error:
            raise AssertionError(
                f"{name} did not open in Notebook 7 ({error}).\nconsole: {nb.console[-20:]}\n"
                f"server log: {notebook7_server.log_tail(2000)}"
            ) from error
        return nb

    yield open_
    for nb in opened:
        nb.shutdown()
        nb.context.close()


def _requests_off_this_machine(nb: LabNotebook) -> list[str]:
    return [
        url
        for url in nb.requests
        if not url.startswith(("data:", "blob:")) and urlparse(url).hostname not in ("127.0.0.1", "localhost")
    ]


def button(page, name: str):
    return page.locator("button:visible").filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")).first


def test_lesson_00_runs_top_to_bottom_in_notebook7(open_in_notebook7, tmp_path):
    cells = [c.source for c in nbformat.read(LESSON_00, as_version=4).cells if c.cell_type == "code"]
    data = tmp_path / "learner"
    nb = open_in_notebook7([f"import os\nos.environ['MICROEXP_DATA'] = {str(data)!r}", *cells], "lesson00_nb7")
    assert "/notebooks/" in nb.page.url, "this page is not Notebook 7's notebook view"
    nb.run_all(timeout_s=180)
    outputs = [nb.output_text(i) for i in range(nb.cell_count())]
    errors = [text for text in outputs if re.search(r"^\w+(Error|Exception): ", text, re.MULTILINE)]
    assert errors == [], errors
    assert any(re.search(r"Face found in [1-9]\d* of \d+ frames", text) for text in outputs), outputs
    # The lesson's widgets were drawn in the page, not only run in the kernel.
    assert nb.page.locator(".microexp-recorder").count() == 1
    nb.page.screenshot(path=str(tmp_path / "notebook7_lesson00.png"))
    assert _requests_off_this_machine(nb) == []


def test_a_recorder_take_in_notebook7(open_in_notebook7, tmp_path):
    setup = (
        "from microexp_widgets import Recorder, TimelineView\n"
        "view = TimelineView()\n"
        "rec = Recorder(max_seconds=10, view=view)\n"
        "rec"
    )
    nb = open_in_notebook7([setup, "view"], "recorder_nb7")
    nb.run_all()
    page = nb.page
    # The face model reaches the page from the kernel and starts there before the take, as in JupyterLab.
    nb.wait_for_kernel_value("rec.model_state", "ready", timeout_s=180, interval_s=1.0)
    button(page, "Record").click()
    page.locator("button:visible").filter(has_text=re.compile("start the camera", re.IGNORECASE)).first.click()
    page.locator(".microexp-recorder").get_by_text(re.compile("REC")).first.wait_for(timeout=60_000)
    time.sleep(TAKE_SECONDS)
    button(page, "Stop").click()
    page.wait_for_function(TIMELINE_DRAWN, timeout=90_000, polling=200)
    page.screenshot(path=str(tmp_path / "notebook7_take.png"))
    face_frames, frames, camera_on = nb.execute(
        "print(rec.timeline.face_frames, rec.timeline.frames, rec.camera_on)"
    ).split()
    figures = json.loads(nb.execute("import json\nprint(json.dumps(rec.take_figures))"))
    print(f"\nNotebook 7 take: {figures}")
    assert figures, "the take has no browser-route figures, so it was analysed in the kernel"
    assert figures["analysed_frames"] == int(frames), (figures, frames)
    # No frame rate is asked for here (the live tests measure it); a take needs some frames with a face.
    assert int(frames) >= 5 and int(face_frames) >= 0.8 * int(frames), (face_frames, frames)
    assert camera_on == "False"
    assert _requests_off_this_machine(nb) == []
