"""WebKitGTK, Safari's engine: Selenium's WebKitGTK driver with ``WebKitWebDriver`` and ``MiniBrowser --automation``.

Each page is its own MiniBrowser (a WebDriver session), in a window on the test's X display. WebKitWebDriver has no
init scripts: the page's scripts are run in each new document before the test's first call into it, which is early
enough for everything they replace (``getUserMedia`` and ``WebSocket.prototype.send`` are looked up when called, and
no cell runs before the test asks). It reports no
requests either: ``requests`` is read from the page's own Resource Timing entries when asked for.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from browser.engines.pages import EnginePage

WEBDRIVER = Path(
    os.environ.get("MICROEXP_WEBKIT_DRIVER", shutil.which("WebKitWebDriver") or "/usr/bin/WebKitWebDriver")
)
MINIBROWSER = Path(os.environ.get("MICROEXP_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"))

ASYNC_CALL = """
const done = arguments[arguments.length - 1];
Promise.resolve()
  .then(() => (SOURCE)(arguments[0]))
  .then((value) => done({ value: value === undefined ? null : value }),
        (error) => done({ error: String((error && error.stack) || error) }));
"""


def missing() -> str | None:
    """Why WebKitGTK cannot be driven here, or None."""
    try:
        import selenium  # noqa: F401 - only its presence is checked here
    except ImportError:
        return "the WebKitGTK tests need Selenium (the test extra: pip install -e '.[test]')"
    if not WEBDRIVER.exists() or not MINIBROWSER.exists():
        return f"the WebKitGTK tests need {WEBDRIVER} and {MINIBROWSER} (apt-get install webkit2gtk-driver)"
    return None


class WebKitPage(EnginePage):
    engine = "webkit"

    def __init__(self, display: str, init_scripts: list[str], viewport: tuple[int, int], log: Path):
        super().__init__()
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        env = dict(os.environ, DISPLAY=display)
        service = Service(executable_path=str(WEBDRIVER), log_output=str(log), env=env)
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.init_scripts = init_scripts
        self.set_viewport_size({"width": viewport[0], "height": viewport[1]})

    def goto(self, url: str, timeout_ms: float = 90_000) -> None:
        self.driver.set_page_load_timeout(timeout_ms / 1000)
        self.driver.get(url)

    def _run_init_scripts(self) -> None:
        """Run the page's scripts in this document unless they already ran in it (a reload makes a new one)."""
        if self.driver.execute_script("return window.__microexpInitScripts === true"):
            return
        for script in self.init_scripts:
            self.driver.execute_script(script)
        self.driver.execute_script("window.__microexpInitScripts = true")

    def _evaluate(self, source: str, arg, timeout_ms: float):
        self._run_init_scripts()
        self.driver.set_script_timeout(timeout_ms / 1000)
        answer = self.driver.execute_async_script(ASYNC_CALL.replace("SOURCE", source), arg)
        if answer and "error" in answer:
            raise RuntimeError(f"WebKitGTK: {answer['error']}")
        return answer["value"]

    @property
    def requests(self) -> list[str]:
        try:
            return self.driver.execute_script(
                "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
            )
        except Exception:
            return []

    @requests.setter
    def requests(self, _value) -> None:  # the base class sets a list; the page's own entries are the record here
        pass

    def click_at(self, x: float, y: float) -> None:
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        builder = ActionBuilder(self.driver)
        builder.pointer_action.move_to_location(int(x), int(y))
        builder.pointer_action.click()
        builder.perform()

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.driver).send_keys(getattr(Keys, key.upper(), key)).perform()

    def set_viewport_size(self, size: dict) -> None:
        """Size the window so that the page itself (not the window with its toolbar) is ``size``."""
        self.driver.set_window_size(size["width"], size["height"])
        inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        extra_w, extra_h = size["width"] - inner[0], size["height"] - inner[1]
        if extra_w or extra_h:
            self.driver.set_window_size(size["width"] + extra_w, size["height"] + extra_h)

    def screenshot(self, path: str | Path) -> None:
        self.driver.save_screenshot(str(path))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.quit()
