"""The learners' Python environment for the room test: the Binder install, readable by every system user.

A hub's single-user servers run as the learners, so their environment must not live under ``/root`` (a venv made
from a Python under ``/root/.pyenv`` fails with "Permission denied"). This one is made from Debian's
``/usr/bin/python3`` in a shared folder and installs exactly what the Binder image installs
(``binder/requirements.txt``), plus the hub's own ``jupyterhub-singleuser``. It is kept between runs under a name
that changes with those requirements, so only the first run pays for the install; this working tree's package is
installed again whenever its code changes (seconds).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")
# The single-user server must speak the hub's API version: the same jupyterhub release on both sides.
JUPYTERHUB_REQUIREMENT = "jupyterhub==6.1.1"
INSTALL_TIMEOUT_S = 1500  # the first build took 13.5 min on a 2-core machine under heavy load


def _requirements_key() -> str:
    """Changes when what the Binder install pulls in changes (not when, say, a pytest marker is added)."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["lab"], JUPYTERHUB_REQUIREMENT]
    digest = hashlib.sha256((REPO / "binder" / "requirements.txt").read_bytes())
    digest.update("\n".join(wanted).encode())
    return digest.hexdigest()[:12]


def shared_root() -> Path:
    """Where shared environments are kept (``MICROEXP_HUB_ENVS``, else ``/var/tmp/microexp-hub``)."""
    return Path(os.environ.get("MICROEXP_HUB_ENVS", "/var/tmp/microexp-hub"))


def _open_to_all(path: Path) -> None:
    """Every user may read and enter ``path`` and everything below it; only its owner may write."""
    subprocess.run(["chmod", "-R", "u+rwX,go+rX,go-w", str(path)], check=True)
    for parent in path.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            raise RuntimeError(f"{parent} is not searchable by other users; set MICROEXP_HUB_ENVS elsewhere")


def ensure_env() -> Path:
    """Return the prefix of the shared environment, building it on first use (minutes) and reusing it later."""
    if not SYSTEM_PYTHON.exists():
        raise RuntimeError(f"the learners' environment needs {SYSTEM_PYTHON}")
    root = shared_root()
    root.mkdir(parents=True, exist_ok=True)
    env = root / f"env-{_requirements_key()}"
    done = env / ".microexp-complete"
    # One build at a time, also across test sessions that start together.
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            _install_this_package(env)
            return env
        shutil.rmtree(env, ignore_errors=True)  # a build that was cut off half-way
        subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(env)], check=True)
        python = str(env / "bin" / "python")
        # repo2docker runs this same command from the repository root; "." in the file is this repository.
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt", JUPYTERHUB_REQUIREMENT],
            cwd=REPO,
            check=True,
            timeout=INSTALL_TIMEOUT_S,
        )
        # What binder/postBuild does for the image's JupyterLab: no news question, news fetch or update check.
        subprocess.run([python, "-m", "microexp_widgets.jupyter_settings"], check=True, capture_output=True)
        done.write_text("complete\n")
        _install_this_package(env)
        _open_to_all(root)
        _remove_outdated(root, keep=env)
    return env


def _remove_outdated(root: Path, keep: Path) -> None:
    """Environments for requirements that have since changed take about a gigabyte each: remove them."""
    for other in root.glob("env-*"):
        if other == keep:
            continue
        if other.is_symlink():
            other.unlink()
        else:
            shutil.rmtree(other, ignore_errors=True)


def _package_key() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "microexp_widgets").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _install_this_package(env: Path) -> None:
    """Install this working tree's package (not its dependencies), unless that very code is installed already."""
    stamp = env / ".microexp-package"
    key = _package_key()
    if stamp.exists() and stamp.read_text().strip() == key:
        return
    subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", "."],
        cwd=REPO,
        check=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    stamp.write_text(key + "\n")
    _open_to_all(env)


def shared_assets(env: Path) -> Path:
    """A copy of the face model and sample clips that every learner can read (``MICROEXP_HOME`` for them)."""
    from microexp_widgets.assets import cache_dir

    target = env.parent / "assets"
    source = cache_dir()
    if not target.exists():
        staging = target.with_name(f"assets.copy-{os.getpid()}")
        shutil.copytree(source, staging, dirs_exist_ok=True)
        if target.exists():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.rename(target)
    # fetch-assets verifies every file's SHA-256 and fetches only what is missing or altered.
    subprocess.run(
        [str(env / "bin" / "python"), "-m", "microexp_widgets", "fetch-assets"],
        env={**os.environ, "MICROEXP_HOME": str(target)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    _open_to_all(target)
    return target
