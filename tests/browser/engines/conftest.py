"""The browser layer in three engines: Chromium (Playwright), Firefox ESR (puppeteer-core over WebDriver BiDi) and
WebKitGTK (Selenium's WebKitGTK driver with MiniBrowser), all on the same JupyterLab and the same camera footage.

``--engines=chromium,firefox,webkit`` (the default) picks the engines; each test runs once per engine and carries that
engine's marker, so ``-m firefox`` works too; ``@pytest.mark.engines("webkit")`` limits a test to some engines. An
engine that is not installed is skipped with the reason, never passed.

Fixtures
--------
engine : Engine (session, one per engine)
    ``.name`` and ``.new_page(init_scripts, viewport)``: a page (``browser.engines.pages.EnginePage``) whose
    ``getUserMedia`` gives the footage camera.
engine_notebook : factory (module)
    ``nb = engine_notebook(cells, init_scripts=(), name=None)``: a ``LabNotebook`` open in JupyterLab in that engine,
    kernel idle, kept open for the whole module.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser.conftest import _OPENED_JS, LabNotebook, LabServer, NotebookOpener, write_notebook
from browser.engines import display, firefox, webkit
from browser.engines.pages import ChromiumPage, EnginePage

ENGINES = ("chromium", "firefox", "webkit")
HERE = Path(__file__).parent
CAMERA_JS = (HERE / "camera_from_footage.js").read_text()
VIEWPORT = (1280, 720)
# The footage camera plays this stretch of the Pexels sample in a loop: a still face, then the broad smile (AU12).
FOOTAGE_FRAMES = (120, 360)  # 5.0-15.0 s at 23.976 frames/s
FOOTAGE_FPS = 24.0


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    wanted = [name.strip() for name in metafunc.config.getoption("--engines").split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(ENGINES))
    if unknown:
        raise pytest.UsageError(f"--engines: unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    limit = metafunc.definition.get_closest_marker("engines")
    names = [name for name in wanted if limit is None or name in limit.args]
    params = [pytest.param(name, id=name, marks=getattr(pytest.mark, name)) for name in names]
    metafunc.parametrize("engine", params, indirect=True, scope="session")


class Engine:
    """One engine's browser for the session: new pages come from here."""

    def __init__(self, name: str, make_page, logs: Path):
        self.name, self._make_page, self.logs = name, make_page, logs

    def new_page(self, init_scripts: list[str], viewport: tuple[int, int] = VIEWPORT) -> EnginePage:
        return self._make_page(init_scripts, viewport)


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    reason = display.missing()
    if reason:
        pytest.skip(reason)
    with display.virtual_display() as name:
        yield name


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    name = request.param
    logs = tmp_path_factory.mktemp(f"{name}-logs")
    if name == "chromium":
        chromium = request.getfixturevalue("browser")  # the session's Chromium (tests/browser/conftest.py)

        def chromium_page(scripts, viewport):
            context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            return ChromiumPage(context, scripts)

        yield Engine(name, chromium_page, logs)
        return
    reason = firefox.missing() if name == "firefox" else webkit.missing()
    if reason:
        pytest.skip(reason)
    screen = request.getfixturevalue("x_display")
    if name == "firefox":
        bridge = firefox.FirefoxBridge(screen, logs / "bridge.log")
        try:
            yield Engine(name, bridge.new_page, logs)
        finally:
            bridge.close()
        return
    pages = iter(range(1, 1000))
    yield Engine(
        name,
        lambda scripts, viewport: webkit.WebKitPage(screen, scripts, viewport, logs / f"webdriver-{next(pages)}.log"),
        logs,
    )


@pytest.fixture(scope="session")
def footage_path(lab_server: LabServer) -> str:
    """The camera's clip, served by the test's JupyterLab: its URL path (the page is logged in by then)."""
    from footage import encode, read_frames

    from microexp_widgets.assets import sample_path

    clip = lab_server.root / "footage_camera.webm"
    if not clip.exists():
        clip.write_bytes(encode(read_frames(sample_path("pexels"), *FOOTAGE_FRAMES), "webm", fps=FOOTAGE_FPS))
    return f"/files/{clip.name}"


class EngineOpener(NotebookOpener):
    """Opens notebooks in JupyterLab in one engine, each on its own page with the footage camera."""

    def __init__(self, engine: Engine, server: LabServer, default_name: str, footage: str):
        super().__init__(None, server, default_name)
        self.engine, self.footage = engine, footage

    def __call__(
        self, cells: list[str], init_scripts: tuple[str, ...] = (), name: str | None = None, timeout_s: float = 180
    ) -> LabNotebook:
        server = self.server
        stem = name or f"{self.default_name}-{uuid.uuid4().hex[:6]}"
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)
        path = server.root / f"{stem}-{self.engine.name}.ipynb"
        write_notebook(path, cells)
        camera = CAMERA_JS.replace("__FOOTAGE_URL__", self.footage)
        page = self.engine.new_page([camera, *init_scripts])
        nb = LabNotebook(page=page, path=path, server=server, context=page, console=page.console)
        self.opened.append(nb)
        page.goto(f"{server.url}/lab/workspaces/{uuid.uuid4().hex[:8]}/tree/{nb.relative}?reset&token={server.token}")
        try:
            page.wait_for_function(_OPENED_JS, arg=nb.relative, timeout=timeout_s * 1000, polling=250)
        except Exception as error:
            with contextlib.suppress(Exception):
                page.screenshot(self.engine.logs / f"{stem}-not-opened.png")
            raise AssertionError(
                f"{nb.relative} did not open in {self.engine.name} in {timeout_s} s ({error}).\n"
                f"console: {page.console[-20:]}\nserver log: {server.log_tail(2000)}"
            ) from error
        return nb


@pytest.fixture(scope="module")
def engine_notebook(engine: Engine, lab_server: LabServer, footage_path: str, request) -> Iterator[EngineOpener]:
    opener = EngineOpener(engine, lab_server, request.module.__name__.rpartition(".")[2], footage_path)
    yield opener
    opener.close_all()
