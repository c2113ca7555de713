"""Shared fixtures for the real-browser tests: JupyterLab on localhost, Debian's Chromium with a fake camera.

Every test in this folder is marked ``browser``. The layer needs ``/usr/bin/chromium`` (or
``MICROEXP_CHROMIUM``); without it the tests are skipped with that reason, never passed.

Fixtures
--------
fake_camera_y4m : Path (session)
    An ~8 s 640x360 ``.y4m`` made from the real "pexels" sample clip; the fake camera plays it in a loop.
lab_server : LabServer (session)
    JupyterLab on 127.0.0.1 with a random token; ``.url``, ``.token``, ``.root`` (the folder it serves),
    ``.api(method, path)`` for its REST API.
browser : playwright Browser (session)
    Headless Chromium with the fake camera flags and no background networking.
notebook : factory (function)
    ``nb = notebook(cells, init_script=None, name=None)`` writes a notebook into the server root, opens it in
    a new context and page (camera permission granted, ``init_script`` added before load) and waits for an
    idle kernel. The returned `LabNotebook` has ``.page``, ``.path``, ``.run_all()``, ``.run_cell(i)``,
    ``.output_text(i)``, ``.execute(code)``, ``.save()``, ``.requests`` (every URL the page asked for) and
    ``.console`` (console lines). Its context is closed and its kernel shut down at teardown.
module_notebook : factory (module)
    The same, with notebooks kept open for the whole module, so several tests can check one take.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MICROEXP_CHROMIUM", "/usr/bin/chromium"))
Y4M_SECONDS = 8.0
Y4M_SIZE = (640, 360)
LAB_START_TIMEOUT_S = 90

# Without the background-networking flags Chromium tries to reach Google at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            # A real browser on a shared 2-core machine now and then misses a UI wait that it makes on any other
            # run; one more try keeps such a timing miss from failing CI, while a real fault fails both tries.
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            f"real-browser tests need Chromium at {CHROMIUM} (apt-get install chromium, or set MICROEXP_CHROMIUM)"
        )


# ----------------------------------------------------------------------------------------------------
# The fake camera's footage


def write_y4m(
    source: Path,
    dest: Path,
    seconds: float = Y4M_SECONDS,
    size: tuple[int, int] = Y4M_SIZE,
    start_s: float = 0.0,
) -> int:
    """Write ``seconds`` of ``source`` as a YUV4MPEG2 file (I420) and return the number of frames written.

    y4m is a one-line text header followed by ``FRAME`` + raw Y, U, V planes for each frame, which is what
    Chromium's ``--use-file-for-fake-video-capture`` reads.
    """
    import av

    width, height = size
    planes = [(width, height), (width // 2, height // 2), (width // 2, height // 2)]  # Y, U, V
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = Fraction(stream.average_rate or 24)
        with open(dest, "wb") as out:
            header = f"YUV4MPEG2 W{width} H{height} F{rate.numerator}:{rate.denominator} Ip A1:1 C420jpeg\n"
            out.write(header.encode())
            written = 0
            for frame in container.decode(stream):
                t = float(frame.pts * stream.time_base) if frame.pts is not None else written / float(rate)
                if t < start_s:
                    continue
                if t >= start_s + seconds:
                    break
                yuv = frame.reformat(width=width, height=height, format="yuv420p")
                out.write(b"FRAME\n")
                for plane_index, (w, h) in enumerate(planes):
                    plane = yuv.planes[plane_index]
                    data = memoryview(plane)
                    if plane.line_size == w:
                        out.write(data[: w * h])
                    else:  # rows are padded: copy each row's visible part
                        for row in range(h):
                            out.write(data[row * plane.line_size : row * plane.line_size + w])
                written += 1
    return written


@pytest.fixture(scope="session")
def fake_camera_y4m(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_chromium()
    from microexp_widgets.assets import sample_path

    dest = tmp_path_factory.mktemp("camera") / "pexels_face.y4m"
    frames = write_y4m(sample_path("pexels"), dest)
    assert frames > 100, f"only {frames} frames made it into the fake camera file"
    return dest


# ----------------------------------------------------------------------------------------------------
# JupyterLab


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10.0):
        """Call the server's REST API (``path`` like ``/api/sessions``); return the decoded JSON or None."""
        return call_json_api(f"{self.url}{path}", self.token, method, body, timeout)

    def log_tail(self, chars: int = 4000) -> str:
        return file_tail(self.log, chars)


