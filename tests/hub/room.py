"""A real JupyterHub on loopback with real system users: the room a facilitator books, on this machine.

The hub uses the dummy authenticator (only the room's learner names, any password) and the local-process
spawner, so each learner's single-user server and kernel run as that learner's own system user. Users are made
the way The Littlest JupyterHub makes them (``useradd --create-home``, then the home closed to others) and are
removed with their homes afterwards, also when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from browser.conftest import call_json_api, file_tail

HUB_START_TIMEOUT_S = 90
SPAWN_TIMEOUT_S = 120
PASSWORD = "any-password"  # the dummy authenticator takes any password; allowed_users limits the names


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_learner(name: str) -> Path:
    """Create a system user with a home only they can enter (as TLJH does) and return the home."""
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True, capture_output=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    subprocess.run(["chmod", "o-rwx", str(home)], check=True)
    return home


def remove_learner(name: str) -> None:
    """End whatever still runs as ``name`` (all started by this test's hub), then delete the user and home."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for process in processes_of(uid):
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(processes_of(uid), timeout=10)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def processes_of(uid: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["uids"]):
        uids = process.info["uids"]
        if uids is not None and uids.real == uid:
            found.append(process)
    return found


def peak_rss_mib(process: psutil.Process) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


@dataclass
class Hub:
    """A running hub: ``url`` is the public address (through configurable-http-proxy)."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    started_in_s: float
    requests_made: int = 0
    spawn_seconds: dict[str, float] = field(default_factory=dict)

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 15.0):
        self.requests_made += 1
        return call_json_api(f"{self.url}/hub/api{path}", self.token, method, body, timeout)

    def log_tail(self, chars: int = 3000) -> str:
        return file_tail(self.log, chars)

    def spawn_all(self, names: list[str]) -> None:
        """Start every learner's server at once, as a room logging in together, and time each until ready."""
        asked = {}
        for name in names:
            asked[name] = time.monotonic()
            self.api("POST", f"/users/{name}/server")
        deadline = time.monotonic() + SPAWN_TIMEOUT_S
        waiting = set(names)
        while waiting:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"servers of {sorted(waiting)} not ready in {SPAWN_TIMEOUT_S} s\n{self.log_tail()}"
                )
            for name in sorted(waiting):
                server = (self.api("GET", f"/users/{name}").get("servers") or {}).get("")
                if server and server.get("ready"):
                    self.spawn_seconds[name] = time.monotonic() - asked[name]
                    waiting.discard(name)
            time.sleep(0.5)

    def processes(self) -> list[psutil.Process]:
        """The hub and its proxy (the learners' servers run as the learners and are counted apart)."""
        try:
            parent = psutil.Process(self.process.pid)
            return [parent, *(p for p in parent.children(recursive=True) if p.uids().real == 0)]
        except psutil.Error:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops the learners' servers on its way out
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def _config(
    workdir: Path, env: Path, assets: Path, names: list[str], ports: dict[str, int], token: str, lab_config: Path
) -> str:
    spawner_environment = {
        "PATH": f"{env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "MICROEXP_HOME": str(assets),  # the verified face model and sample clips, shared read-only
        "JUPYTER_CONFIG_PATH": str(lab_config),
    }
    return f"""
c.JupyterHub.bind_url = "http://127.0.0.1:{ports["public"]}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{ports["hub"]}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
c.ConfigurableHTTPProxy.command = [{shutil.which("configurable-http-proxy")!r}]
c.ConfigurableHTTPProxy.pid_file = {str(workdir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{workdir / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(workdir / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {set(names)!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(env / "bin" / "jupyterhub-singleuser")!r}]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {spawner_environment!r}
c.Spawner.start_timeout = {SPAWN_TIMEOUT_S}
c.Spawner.http_timeout = {SPAWN_TIMEOUT_S}
c.JupyterHub.services = [{{"name": "room-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [
    {{"name": "room-test", "scopes": ["admin:users", "admin:servers"], "services": ["room-test"]}}
]
"""


def start_hub(workdir: Path, env: Path, assets: Path, names: list[str]) -> Hub:
    """Start JupyterHub from the learners' environment and wait until its public address answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    # Lets the test reach JupyterLab's application object in the page, as the single-learner browser tests do.
    # It sits beside the shared environment: the learners cannot enter pytest's own temporary folders.
    lab_config = env.parent / "room-test-config"
    lab_config.mkdir(exist_ok=True)
    (lab_config / "jupyter_server_config.json").write_text(json.dumps({"LabApp": {"expose_app_in_browser": True}}))
    subprocess.run(["chmod", "-R", "u+rwX,go+rX,go-w", str(lab_config)], check=True)
    ports = {"public": free_port(), "hub": free_port(), "proxy_api": free_port()}
    token = secrets.token_hex(16)
    config = workdir / "jupyterhub_config.py"
    config.write_text(_config(workdir, env, assets, names, ports, token, lab_config))
    log = workdir / "hub.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(env / "bin" / "jupyterhub"), "-f", str(config)],
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a hard stop can end the hub and its proxy together
            env={**os.environ, "PATH": f"{env / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"},
        )
    hub = Hub(url=f"http://127.0.0.1:{ports['public']}", token=token, process=process, log=log, started_in_s=0.0)
    deadline = started + HUB_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with code {process.returncode}:\n{hub.log_tail()}")
        try:
            hub.api("GET", "/", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if time.monotonic() > deadline:
                hub.kill()
                raise RuntimeError(
                    f"JupyterHub did not answer within {HUB_START_TIMEOUT_S} s:\n{hub.log_tail()}"
                ) from None
            time.sleep(0.2)
    hub.started_in_s = time.monotonic() - started
    return hub
