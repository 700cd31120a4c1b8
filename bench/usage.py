"""Benchmark: what usage statistics cost.

    .venv/bin/python bench/usage.py pages [--seconds 15] [--rounds 3] [--clients 8]
    .venv/bin/python bench/usage.py aggregate --database-url postgresql://…/db [--events 10000000]

``pages``: a throw-away journal (SQLite, one published article) served by gunicorn with the
production configuration's worker model (gthread); article pages are requested as fast as
``--clients`` keep-alive connections allow, with recording off, then on, for ``--rounds``
rounds (alternating, so that both see the same machine). Each client is another browser (its
own user agent), so every request is recorded. Prints requests per second of each and the
ratio on/off; the target is at most 5 % slower.

``aggregate``: on the given PostgreSQL database (its schema is dropped and made again), a
month of ``--events`` generated events over 500 articles (bursts of double clicks, sessions of
several requests, four kinds) is aggregated by the daily job's code in one run, timed. The
target is under 2 minutes for 10 million events.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_TARGET = 0.05  # at most 5 % fewer requests per second with recording on
AGGREGATE_TARGET = 120.0  # seconds for 10 million events


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare_journal(folder: str) -> int:
    from flask_migrate import upgrade

    from journal import create_app
    from journal.extensions import db
    from journal.seed import seed_reference_data
    from tests.publish.factories import make_published_article

    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
    )
    with app.app_context():
        upgrade()
        seed_reference_data()
        article_id = make_published_article().id
        db.session.remove()
        db.engine.dispose()
    return article_id


def _serve(folder: str, port: int, recording: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "JOURNAL_ENV": "production",
        "JOURNAL_SECRET_KEY": "bench",
        "JOURNAL_INSTANCE_PATH": folder,
        "JOURNAL_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "JOURNAL_BASE_URL": f"http://127.0.0.1:{port}",
        "JOURNAL_USAGE_ENABLED": "true" if recording else "false",
        "JOURNAL_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
            "journal:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _load(port: int, path: str, clients: int, seconds: float) -> float:
    """Requests per second over ``seconds`` with ``clients`` keep-alive connections."""
    counts = [0] * clients
    stop = time.monotonic() + seconds
    failures = []

    def client(number: int):
        agent = f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + number}.0) Gecko/20100101 Firefox"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", path, headers={"User-Agent": agent})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
                return
            counts[number] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"pages answered {failures[:3]}")
    return sum(counts) / (time.monotonic() - started)


def _count_events(folder: str) -> int:
    import sqlite3

    with sqlite3.connect(f"{folder}/bench.sqlite3") as conn:
        return conn.execute("SELECT count(*) FROM usage_events").fetchone()[0]


def pages(args) -> int:
    with tempfile.TemporaryDirectory() as folder:
        article_id = _prepare_journal(folder)
        path = f"/articles/{article_id}"
        results = {False: [], True: []}
        for _ in range(args.rounds):
            for recording in (False, True):
                port = _free_port()
                server = _serve(folder, port, recording)
                try:
                    _load(port, path, args.clients, 2)  # warm up
                    results[recording].append(_load(port, path, args.clients, args.seconds))
                finally:
                    server.terminate()  # workers write what they buffered as they exit
                    server.wait(timeout=30)
        off, on = statistics.median(results[False]), statistics.median(results[True])
        ratio = on / off
        for label, recording in (("off", False), ("on", True)):
            rounds = ", ".join(f"{r:.1f}" for r in results[recording])
            median = statistics.median(results[recording])
            print(f"recording {label + ':':4} {median:7.1f} req/s  (rounds: {rounds})")
        print(f"on / off: {ratio:.3f} ({(1 - ratio) * 100:+.1f} % slower; target at most 5 %)")
        print(f"events written: {_count_events(folder)}")
        return 0 if ratio >= 1 - PAGE_TARGET else 1


GENERATE = """
INSERT INTO usage_events (article_id, kind, day, at, session_key, country)
SELECT a.article_id,
       (ARRAY['html', 'html', 'pdf', 'jats', 'html', 'page'])[1 + (g % 6)],
       to_timestamp(a.at)::date,
       a.at,
       hashtextextended((g / 5)::text, 0),
       ''
FROM generate_series(1, :events) AS g,
LATERAL (
    SELECT 1 + ((g / 5) % 500) AS article_id,
           :start + ((g / 5) * 37 % (30 * 86400)) + (g % 5) * 20 AS at
) AS a
"""


def aggregate(args) -> int:
    from datetime import UTC, datetime, timedelta

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, func, select, text

    from journal import create_app
    from journal.extensions import db
    from journal.seed import seed_reference_data
    from journal.usage.aggregation import aggregate_usage
    from journal.usage.models import UsageDaily
    from tests.publish.factories import make_published_article

    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENV": "testing",
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": folder,
                "DATABASE_URL": args.database_url,
                "USAGE_KEEP_DAYS": 100_000,
            }
        )
        with app.app_context():
            upgrade()
            seed_reference_data()
            for _ in range(500):
                make_published_article(commit=False)
            db.session.commit()
            start = datetime.now(UTC).replace(hour=0, minute=0, second=0) - timedelta(days=31)
            began = time.perf_counter()
            db.session.execute(text("ALTER TABLE usage_events SET UNLOGGED"))
            db.session.execute(
                text(GENERATE), {"events": args.events, "start": int(start.timestamp())}
            )
            db.session.execute(text("ALTER TABLE usage_events SET LOGGED"))
            db.session.execute(text("ANALYZE usage_events"))
            db.session.commit()
            made = time.perf_counter() - began
            first, last = db.session.execute(
                text("SELECT min(day), max(day) FROM usage_events")
            ).one()
            print(f"{args.events:,} events generated in {made:.1f} s ({first} to {last})")

            began = time.perf_counter()
            result = aggregate_usage(first, last)
            took = time.perf_counter() - began
            totals = db.session.execute(
                select(
                    func.sum(UsageDaily.total_investigations), func.sum(UsageDaily.total_requests)
                )
            ).one()
            print(
                f"aggregated in {took:.1f} s: {result.rows:,} daily rows, "
                f"{totals[0]:,} investigations and {totals[1]:,} requests counted "
                f"(double clicks removed)"
            )
            ratio = took / AGGREGATE_TARGET
            print(f"time / target: {ratio:.2f} (target under {AGGREGATE_TARGET:.0f} s)")
            db.session.remove()
            db.engine.dispose()
        return 0 if took < AGGREGATE_TARGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    page_args = commands.add_parser("pages", help="article page req/s, recording on vs off")
    page_args.add_argument("--seconds", type=float, default=15)
    page_args.add_argument("--rounds", type=int, default=3)
    page_args.add_argument("--clients", type=int, default=8)
    aggregate_args = commands.add_parser("aggregate", help="aggregate generated events")
    aggregate_args.add_argument("--database-url", required=True)
    aggregate_args.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    return pages(args) if args.command == "pages" else aggregate(args)


if __name__ == "__main__":
    sys.exit(main())
