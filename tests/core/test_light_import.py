"""``import microexp_widgets`` stays light: the heavy parts load only when analysis or a widget needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["mediapipe", "av", "pandas", "plotly", "ipywidgets", "ipywebrtc", "anywidget", "cv2", "matplotlib"]


def test_import_loads_none_of_the_heavy_modules():
    code = (
        "import sys, microexp_widgets\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
        "print(microexp_widgets.__version__)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, version = run.stdout.rstrip("\n").split("\n")
    assert loaded == ""
    assert version.count(".") >= 2


def test_public_names_resolve_lazily():
    import microexp_widgets

    assert microexp_widgets.analyze_video.__module__ == "microexp_widgets.pipeline"
    assert "AUTimeline" in dir(microexp_widgets)
