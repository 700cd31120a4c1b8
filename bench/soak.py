"""Benchmark: a soak of the production recipe, for connection errors and 304s across workers.

    .venv/bin/python bench/soak.py [--users 30] [--seconds 60] [--workers 4] [--keepalive N]

Builds a throw-away SQLite journal (one published issue of 60 articles), starts gunicorn
with deploy/gunicorn.conf.py (WEB_CONCURRENCY workers, its threads and keep-alive; or
``--keepalive`` to try another) and lets simulated readers browse it: each reader keeps its
connection (a requests session), pauses between 0 and 8 s (past gunicorn's old 2 and 5 s
keep-alive), and revalidates the pages it has seen with their ETags, whichever worker
answers. Prints the requests, the errors (connection errors and 5xx) and the share of
revalidations answered 304. The references (the issue that asked for this): 4 errors in
4,351 requests, and a 304 for 1 revalidation in 8 (ETags per worker, four workers).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE_ERRORS = 4 / 4351
REFERENCE_304 = 1 / 8
PATHS = ["/", "/archive", "/sections/research", "/provinces/CT", "/feeds/atom", "/api/v1/articles"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(folder: Path) -> tuple[str, list[str]]:
    from flask_migrate import upgrade

    from journal import create_app
    from journal.extensions import db
    from journal.seed import seed_reference_data
    from tests.publish.factories import make_big_issue

    url = f"sqlite:///{folder / 'soak.sqlite3'}"
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "soak",
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(folder / "instance"),
            "STORAGE_DIR": str(folder / "files"),
        }
    )
    with app.app_context():
        upgrade()
        seed_reference_data()
        issue = make_big_issue(60)
        ids = [a.id for a in issue.articles] if hasattr(issue, "articles") else []
        if not ids:
            from journal.publish.records import Article

            ids = list(db.session.execute(db.select(Article.id)).scalars())
        paths = PATHS + [f"/issues/{issue.id}"] + [f"/articles/{i}" for i in ids[:20]]
        db.engine.dispose()
    return url, paths


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.errors = self.revalidations = self.not_modified = 0
        self.problems: list[str] = []

    def add(self, *, error: str | None = None, revalidation=False, not_modified=False):
        with self.lock:
            self.requests += 1
            self.revalidations += revalidation
            self.not_modified += not_modified
            if error:
                self.errors += 1
                self.problems.append(error)


def _reader(base: str, paths: list[str], until: float, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    etags: dict[str, str] = {}
    try:
        while time.monotonic() < until:
            path = rng.choice(paths)
            headers = {"If-None-Match": etags[path]} if path in etags else {}
            try:
                response = session.get(base + path, headers=headers, timeout=30)
            except requests.RequestException as error:
                tally.add(error=f"{path}: {type(error).__name__}: {error}")
            else:
                if response.status_code >= 500:
                    tally.add(error=f"{path}: {response.status_code}")
                else:
                    tally.add(revalidation=bool(headers), not_modified=response.status_code == 304)
                    if response.headers.get("ETag"):
                        etags[path] = response.headers["ETag"]
            time.sleep(rng.uniform(0, 8))
    finally:
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keepalive", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, paths = _prepare(folder)
        port = _free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("JOURNAL_")},
            "JOURNAL_ENV": "production",
            "JOURNAL_SECRET_KEY": uuid.uuid4().hex,
            "JOURNAL_BASE_URL": f"http://127.0.0.1:{port}",
            "JOURNAL_TRUSTED_HOSTS": "127.0.0.1",
            "JOURNAL_DATABASE_URL": url,
            "JOURNAL_INSTANCE_PATH": str(folder / "instance"),
            "JOURNAL_STORAGE_DIR": str(folder / "files"),
            "JOURNAL_LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": str(args.workers),
        }
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        if args.keepalive is not None:
            command += ["--keep-alive", str(args.keepalive)]
        log = (folder / "gunicorn.log").open("wb")
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    requests.get(base + "/", timeout=30)
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print((folder / "gunicorn.log").read_text(), file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            tally = Tally()
            until = time.monotonic() + args.seconds
            readers = [
                threading.Thread(target=_reader, args=(base, paths, until, seed, tally))
                for seed in range(args.users)
            ]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(60)  # graceful_timeout: the workers finish what they serve
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()

    rate = tally.not_modified / tally.revalidations if tally.revalidations else 0.0
    error_rate = tally.errors / tally.requests if tally.requests else 0.0
    print(
        f"{tally.requests} requests by {args.users} readers over {args.seconds:.0f} s, "
        f"{args.workers} workers, keep-alive {args.keepalive or 'as configured'}"
    )
    print(
        f"errors: {tally.errors} ({error_rate:.3%}; reference {REFERENCE_ERRORS:.3%}, "
        f"ratio {error_rate / REFERENCE_ERRORS:.2f})"
    )
    print(
        f"304s: {tally.not_modified} of {tally.revalidations} revalidations ({rate:.1%}; "
        f"reference {REFERENCE_304:.1%}, ratio {rate / REFERENCE_304:.1f}×)"
    )
    for problem in tally.problems[:10]:
        print("  ", problem)
    return 0 if tally.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
