"""Real processes for the deployment tests: start them, wait until they answer, stop them."""

from __future__ import annotations

import os
import signal
import subprocess
import sysconfig
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def clean_environment(**settings: str) -> dict[str, str]:
    """The environment of a subprocess: this one's without any ``JOURNAL_*`` setting, the
    virtualenv or a Python path, plus ``settings``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("JOURNAL_", "FLASK_"))
        and name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(settings)
    return env


def run(command: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    """Run a command to its end; its output, or an assertion error carrying it."""
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def start(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    """A long-running process in its own process group, its output written to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_serving(url: str, process: subprocess.Popen, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} exited:\n{log.read_text(errors='replace')}")
        try:
            requests.get(url, timeout=max(deadline - time.monotonic(), 1))
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the process group (gunicorn and its workers, a worker and its job), then
    SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)


def site_packages() -> str:
    """This interpreter's site-packages (the project's virtualenv)."""
    return sysconfig.get_paths()["purelib"]
