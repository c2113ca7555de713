"""Settings that keep the lessons' own JupyterLab from reaching the internet: no news, no update check.

JupyterLab 4 asks every new user whether to fetch Jupyter news, and its server can check PyPI for a newer
JupyterLab and list extensions from PyPI. The lessons promise that nothing leaves the learner's machine, so the
environment that ``./run lessons`` and Binder create turns all three off. The settings are written into that
environment's own prefix (``sys.prefix``), never into the user's global Jupyter folders, and only when this is
run on purpose: installing the package changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Read by jupyter_server from <prefix>/etc/jupyter, and handed on to JupyterLab's server extension. (The
# jupyter_server_config.d folder beside it is read only for enabling extensions, not for other settings.)
SERVER_CONFIG = Path("etc/jupyter/jupyter_server_config.json")
LAB_SERVER_SETTINGS = {
    "news_url": None,
    "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
    "extension_manager": "readonly",
}

# The defaults JupyterLab's front end starts from (<prefix>/share/jupyter/lab/settings/overrides.json): the news
# question is answered "no" for the learner, and the announcements plugin, which asks it, is switched off.
LAB_OVERRIDES = Path("share/jupyter/lab/settings/overrides.json")
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"
NOTIFICATION_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}
PAGE_CONFIG = Path("etc/jupyter/labconfig/page_config.json")
ANNOUNCEMENTS_PLUGIN = "@jupyterlab/apputils-extension:announcements"


def _merge_json(path: Path, update) -> None:
    """Apply ``update`` to the JSON object in ``path`` (empty if absent) and write it back, keeping other keys."""
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        current = {}
    if not isinstance(current, dict):
        raise ValueError(f"{path} does not hold a JSON object; fix or remove it, then run this again.")
    update(current)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_quiet_settings(prefix: Path | str = sys.prefix) -> list[Path]:
    """Write the no-news, no-update-check settings into the environment at ``prefix``; return the files written."""
    prefix = Path(prefix)

    def quiet_lab_server(config: dict) -> None:
        config.setdefault("LabApp", {}).update(LAB_SERVER_SETTINGS)

    def answer_news_no(overrides: dict) -> None:
        overrides.setdefault(NOTIFICATION_PLUGIN, {}).update(NOTIFICATION_SETTINGS)

    def disable_announcements(page_config: dict) -> None:
        page_config.setdefault("disabledExtensions", {})[ANNOUNCEMENTS_PLUGIN] = True

    written = {SERVER_CONFIG: quiet_lab_server, LAB_OVERRIDES: answer_news_no, PAGE_CONFIG: disable_announcements}
    for relative, change in written.items():
        _merge_json(prefix / relative, change)
    return [prefix / relative for relative in written]


if __name__ == "__main__":  # python -m microexp_widgets.jupyter_settings, run by ./run and binder/postBuild
    for written in write_quiet_settings():
        print(f"wrote {written}")
