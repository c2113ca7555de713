"""Firefox ESR driven by puppeteer-core over WebDriver BiDi (``firefox_bridge.mjs``), in a visible window on Xvfb.

Headless Firefox has no WebGL on this machine, and MediaPipe's web build needs a WebGL context even on the CPU
delegate, so the window is a real one on the test's own X display. The bridge is a Node process that reads one JSON
command per line; a reader thread hands each answer to the call waiting for it and files the page's requests and
console lines as they come.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import threading
from pathlib import Path

from browser.engines.pages import EnginePage

HERE = Path(__file__).parent
BRIDGE = HERE / "firefox_bridge.mjs"
PUPPETEER = HERE / "node_modules" / "puppeteer-core"
FIREFOX = Path(os.environ.get("MICROEXP_FIREFOX", "/usr/bin/firefox-esr"))
WINDOW = (1280, 900)
# The profile's defaults, never loosened for the tests: autoplay, permissions and media stay as a learner has them.
PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
}


def missing() -> str | None:
    """Why Firefox cannot be driven here, or None."""
    if not FIREFOX.exists():
        return f"the Firefox tests need Firefox ESR at {FIREFOX} (apt-get install firefox-esr)"
    if not PUPPETEER.exists():
        return f"the Firefox tests need puppeteer-core (npm ci --prefix {HERE})"
    return None


class FirefoxBridge:
    """One Firefox for the session, and the Node process that drives it."""

    def __init__(self, display: str, log: Path):
        env = dict(os.environ, DISPLAY=display)
        env.pop("MOZ_HEADLESS", None)
        with open(log, "wb") as log_handle:  # the child keeps its own copy of the descriptor
            self._process = subprocess.Popen(
                ["node", str(BRIDGE)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_handle,
                env=env,
                cwd=HERE,
            )
        self._ids = itertools.count(1)
        self._waiting: dict[int, tuple[threading.Event, list]] = {}
        self._pages: dict[int, FirefoxPage] = {}
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="firefox-bridge", daemon=True)
        self._reader.start()
        self.version = self.call("launch", executablePath=str(FIREFOX), width=WINDOW[0], height=WINDOW[1], prefs=PREFS)

    def _read(self) -> None:
        for line in self._process.stdout:
            message = json.loads(line)
            if "event" in message:
                page = self._pages.get(message["page"])
                if page is not None:
                    (page.requests if message["event"] == "request" else page.console).append(message["text"])
                continue
            with self._lock:
                waiting = self._waiting.pop(message["id"], None)
            if waiting is not None:
                waiting[1].append(message)
                waiting[0].set()
        with self._lock:  # the bridge is gone: wake every caller
            for event, box in self._waiting.values():
                box.append({"error": "the Firefox bridge exited"})
                event.set()

    def call(self, op: str, timeout_s: float = 120, **fields):
        command_id = next(self._ids)
        done, box = threading.Event(), []
        with self._lock:
            self._waiting[command_id] = (done, box)
        self._process.stdin.write((json.dumps({"id": command_id, "op": op, **fields}) + "\n").encode())
        self._process.stdin.flush()
        if not done.wait(timeout_s):
            raise TimeoutError(f"Firefox did not answer {op} in {timeout_s:g} s")
        answer = box[0]
        if "error" in answer:
            raise RuntimeError(f"Firefox {op}: {answer['error']}")
        return answer["value"]

    def new_page(self, init_scripts: list[str], viewport: tuple[int, int]) -> FirefoxPage:
        page_id = self.call("newPage", initScripts=init_scripts, width=viewport[0], height=viewport[1])
        page = FirefoxPage(self, page_id)
        self._pages[page_id] = page
        return page

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._process.stdin.close()  # the bridge closes Firefox when its input ends
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)


class FirefoxPage(EnginePage):
    engine = "firefox"

    def __init__(self, bridge: FirefoxBridge, page_id: int):
        super().__init__()
        self.bridge, self.page_id = bridge, page_id

    def goto(self, url: str, timeout_ms: float = 90_000) -> None:
        self.bridge.call("goto", timeout_s=timeout_ms / 1000 + 10, page=self.page_id, url=url, timeoutMs=timeout_ms)

    def _evaluate(self, source: str, arg, timeout_ms: float):
        return self.bridge.call("evaluate", timeout_s=timeout_ms / 1000 + 10, page=self.page_id, source=source, arg=arg)

    def click_at(self, x: float, y: float) -> None:
        self.bridge.call("click", page=self.page_id, x=x, y=y)

    def press(self, key: str) -> None:
        self.bridge.call("press", page=self.page_id, key=key)

    def set_viewport_size(self, size: dict) -> None:
        self.bridge.call("viewport", page=self.page_id, width=size["width"], height=size["height"])

    def screenshot(self, path: str | Path) -> None:
        self.bridge.call("screenshot", page=self.page_id, path=str(path))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.bridge.call("closePage", timeout_s=30, page=self.page_id)
