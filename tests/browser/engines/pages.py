"""What the engine tests need of a page, the same in every engine: the subset of Playwright's ``Page`` they use.

``evaluate(function_source, arg)`` calls a JavaScript function given as text (awaiting a promise it returns);
``wait_for_function`` polls a condition inside the page until it is truthy; ``click_at(x, y)`` and ``press(key)``
are real input events from the driver (not ``element.click()``), so focus and keyboard behaviour are the browser's
own. ``requests`` and ``console`` are lists the driver fills as the page runs. ``LabNotebook`` (the JupyterLab
helper of the Chromium tests) runs unchanged on any of these pages.
"""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_TIMEOUT_MS = 30_000
MIN_POLL_MS = 20


def polling_source(source: str, arg, timeout_ms: float, poll_ms: float) -> str:
    """A function that re-evaluates ``source(arg)`` in the page until it is truthy or the time is up."""
    return f"""async () => {{
      const condition = ({source});
      const arg = {json.dumps(arg)};
      const deadline = performance.now() + {float(timeout_ms)};
      for (;;) {{
        const value = await condition(arg);
        if (value) return {{ value }};
        if (performance.now() > deadline) return {{ timeout: true }};
        await new Promise((resolve) => setTimeout(resolve, {max(MIN_POLL_MS, float(poll_ms))}));
      }}
    }}"""


class WaitTimeout(AssertionError):
    pass


class EnginePage:
    """A page in one engine; subclasses implement ``_evaluate``, ``click_at``, ``press``, ``screenshot``, ``close``."""

    engine = "?"

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.console: list[str] = []
        self.default_timeout_ms = DEFAULT_TIMEOUT_MS

    # Playwright's names, so LabNotebook runs on this page as it does on Chromium's.
    def evaluate(self, expression: str, arg=None):
        return self._evaluate(expression, arg, self.default_timeout_ms)

    def wait_for_function(self, expression: str, arg=None, timeout: float | None = None, polling=100):
        timeout_ms = self.default_timeout_ms if timeout is None else timeout
        poll_ms = 16 if polling == "raf" else float(polling)
        answer = self._evaluate(polling_source(expression, arg, timeout_ms, poll_ms), None, timeout_ms + 30_000)
        if not answer or answer.get("timeout"):
            raise WaitTimeout(f"{self.engine}: the page did not reach {expression.strip()[:160]!r} in {timeout_ms} ms")
        return answer["value"]

    def set_default_timeout(self, timeout_ms: float) -> None:
        self.default_timeout_ms = timeout_ms

    def _evaluate(self, source: str, arg, timeout_ms: float):
        raise NotImplementedError

    def click_at(self, x: float, y: float) -> None:
        raise NotImplementedError

    def press(self, key: str) -> None:
        raise NotImplementedError

    def set_viewport_size(self, size: dict) -> None:
        raise NotImplementedError

    def screenshot(self, path: str | Path) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class ChromiumPage(EnginePage):
    """A Playwright page of Debian's Chromium, in its own context."""

    engine = "chromium"

    def __init__(self, context, init_scripts: list[str]):
        super().__init__()
        self.context = context
        for script in init_scripts:
            context.add_init_script(script=script)
        self.page = context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def goto(self, url: str, timeout_ms: float = 90_000) -> None:
        self.page.goto(url, timeout=timeout_ms)

    def _evaluate(self, source: str, arg, timeout_ms: float):
        self.page.set_default_timeout(timeout_ms)
        return self.page.evaluate(source, arg)

    def click_at(self, x: float, y: float) -> None:
        self.page.mouse.click(x, y)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def set_viewport_size(self, size: dict) -> None:
        self.page.set_viewport_size(size)

    def screenshot(self, path: str | Path) -> None:
        self.page.screenshot(path=str(path))

    def close(self) -> None:
        self.context.close()