def call_json_api(url: str, token: str, method: str, body: dict | None, timeout: float):
    """One call to a Jupyter server's or hub's REST API with its token; the decoded JSON answer, or None."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def file_tail(path: Path, chars: int) -> str:
    """The end of a server's log, for an error message; empty if it cannot be read."""
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings for the test server: no news or update checks, and widget state saved with the notebook.

    Saving widget state is what a learner may have switched on; B8 must hold even then.
    """
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings": {"saveState": True},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for relative, content in files.items():
        target = settings_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content))


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    _require_chromium()
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    data_dir = base / "data"
    kernel_dir = data_dir / "kernels" / "python3"
    kernel_dir.mkdir(parents=True)
    # The kernel runs in this very environment, whatever kernels the machine has registered elsewhere.
    (kernel_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            }
        )
    )
    settings_dir = base / "settings"
    _write_lab_settings(settings_dir)
    token = secrets.token_hex(16)
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(base / "config"),
            "JUPYTER_DATA_DIR": str(data_dir),
            "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
            "IPYTHONDIR": str(base / "ipython"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    log = base / "lab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
    ]
    with running_server("JupyterLab", command, root=root, env=env, log=log, port=port, token=token) as server:
        yield server


@contextlib.contextmanager
def running_server(
    name: str, command: list[str], *, root: Path, env: dict, log: Path, port: int, token: str
) -> Iterator[LabServer]:
    """Start a Jupyter server, wait until its API answers, and stop it afterwards, whatever happened."""
    with open(log, "wb") as log_handle:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log_handle, stderr=subprocess.STDOUT)
    server = LabServer(url=f"http://127.0.0.1:{port}", token=token, root=root, process=process, log=log)
    deadline = time.monotonic() + LAB_START_TIMEOUT_S
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/status", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{name} did not answer within {LAB_START_TIMEOUT_S} s:\n{server.log_tail()}"
                    ) from None
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# ----------------------------------------------------------------------------------------------------
# Chromium


@pytest.fixture(scope="session")
def browser(fake_camera_y4m: Path, playwright_driver):
    _require_chromium()
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={fake_camera_y4m}"]
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
    try:
        yield chromium
    finally:
        chromium.close()


# ----------------------------------------------------------------------------------------------------
# A notebook open in JupyterLab

# Reads a cell's outputs from the notebook model: stream text, text/plain of results and displays, and errors.
_OUTPUT_TEXT_JS = """
(index) => {
  const panel = window.__microexpPanel;
  const cell = panel.content.widgets[index];
  if (!cell || !cell.model.outputs) return '';
  const parts = [];
  for (const out of cell.model.outputs.toJSON()) {
    if (out.output_type === 'stream') {
      parts.push(Array.isArray(out.text) ? out.text.join('') : out.text);
    } else if (out.output_type === 'error') {
      parts.push(out.ename + ': ' + out.evalue);
    } else if (out.data && out.data['text/plain'] !== undefined
               && out.data['application/vnd.jupyter.widget-view+json'] === undefined) {
      const t = out.data['text/plain'];
      parts.push((Array.isArray(t) ? t.join('') : t) + '\\n');
    }
  }
  return parts.join('');
}
"""

_RUN_CELL_JS = """
async (index) => {
  const app = window.jupyterapp;
  const panel = window.__microexpPanel;
  app.shell.activateById(panel.id);
  panel.content.activeCellIndex = index;
  panel.content.deselectAll();
  await app.commands.execute('notebook:run-cell');
  return panel.content.widgets[index].model.executionCount;
}
"""

_APPEND_CELL_JS = """
(source) => {
  const panel = window.__microexpPanel;
  const shared = panel.content.model.sharedModel;
  const index = shared.cells.length;
  shared.insertCell(index, {cell_type: 'code', source: source});
  return index;
}
"""

_OPENED_JS = """
(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  const widget = app.shell.currentWidget;
  if (!widget || !widget.context || widget.context.path !== path || !widget.content) return false;
  const session = widget.sessionContext && widget.sessionContext.session;
  const kernel = session && session.kernel;
  if (!kernel || kernel.status !== 'idle' || kernel.connectionStatus !== 'connected') return false;
  if (!widget.content.widgets.length) return false;
  window.__microexpPanel = widget;
  return true;
}
"""


@dataclass
class LabNotebook:
    """A notebook open in JupyterLab in its own browser context."""

    page: object  # playwright Page
    path: Path  # the .ipynb on disk
    server: LabServer
    context: object  # playwright BrowserContext
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    @property
    def relative(self) -> str:
        return self.path.relative_to(self.server.root).as_posix()

    def cell_count(self) -> int:
        return self.page.evaluate("() => window.__microexpPanel.content.widgets.length")

    def run_cell(self, index: int, timeout_s: float = 60) -> None:
        """Run one cell as a learner would (Ctrl+Enter) and wait until the kernel has finished it."""
        self.page.set_default_timeout(timeout_s * 1000)
        try:
            self.page.evaluate(_RUN_CELL_JS, index)
        finally:
            self.page.set_default_timeout(30_000)
        self.wait_idle(timeout_s)

    def run_all(self, timeout_s: float = 120) -> None:
        """Run every cell in order and wait until the kernel is idle again."""
        self.page.set_default_timeout(timeout_s * 1000)
        try:
            self.page.evaluate(
                "async () => { window.jupyterapp.shell.activateById(window.__microexpPanel.id);"
                " await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
            )
        finally:
            self.page.set_default_timeout(30_000)
        self.wait_idle(timeout_s)

    def wait_idle(self, timeout_s: float = 60) -> None:
        self.page.wait_for_function(
            "() => window.__microexpPanel.sessionContext.session.kernel.status === 'idle'",
            timeout=timeout_s * 1000,
        )

    def output_text(self, index: int) -> str:
        """The text a learner sees in a cell's output (streams, plain results, errors; widgets left out)."""
        return self.page.evaluate(_OUTPUT_TEXT_JS, index)

    def execute(self, code: str, timeout_s: float = 60) -> str:
        """Append a cell with ``code``, run it, return its text output (how tests read kernel values)."""
        index = self.page.evaluate(_APPEND_CELL_JS, code)
        self.run_cell(index, timeout_s)
        return self.output_text(index)

    def wait_for_kernel_value(self, code: str, expected: str, timeout_s: float = 30, interval_s: float = 0.25) -> str:
        """Re-run ``print(code)`` until its output (stripped) equals ``expected``; return the last output."""
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            last = self.execute(f"print({code})").strip()
            if last == expected:
                return last
            time.sleep(interval_s)
        raise AssertionError(f"{code} stayed {last!r}, expected {expected!r} within {timeout_s} s")

    def save(self) -> dict:
        """Save the notebook as the learner's Ctrl+S would and return the saved file's JSON."""
        self.page.evaluate(
            "async () => { window.jupyterapp.shell.activateById(window.__microexpPanel.id);"
            " await window.__microexpPanel.context.save(); }"
        )
        return json.loads(self.path.read_text())

    def shutdown(self) -> None:
        try:
            for session in self.server.api("GET", "/api/sessions") or []:
                if session.get("path") == self.relative:
                    self.server.api("DELETE", f"/api/sessions/{session['id']}")
        except (urllib.error.URLError, OSError):
            pass


