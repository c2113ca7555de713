"""What a learner does in the page, the same way in every engine: press a button, read the recorder's status.

Buttons are pressed with the driver's real mouse at the button's centre (after scrolling it into view), never with
``element.click()``, so a control that another element covers or that the engine does not lay out fails here as it
would for a person.
"""

from __future__ import annotations

import time

from browser.engines.pages import EnginePage

# Scrolls the enabled, visible button with this exact text into view; its centre if nothing covers it there.
_BUTTON_AT = """
async ({text, within, nth}) => {
  const scopes = [...document.querySelectorAll(within)];
  const scope = scopes.at(nth);
  if (!scope) return null;
  const button = [...scope.querySelectorAll('button')].find((b) => b.textContent.trim() === text && !b.disabled
    && b.getClientRects().length > 0);
  if (!button) return null;
  button.scrollIntoView({ block: 'center' });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const box = button.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const top = document.elementFromPoint(x, y);
  return top && button.contains(top) ? { x, y } : null;
}
"""

# The status line of a recorder on the page (textContent: JupyterLab stops rendering cells out of view).
_STATUS = """
({nth}) => {
  const recorder = [...document.querySelectorAll('.microexp-recorder')].at(nth);
  const status = recorder && recorder.querySelector('.microexp-status .widget-html-content');
  return status ? status.textContent : '';
}
"""

_STATUS_MATCHES = """
({pattern, nth}) => {
  const recorder = [...document.querySelectorAll('.microexp-recorder')].at(nth);
  const status = recorder && recorder.querySelector('.microexp-status .widget-html-content');
  return Boolean(status && new RegExp(pattern).test(status.textContent));
}
"""


# What the page's camera looks like from inside, for a failure message.
_CAMERA_STATE = """
() => ({
  getUserMedia: String(navigator.mediaDevices && navigator.mediaDevices.getUserMedia).slice(0, 120),
  footage: window.__microexpFootage || null,
  tracks: (window.__microexpTracks || []).map((t) => t.readyState),
})
"""


def failure_note(page: EnginePage) -> str:
    """The page's camera state and recorder status, to add to a failure (and a screenshot, where logs are kept)."""
    try:
        return f"camera: {page.evaluate(_CAMERA_STATE)}; console: {page.console[-8:]}"
    except Exception as error:  # the page itself may be what failed
        return f"(the page could not be asked: {error})"


def press(
    page: EnginePage, text: str, within: str = ".microexp-recorder", nth: int = -1, timeout_s: float = 30
) -> None:
    """Click the button labelled ``text`` in the ``nth`` element matching ``within`` (the last one by default)."""
    deadline = time.monotonic() + timeout_s
    while True:
        at = page.evaluate(_BUTTON_AT, {"text": text, "within": within, "nth": nth})
        if at:
            page.click_at(at["x"], at["y"])
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{page.engine}: no clickable button {text!r} in {within} within {timeout_s:g} s; "
                f"the status says {status_text(page)!r}; {failure_note(page)}"
            )
        time.sleep(0.2)


def status_text(page: EnginePage, nth: int = -1) -> str:
    return page.evaluate(_STATUS, {"nth": nth})


def wait_for_status(page: EnginePage, pattern: str, timeout_s: float = 30, nth: int = -1) -> str:
    try:
        page.wait_for_function(_STATUS_MATCHES, {"pattern": pattern, "nth": nth}, timeout=timeout_s * 1000, polling=50)
    except AssertionError as error:
        raise AssertionError(f"{error}; the status says {status_text(page, nth)!r}; {failure_note(page)}") from None
    return status_text(page, nth)
