"""gunicorn's workers on deploy/gunicorn.conf.py: every worker gives the same validators
(a revalidation gets its 304 whichever worker answers), each logs the native code it has
loaded, and a worker that crashes leaves a Python traceback in the log."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from ..conftest import free_port
from .support import DEPLOY, clean_environment, start, stop, wait_until_serving

BIN = Path(sys.executable).parent
PATHS = ["/", "/archive", "/feeds/atom", "/api/v1/articles", "/sitemap.xml"]


@pytest.fixture
def gunicorn(migrated, tmp_path):
    port = free_port()
    env = clean_environment(
        JOURNAL_ENV="production",
        JOURNAL_SECRET_KEY=uuid.uuid4().hex,
        JOURNAL_BASE_URL="https://journal.example.org",
        JOURNAL_TRUSTED_HOSTS="127.0.0.1",
        JOURNAL_INSTANCE_PATH=str(tmp_path / "instance"),
        JOURNAL_DATABASE_URL=migrated,
        JOURNAL_LOG_FORMAT="json",
        WEB_CONCURRENCY="2",
    )
    log = tmp_path / "gunicorn.log"
    command = [
        str(BIN / "gunicorn"),
        "--config",
        str(DEPLOY / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    process = start(command, env=env, cwd=tmp_path, log=log)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", process, log)
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        stop(process)


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def _started_workers(log: Path) -> dict[int, dict]:
    found = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"journal.process"' in line:
            record = json.loads(line)
            found[record["pid"]] = record
    return found


def _wait_for(check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    return check()


def test_every_worker_gives_the_same_validators(gunicorn):
    base, _process, _log = gunicorn
    for path in PATHS:
        tags, revalidated = set(), []
        for _ in range(12):  # a new connection each time: the workers take turns
            first = requests.get(base + path, headers={"Connection": "close"}, timeout=10)
            assert first.status_code == 200, path
            tags.add(first.headers["ETag"])
            again = requests.get(
                base + path,
                headers={"Connection": "close", "If-None-Match": first.headers["ETag"]},
                timeout=10,
            )
            revalidated.append(again.status_code)
        assert len(tags) == 1, (path, tags)
        assert revalidated == [304] * 12, (path, revalidated)


def test_each_worker_logs_its_native_code_and_a_crash_leaves_a_traceback(gunicorn, migrated):
    _base, process, log = gunicorn
    expected = ["lxml", "pillow"] + (["psycopg"] if migrated.startswith("postgresql") else [])
    workers = _wait_for(lambda: len(_workers(process.pid)) == 2 and _workers(process.pid))
    started = _wait_for(
        lambda: set(workers) <= set(_started_workers(log)) and _started_workers(log)
    )
    for pid in workers:
        record = started[pid]
        extensions = " ".join(record["extensions"]).lower()
        assert all(name in extensions for name in expected), extensions
        assert any(name.startswith("libc.so") for name in record["libraries"]), record

    os.kill(workers[0], signal.SIGSEGV)

    crashed = _wait_for(lambda: "Fatal Python error: Segmentation fault" in log.read_text())
    assert crashed, log.read_text()
    text = log.read_text()
    assert "Current thread" in text or "Thread 0x" in text
    # gunicorn replaces the worker, which logs its native code too
    assert _wait_for(lambda: len(set(_started_workers(log)) - set(workers)) >= 1)