def write_notebook(path: Path, cells: list[str]) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(notebook, str(path))


class NotebookOpener:
    """Opens notebooks in JupyterLab, each in its own browser context, and closes them all at the end."""

    def __init__(self, browser, server: LabServer, default_name: str):
        self.browser = browser
        self.server = server
        self.default_name = default_name
        self.opened: list[LabNotebook] = []

    def __call__(
        self, cells: list[str], init_script: str | None = None, name: str | None = None, timeout_s: float = 90
    ) -> LabNotebook:
        server = self.server
        stem = name or f"{self.default_name}-{uuid.uuid4().hex[:6]}"
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem.removesuffix(".ipynb"))
        path = server.root / f"{stem}.ipynb"
        write_notebook(path, cells)
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        context.grant_permissions(["camera"], origin=server.url)
        if init_script:
            context.add_init_script(script=init_script)
        page = context.new_page()
        nb = LabNotebook(page=page, path=path, server=server, context=context)
        self.opened.append(nb)
        page.on("request", lambda req: nb.requests.append(req.url))
        page.on("console", lambda msg: nb.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: nb.console.append(f"pageerror: {exc}"))
        workspace = uuid.uuid4().hex[:8]
        page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{nb.relative}?reset&token={server.token}")
        try:
            page.wait_for_function(_OPENED_JS, arg=nb.relative, timeout=timeout_s * 1000, polling=200)
        except Exception as error:  # say what the page and the server were doing, then fail
            raise AssertionError(
                f"{nb.relative} did not open with an idle kernel in {timeout_s} s ({error}).\n"
                f"console: {nb.console[-20:]}\nserver log: {server.log_tail(2000)}"
            ) from error
        return nb

    def close_all(self) -> None:
        for nb in self.opened:
            nb.shutdown()
            with contextlib.suppress(Exception):  # the browser may already be gone after a hard failure
                nb.context.close()
        self.opened.clear()


@pytest.fixture
def notebook(browser, lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[NotebookOpener]:
    """``nb = notebook(cells, init_script=None, name=None)``: a notebook open in JupyterLab for this test."""
    opener = NotebookOpener(browser, lab_server, request.node.name)
    yield opener
    opener.close_all()


@pytest.fixture(scope="module")
def module_notebook(browser, lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[NotebookOpener]:
    """Like ``notebook``, but the notebooks stay open for the whole test module (one take, several checks)."""
    opener = NotebookOpener(browser, lab_server, request.module.__name__.rpartition(".")[2])
    yield opener
    opener.close_all()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    _require_chromium()
    return CHROMIUM
