"""The Binder install replayed in a fresh virtual environment: install, postBuild, then the first lesson runs.

This is what repo2docker does after its base image, without Docker: the same Python minor version
(binder/runtime.txt), ``pip install -r binder/requirements.txt`` from the repository root,
``./binder/postBuild`` with that environment first on PATH and a fresh home folder, then a learner
opening ``lessons/00_start_here.ipynb``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_LESSON = REPO / "lessons" / "00_start_here.ipynb"
BADGE_URLPATH = "lab/tree/lessons/00_start_here.ipynb"  # the README badge's urlpath (mybinder.org adds the rest)
CHROMIUM = Path(os.environ.get("MICROEXP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.binder, pytest.mark.slow]

# Variables that would point the replay at this machine's environment, config or caches, not the fresh ones.
_LEAKY = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "MICROEXP_HOME",
    "MICROEXP_FACE_MODEL",
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "JUPYTER_CONFIG_PATH",
    "IPYTHONDIR",
)

# Run inside the fresh environment: which copy of the package is installed, and whether every asset verifies.
_CHECK_INSTALL = """
import json, sys
import microexp_widgets
from microexp_widgets import assets
model = assets.verified_model_path()
samples = {name: str(assets.sample_path(name)) for name in assets.SAMPLES}
print(json.dumps({"package": microexp_widgets.__file__, "python": list(sys.version_info[:2]),
                  "cache": str(assets.cache_dir()), "model": str(model), "samples": samples}))
