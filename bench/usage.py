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


def _in_process(folder: str, article_id: int, runs: int = 300) -> tuple[float, float]:
    """(median milliseconds of an article page through the WSGI app, median microseconds
    of recording one event in a request), without the network and gunicorn."""
    from journal import create_app
    from journal.usage.recording import record_usage, recorder

    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "USAGE_BATCH_SIZE": 10**9,  # the buffer only: writing is not on the page's time
        }
    )
    client = app.test_client()
    pages_ms = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(f"/articles/{article_id}", headers={"User-Agent": "Mozilla/5.0 Bench"})
        pages_ms.append((time.perf_counter() - started) * 1000)
    records_us = []
    with app.test_request_context(headers={"User-Agent": "Mozilla/5.0 Bench"}):
        for i in range(runs * 10):
            started = time.perf_counter()
            record_usage(article_id, "html", ip=f"198.51.100.{i % 250}", user_agent=f"UA {i}")
            records_us.append((time.perf_counter() - started) * 1e6)
    recorder(app).discard()
    return statistics.median(pages_ms), statistics.median(records_us)


def pages(args) -> int:
    with tempfile.TemporaryDirectory() as folder:
        article_id = _prepare_journal(folder)
        page_ms, record_us = _in_process(folder, article_id)
        print(
            f"in process: a page {page_ms:.1f} ms, recording its event {record_us:.1f} µs "
            f"({record_us / 1000 / page_ms * 100:.2f} % of the page)"
        )
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
    from sqlalchemy import create_engine, text

    from journal import create_app
    from journal.extensions import db

    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.begin() as conn:
        again = args.again and conn.execute(text("SELECT to_regclass('usage_events')")).scalar()
        if not again:
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
            try:
                if not again:
                    _generate(args.events)
                return _aggregate_timed()
            finally:
                db.session.remove()
                db.engine.dispose()


def _generate(events: int) -> None:
    from datetime import UTC, datetime, timedelta

    from flask_migrate import upgrade
    from sqlalchemy import text

    from journal.extensions import db
    from journal.seed import seed_reference_data
    from tests.publish.factories import make_published_article

    upgrade()
    seed_reference_data()
    for _ in range(500):
        make_published_article(commit=False)
    db.session.commit()
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0) - timedelta(days=31)
    began = time.perf_counter()
    db.session.execute(text(GENERATE), {"events": events, "start": int(start.timestamp())})
    db.session.execute(text("ANALYZE usage_events"))
    db.session.commit()
    print(f"{events:,} events generated in {time.perf_counter() - began:.1f} s")


def _aggregate_timed() -> int:
    from sqlalchemy import func, select, text

    from journal.extensions import db
    from journal.usage.aggregation import aggregate_usage
    from journal.usage.models import UsageDaily

    first, last = db.session.execute(text("SELECT min(day), max(day) FROM usage_events")).one()
    events = db.session.execute(text("SELECT count(*) FROM usage_events")).scalar()
    print(f"aggregating {events:,} events, {first} to {last}")
    began = time.perf_counter()
    result = aggregate_usage(first, last)
    took = time.perf_counter() - began
    totals = db.session.execute(
        select(func.sum(UsageDaily.total_investigations), func.sum(UsageDaily.total_requests))
    ).one()
    print(
        f"aggregated in {took:.1f} s: {result.rows:,} daily rows, {totals[0]:,} investigations "
        f"and {totals[1]:,} requests counted (double clicks removed)"
    )
    print(f"time / target: {took / AGGREGATE_TARGET:.2f} (target under {AGGREGATE_TARGET:.0f} s)")
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
    aggregate_args.add_argument(
        "--again", action="store_true", help="aggregate the events generated by the last run"
    )
    args = parser.parse_args()
    return pages(args) if args.command == "pages" else aggregate(args)


if __name__ == "__main__":
    sys.exit(main())
