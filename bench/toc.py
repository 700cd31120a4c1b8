"""Benchmark: render the table of contents of a published 300-article issue.

    .venv/bin/python bench/toc.py [--articles 300] [--runs 30]

Builds a throw-away SQLite journal in a temporary folder, publishes one issue of N articles
(two sections, three authors each) and times GET /issues/<id> through the WSGI app (no
network), every request rendering the page in full (no conditional request). Prints the
median, the 90th percentile and the number of SQL queries per request; the target is a
median under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import event

    from journal import create_app
    from journal.extensions import db
    from journal.seed import seed_reference_data
    from tests.publish.factories import make_big_issue

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENV": "testing",
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": folder,
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "BASE_URL": "http://127.0.0.1:5000",
            }
        )
        with app.app_context():
            upgrade()
            seed_reference_data()
            issue = make_big_issue(args.articles)
            issue_id = issue.id
            db.session.remove()
        client = app.test_client()
        path = f"/issues/{issue_id}"
        queries: list[str] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
        client.get(path)  # warm up: templates compiled, caches filled
        timings = []
        for _ in range(args.runs):
            queries.clear()
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        items = response.get_data(as_text=True).count('class="article-item"')
    median = statistics.median(timings)
    p90 = sorted(timings)[int(len(timings) * 0.9) - 1]
    print(
        f"TOC of a {items}-article issue: median {median:.1f} ms, p90 {p90:.1f} ms, "
        f"{len(queries)} SQL queries per request, {args.runs} runs "
        f"(target: median < {TARGET_MS:.0f} ms) -> {'OK' if median < TARGET_MS else 'SLOW'}"
    )
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
