"""Watch a process tree's network calls at the OS level with ``strace``: native code included, which Python-level
socket hooks never see.

``attempts_off_the_machine(log)`` reads an ``strace -f -e trace=connect,sendto,sendmsg,sendmmsg`` log and returns
every call that would leave the machine or resolve a name:

- any ``connect``/``send*`` to an IPv4 or IPv6 address off loopback;
- any call to port 53, even on loopback: a local resolver (systemd-resolved's 127.0.0.53, dnsmasq) forwards the
  query out, so a DNS query counts wherever it is sent;
- any ``connect`` that reaches a name-service socket (nscd, systemd-resolved's varlink): glibc then hands the lookup
  to that service, out of strace's sight. Where none runs (as here and in CI) the attempt fails with ENOENT and glibc
  sends its DNS query itself, which the port-53 rule sees.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

STRACE = shutil.which("strace")
STRACE_HINT = "the network-silence tests need strace: run 'apt-get install -y strace' as root (.ci/run does)"
TRACED_CALLS = "connect,sendto,sendmsg,sendmmsg"

_CALL = re.compile(r"\b(connect|sendto|sendmsg|sendmmsg)\(")
_INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
_INET6 = re.compile(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')
_NAME_SERVICE_SOCKETS = ("nscd/socket", "systemd/resolve")


def strace_command(log: Path) -> list[str]:
    """The prefix that runs a command under strace, following every thread and child, logging to ``log``."""
    if STRACE is None:
        raise RuntimeError(STRACE_HINT)
    return [STRACE, "-f", "-qq", "-s", "64", "-e", f"trace={TRACED_CALLS}", "-o", str(log)]


def attempts_off_the_machine(log_text: str) -> list[str]:
    """Every traced line that tried to reach another machine or to resolve a name (see the module docstring)."""
    offences = []
    for line in log_text.splitlines():
        if not _CALL.search(line):
            continue
        if any(name in line for name in _NAME_SERVICE_SOCKETS):
            if line.rstrip().endswith("= 0"):
                offences.append(line.strip())
            continue
        for pattern in (_INET, _INET6):
            for port, address in pattern.findall(line):
                if int(port) == 53 or not ipaddress.ip_address(address).is_loopback:
                    offences.append(line.strip())
                    break
    return offences


def run_traced(
    command: list[str], log: Path, *, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run ``command`` to its end under strace; the trace goes to ``log``."""
    return subprocess.run(
        strace_command(log) + command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
