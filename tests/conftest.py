"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole session, started on first use.

    Playwright's sync API allows one driver per thread at a time, so the browser tests, the Binder replay and the
    room test all launch their Chromium from this one instead of starting their own.
    """
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engines",
        default="chromium,firefox,webkit",
        help="browser engines for tests/browser/engines, comma-separated (default: chromium,firefox,webkit)",
    )