"""

# Run inside the fresh environment: execute the lesson headless, as `./run tests` does for every lesson.
_EXECUTE_LESSON = """
import sys
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}})
client.execute()
code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
print(f"executed {len(code_cells)} code cells")
"""


def _copy_like_repo2docker(dest: Path) -> Path:
    """Copy the working copy the way repo2docker builds its image context: everything but binder/.dockerignore's
    patterns (docker-py's exclude_paths, which repo2docker calls). The replay works on this copy, so nothing it
    does (a build, a server's checkpoint folder) touches the repository."""
    from docker.utils.build import exclude_paths

    lines = [line.strip() for line in (REPO / "binder" / ".dockerignore").read_text().splitlines()]
    for relative in sorted(exclude_paths(str(REPO), [line for line in lines if line and not line.startswith("#")])):
        source, target = REPO / relative, dest / relative
        if source.is_dir() and not source.is_symlink():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):  # e.g. git's index.lock, gone once a commit ends
                shutil.copy2(source, target, follow_symlinks=False)
    return dest


def _runtime_python() -> str:
    match = re.fullmatch(r"python-(\d+\.\d+)", (REPO / "binder" / "runtime.txt").read_text().strip())
    assert match, "binder/runtime.txt should read like 'python-3.11'"
    return match.group(1)


def _base_python(version: str) -> str:
    """An interpreter of the runtime.txt version to build the venv from (the test runner's, if it fits)."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable  # `-m venv` from inside a venv builds on the base interpreter
    found = shutil.which(f"python{version}")
    if not found:
        pytest.fail(f"binder/runtime.txt asks for Python {version}, and no python{version} is on PATH to replay with.")
    return found


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(command)} failed with exit code {result.returncode}:\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _api(base: str, token: str, path: str) -> object:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _open_start_lesson_as_the_badge_does(
    venv: Path, env: dict[str, str], repo: Path, tmp_path: Path, playwright_driver
) -> None:
    """Serve the repository with the fresh environment's JupyterLab, as Binder does (its root is the repository),
    open the badge's ``urlpath`` in real Chromium, and check the first lesson is open with a running kernel, with
    no news question and no request off the machine (postBuild's settings, P4)."""
    if not CHROMIUM.exists():
        pytest.skip(f"opening the badge URL needs Chromium at {CHROMIUM} (apt-get install chromium)")
    port, token = _free_port(), secrets.token_hex(16)
    command = [str(venv / "bin" / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1"]
    command += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={repo}"]
    if os.geteuid() == 0:  # CI runs as root; Binder runs as the notebook user
        command.append("--allow-root")
    log = tmp_path / "lab.log"
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as log_file:
        server = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.5)
        browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(f"{base}/{BADGE_URLPATH}?token={token}")
            current_tab = page.locator(".jp-mod-current .lm-TabBar-tabLabel, .lm-mod-current .lm-TabBar-tabLabel")
            current_tab.filter(has_text=START_LESSON.name).first.wait_for(timeout=90_000)
            page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=60_000)
            sessions = []
            for _ in range(120):
                sessions = [s for s in _api(base, token, "/api/sessions") if s["path"].endswith(START_LESSON.name)]
                if sessions and sessions[0]["kernel"]["execution_state"] == "idle":
                    break
                time.sleep(0.5)
            assert sessions, "the first lesson opened without a kernel"
            assert sessions[0]["path"] == "lessons/00_start_here.ipynb"
            page.wait_for_timeout(8000)  # JupyterLab would ask its news question a moment after start-up
            assert "Jupyter news" not in page.locator("body").inner_text(), "JupyterLab asked about Jupyter news"
            outside = [url for url in requests if not url.startswith((base, "data:", "blob:"))]
            assert not outside, f"the page asked for something off localhost: {outside[:5]}"
        finally:
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _print_timings(timings: dict[str, float]) -> None:
    summary = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in timings.items())
    print(f"\nBinder replay: {summary}; total {sum(timings.values()):.0f} s")


def test_binder_install_replayed_in_a_fresh_venv_runs_the_first_lesson(tmp_path, request, playwright_driver):
    version = _runtime_python()
    venv = tmp_path / "venv"
    home = tmp_path / "home"
    repo = _copy_like_repo2docker(tmp_path / "repo")
    home.mkdir()
    timings: dict[str, float] = {}

    # pip's download cache is only a cache (repo2docker's --no-cache-dir keeps the image small; it changes
    # nothing that gets installed), so the replay keeps using this machine's one even though HOME is fresh.
    pip_cache = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True
    ).stdout.strip()
    env = {key: value for key, value in os.environ.items() if key not in _LEAKY and not key.startswith("XDG_")}
    env.update(
        HOME=str(home),
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        PYTHONNOUSERSITE="1",
    )
    if pip_cache:
        env["PIP_CACHE_DIR"] = pip_cache

    request.addfinalizer(lambda: _print_timings(timings))
    started = time.monotonic()
    _run([_base_python(version), "-m", "venv", str(venv)], env, tmp_path, 300)
    python = str(venv / "bin" / "python")
    # repo2docker's environment comes with a current pip; a venv starts with the one bundled with Python.
    _run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], env, tmp_path, 300)
    timings["venv"] = time.monotonic() - started

    started = time.monotonic()
    _run([python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"], env, repo, 1800)
    timings["pip install -r binder/requirements.txt"] = time.monotonic() - started

    started = time.monotonic()
    # Without this machine's pip cache, as in the image build: postBuild must leave nothing but the assets in
    # the notebook user's cache folder (a pip cache there would ship in the image).
    post_build_env = {key: val for key, val in env.items() if key != "PIP_CACHE_DIR"}
    _run(["./binder/postBuild"], post_build_env, repo, 900)
    timings["postBuild"] = time.monotonic() - started
    assert sorted(path.name for path in (home / ".cache").iterdir()) == ["microexp-widgets"]

    # Checked from outside the repository, so Python imports the installed copy rather than the source folder.
    report = json.loads(_run([python, "-c", _CHECK_INSTALL], env, tmp_path, 120))
    assert report["python"] == [int(part) for part in version.split(".")]
    assert Path(report["package"]).is_relative_to(venv), report["package"]
    assert Path(report["cache"]) == home / ".cache" / "microexp-widgets"
    assert Path(report["model"]).is_relative_to(home)
    assert all(Path(path).is_relative_to(home) for path in report["samples"].values())

    kernels = json.loads(_run([python, "-m", "jupyter", "kernelspec", "list", "--json"], env, tmp_path, 120))
    python3 = kernels["kernelspecs"]["python3"]
    assert Path(python3["resource_dir"]).is_relative_to(venv), python3["resource_dir"]

    start_lesson = repo / START_LESSON.relative_to(REPO)
    assert start_lesson.exists(), "lessons/00_start_here.ipynb is what the Binder badge opens; it must exist."
    started = time.monotonic()
    out = _run([python, "-c", _EXECUTE_LESSON, str(start_lesson)], env, tmp_path, 1200)
    timings["execute 00_start_here"] = time.monotonic() - started
    assert out.startswith("executed ")

    started = time.monotonic()
    _open_start_lesson_as_the_badge_does(venv, env, repo, tmp_path, playwright_driver)
    timings["badge URL opened in Chromium"] = time.monotonic() - started
    for folder in (venv, repo):  # 1.2 GB and more; pytest would keep the last three runs' copies
        shutil.rmtree(folder, ignore_errors=True)
