"""repo2docker renders our Binder config: Python 3.11, binder/requirements.txt installed, postBuild run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"

pytestmark = pytest.mark.binder


def _unescape(text: str) -> str:
    """Undo repo2docker's escaping of file names in COPY lines (``-2f`` is ``/``, ``-2e`` is ``.``)."""
    return re.sub(r"-([0-9a-f]{2})", lambda match: chr(int(match.group(1), 16)), text)


def runtime_python() -> str:
    """The Python version that ``binder/runtime.txt`` asks for, e.g. ``"3.11"``."""
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"binder/runtime.txt should read like 'python-3.11', not {text!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Render as the uid/user mybinder.org builds with, so the text is what Binder would build.
    result = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--debug"]
        + ["--user-id", "1000", "--user-name", "jovyan", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout + result.stderr
    start = text.find("FROM ")
    assert start >= 0, f"repo2docker printed no Dockerfile:\n{text[-3000:]}"
    return text[start:]


def _line_index(lines: list[str], pattern: str) -> int:
    hits = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert len(hits) == 1, f"expected exactly one line matching {pattern!r}, found {len(hits)}"
    return hits[0]


def test_runtime_pins_the_python_we_test_on():
    assert runtime_python() == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_dockerfile_builds_the_pinned_python(dockerfile):
    copies = [_unescape(line) for line in dockerfile.splitlines() if line.startswith("COPY")]
    locks = [line for line in copies if "environment" in line]
    assert locks, "no conda environment lock file is copied in"
    assert all(f"environment.py-{runtime_python()}-" in line for line in locks), locks


def test_requirements_are_installed_after_the_whole_repository_is_copied(dockerfile):
    lines = dockerfile.splitlines()
    copy_repo = _line_index(lines, r"^COPY --chown=1000:1000 src/ \$\{REPO_DIR\}/$")
    install = _line_index(lines, r'pip install --no-cache-dir -r "binder/requirements\.txt"$')
    # "." in binder/requirements.txt is the repository itself, so it must be in the image before pip runs.
    assert copy_repo < install
    # With a binder/ folder the root pyproject.toml is ignored: the package is installed once, from binder/.
    assert not any(re.search(r"pip install --no-cache-dir \.$", line) for line in lines)


def test_post_build_runs_last_as_the_notebook_user(dockerfile):
    lines = dockerfile.splitlines()
    install = _line_index(lines, r'pip install --no-cache-dir -r "binder/requirements\.txt"$')
    post_build = _line_index(lines, r"^RUN \./binder/postBuild$")
    assert install < post_build
    last_user = [line for line in lines[:post_build] if line.startswith("USER ")][-1]
    assert last_user == "USER ${NB_USER}"


def test_assets_land_in_the_notebook_users_home(dockerfile):
    # postBuild fetches into platformdirs' user cache, i.e. $HOME/.cache/microexp-widgets, which stays in the
    # image because HOME is the repository folder and nothing redirects the cache elsewhere.
    assert re.search(r"HOME=/home/\$\{NB_USER\}", dockerfile)
    assert "ARG REPO_DIR=${HOME}" in dockerfile
    assert "WORKDIR ${REPO_DIR}" in dockerfile
    for variable in ("XDG_CACHE_HOME", "MICROEXP_HOME", "MICROEXP_FACE_MODEL"):
        assert variable not in dockerfile


def test_post_build_is_an_executable_bash_script_that_stops_on_errors():
    script = BINDER / "postBuild"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert re.search(r"^set -[a-z]*e[a-z]*\b", text, re.MULTILINE), "postBuild must use set -e"
    assert re.search(r"^(PIP_NO_CACHE_DIR=1 )?python -m microexp_widgets fetch-assets$", text, re.MULTILINE)
    assert os.access(script, os.X_OK)
    tracked = subprocess.run(
        ["git", "ls-files", "--stage", "binder/postBuild"], cwd=REPO, capture_output=True, text=True
    ).stdout
    if tracked:  # once committed, git must keep the executable bit too
        assert tracked.startswith("100755 "), tracked


def test_requirements_install_the_package_with_the_lesson_extra():
    lines = [line.split("#", 1)[0].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    assert ".[lab]" in lines


def _apt_packages() -> set[str]:
    lines = (BINDER / "apt.txt").read_text().splitlines()
    return {line.split("#", 1)[0].strip() for line in lines} - {""}


def test_dockerfile_installs_the_apt_packages(dockerfile):
    installs = [line for line in dockerfile.splitlines() if "apt-get install --yes --no-install-recommends" in line]
    named = {word for line in installs for word in line.split()}
    assert _apt_packages() <= named, installs


# Packages repo2docker's base image (buildpack-deps:24.04) has anyway, or that apt.txt's packages pull in:
# the C/C++ runtime, zlib, GLib (from its libglib2.0-dev), and libGL's own X11 and glvnd dependencies.
_BASE_OR_PULLED_IN = {
    "libc6",
    "libgcc-s1",
    "libstdc++6",
    "zlib1g",
    "libglib2.0-0",
    "libpcre2-8-0",
    "libglvnd0",
    "libglx0",
    "libx11-6",
    "libxcb1",
    "libxau6",
    "libxdmcp6",
    "libbsd0",
    "libmd0",
}


def _native_modules() -> list[Path]:
    import cv2
    import mediapipe

    return [Path(mediapipe.__file__).parent / "tasks" / "c" / "libmediapipe.so", Path(cv2.__file__).parent]


@pytest.mark.skipif(not shutil.which("dpkg") or not shutil.which("ldd"), reason="needs a Debian system with dpkg")
def test_apt_txt_covers_the_system_libraries_the_wheels_load():
    libraries: set[str] = set()
    for module in _native_modules():
        files = [module] if module.is_file() else sorted(module.glob("*.so"))
        assert files, f"no native library found at {module}"
        for file in files:
            ldd = subprocess.run(["ldd", str(file)], capture_output=True, text=True, check=True).stdout
            for line in ldd.splitlines():
                match = re.search(r"=> (/\S+)", line)
                if match and ".venv" not in match.group(1) and "site-packages" not in match.group(1):
                    libraries.add(os.path.realpath(match.group(1)))
    owners: set[str] = set()
    for library in libraries:
        found = subprocess.run(["dpkg", "-S", library], capture_output=True, text=True)
        if found.returncode != 0:  # merged /usr: dpkg may know the file under /lib rather than /usr/lib
            found = subprocess.run(["dpkg", "-S", library.removeprefix("/usr")], capture_output=True, text=True)
        assert found.returncode == 0, f"no Debian package owns {library}"
        owners.add(found.stdout.split(":", 1)[0])
    missing = owners - _apt_packages() - _BASE_OR_PULLED_IN
    assert not missing, f"add these to binder/apt.txt (or explain why the base image has them): {sorted(missing)}"


def test_readme_badge_opens_the_first_lesson_in_jupyterlab():
    readme = (REPO / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"'>]+", readme)
    assert links, "README.md needs the 'launch on Binder' badge linking to mybinder.org"
    for link in links:
        parts = urlsplit(link)
        owner_repo_ref = parts.path.removeprefix("/v2/gh/").split("/")
        assert len(owner_repo_ref) == 3 and owner_repo_ref[1] == "microexp-widgets", link
        assert parse_qs(parts.query).get("urlpath") == ["lab/tree/lessons/00_start_here.ipynb"], link
    assert (REPO / "lessons" / "00_start_here.ipynb").is_file()


def test_a_local_image_build_leaves_the_developers_venv_and_caches_out():
    # repo2docker reads binder/.dockerignore (binder/ wins over the root) and hands its lines to docker-py's
    # exclude_paths to choose what goes into the image: replay that choice on this working copy.
    from docker.utils.build import exclude_paths

    lines = [line.strip() for line in (BINDER / ".dockerignore").read_text().splitlines()]
    patterns = [line for line in lines if line and not line.startswith("#")]
    kept = set(exclude_paths(str(REPO), patterns))
    for folder in (".venv", ".pytest_cache", ".ruff_cache"):
        assert not any(path == folder or path.startswith(f"{folder}/") for path in kept), folder
    assert not any("__pycache__" in path for path in kept)
    for needed in ("binder/postBuild", "binder/requirements.txt", "pyproject.toml", "microexp_widgets/__init__.py"):
        assert needed in kept
    assert any(path.startswith("lessons/") and path.endswith(".ipynb") for path in kept)
