"""Fixtures for the widget tests."""

import pytest

from microexp_widgets.widgets import _consent
from microexp_widgets.widgets.recorder import Recorder


@pytest.fixture
def fresh_kernel():
    """The test starts as a fresh kernel would: no consent given, no recorders alive (used by the recorder tests)."""
    _consent.reset_consent()
    yield
    for rec in Recorder.instances():
        rec.close()
    _consent.reset_consent()
