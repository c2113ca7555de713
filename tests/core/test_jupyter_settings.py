"""The environment's quiet-JupyterLab settings: written into the given prefix only, merged with what is there."""

from __future__ import annotations

import json

import pytest

from microexp_widgets import jupyter_settings


def _read(path):
    return json.loads(path.read_text())


def test_settings_are_written_into_the_prefix_and_say_no_to_news_and_updates(tmp_path):
    written = jupyter_settings.write_quiet_settings(tmp_path)
    assert all(path.is_relative_to(tmp_path) for path in written)
    lab = _read(tmp_path / "etc/jupyter/jupyter_server_config.json")["LabApp"]
    assert lab["news_url"] is None and lab["check_for_updates_class"].endswith("NeverCheckForUpdate")
    overrides = _read(tmp_path / "share/jupyter/lab/settings/overrides.json")
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    disabled = _read(tmp_path / "etc/jupyter/labconfig/page_config.json")["disabledExtensions"]
    assert disabled["@jupyterlab/apputils-extension:announcements"] is True


def test_existing_settings_are_kept_and_a_second_run_changes_nothing(tmp_path):
    server = tmp_path / "etc/jupyter/jupyter_server_config.json"
    server.parent.mkdir(parents=True)
    server.write_text(json.dumps({"ServerApp": {"root_dir": "/srv"}, "LabApp": {"collaborative": True}}))
    jupyter_settings.write_quiet_settings(tmp_path)
    first = {path: path.read_text() for path in tmp_path.rglob("*.json")}
    jupyter_settings.write_quiet_settings(tmp_path)
    assert {path: path.read_text() for path in tmp_path.rglob("*.json")} == first
    config = _read(server)
    assert config["ServerApp"] == {"root_dir": "/srv"} and config["LabApp"]["collaborative"] is True


def test_a_settings_file_that_is_not_an_object_is_refused_in_one_sentence(tmp_path):
    overrides = tmp_path / "share/jupyter/lab/settings/overrides.json"
    overrides.parent.mkdir(parents=True)
    overrides.write_text("[1, 2]")
    with pytest.raises(ValueError, match="does not hold a JSON object"):
        jupyter_settings.write_quiet_settings(tmp_path)
    assert overrides.read_text() == "[1, 2]"
