"""Every public listing reads the large tables through an index: on PostgreSQL, over a few
thousand generated articles (with statistics), each statement a listing runs is EXPLAINed
and a sequential scan of a large table fails the test."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text

from journal.accounts.models import User
from journal.extensions import db
from journal.funded_tasks.models import FundedTask
from journal.models_base import utcnow
from journal.provinces import all_provinces
from journal.publish.records import Article, Issue
from journal.submissions.models import Section, Submission, SubmissionAuthor

from ..factories import make_funded_task
from .factories import make_published_article

ARTICLES = 3000
PER_ISSUE = 20  # as in a real issue
ABSTRACT_VI = (
    "Nghiên cứu đánh giá khả năng chịu mặn của các giống lúa trong điều kiện nhà lưới và "
    "ngoài đồng ruộng tại các tỉnh ven biển. "
) * 6
ABSTRACT_EN = (
    "The study assesses the salinity tolerance of rice varieties in the greenhouse and in "
    "farmers' fields of the coastal provinces. "
) * 6
TASK_FIELDS = (
    "title_vi",
    "title_en",
    "agency",
    "programme",
    "start_year",
    "end_year",
    "principal_investigator",
)
LARGE = 1000  # rows: a table this big must not be read whole by a listing


@pytest.fixture
def many_articles(app, users):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are PostgreSQL's: run with JOURNAL_TEST_DATABASE_URL")
    rng = random.Random(20)
    provinces = all_provinces()
    sections = list(db.session.execute(db.select(Section)).scalars())
    template = make_funded_task("CT-0", "CT")
    db.session.execute(
        insert(FundedTask.__table__),
        [
            {
                "code": f"{p.code}-{n}",
                "province_id": p.id,
                **{k: getattr(template, k) for k in TASK_FIELDS},
            }
            for p in provinces
            for n in range(1, 11)
        ],
    )
    tasks = list(db.session.execute(db.select(FundedTask.id)).scalars())
    first = make_published_article(users["author"])  # a real galley, shared by the others
    galley_id, owner_id = first.galley_version_id, first.submission.owner_id
    now = utcnow()
    db.session.execute(
        insert(Issue.__table__),
        [
            {"volume": volume, "number": 1, "year": 1900 + volume, "published_at": now}
            for volume in range(1, ARTICLES // PER_ISSUE + 1)
        ],
    )
    issues = list(db.session.execute(db.select(Issue.id).order_by(Issue.id)).scalars())
    user_rows = [
        {
            "email": f"reader{i}@example.org",
            "full_name": f"Tác Giả {i}",
            "password_hash": "",
            # Most authors are from elsewhere: a province's own are a few.
            "province_id": rng.choice(provinces).id if i % 10 == 0 else None,
        }
        for i in range(1500)
    ]
    db.session.execute(insert(User.__table__), user_rows)
    user_ids = list(db.session.execute(db.select(User.id).order_by(User.id)).scalars())
    submissions = [
        {
            "owner_id": owner_id,
            "stage": "published",
            "version": 1,
            "section_id": rng.choice(sections).id,
            "language": "en" if i % 3 == 0 else "vi",
            # Rows the size of real ones (the planner weighs pages, not rows).
            "title_vi": f"Đánh giá khả năng chịu mặn của giống lúa số {i} ở đồng bằng",
            "title_en": f"Salinity tolerance of rice variety {i} in the Mekong Delta",
            "abstract_vi": ABSTRACT_VI,
            "abstract_en": ABSTRACT_EN,
            "keywords_vi": "lúa; độ mặn; Đồng bằng sông Cửu Long",
            "keywords_en": "rice; salinity; Mekong Delta",
            "funded_task_id": rng.choice(tasks) if i % 4 == 0 else None,
            "province_id": rng.choice(provinces).id if i % 2 == 0 else None,
            "submitted_at": now,
        }
        for i in range(ARTICLES)
    ]
    db.session.execute(insert(Submission.__table__), submissions)
    submission_ids = list(
        db.session.execute(
            db.select(Submission.id).where(Submission.id != first.submission_id)
        ).scalars()
    )
    db.session.execute(
        insert(SubmissionAuthor.__table__),
        [
            {
                "submission_id": sid,
                "position": position,
                "full_name": f"Tác Giả {sid}.{position}",
                "email": "",
                "user_id": rng.choice(user_ids) if position == 1 else None,
            }
            for sid in submission_ids
            for position in (1, 2, 3)
        ],
    )
    db.session.execute(
        insert(Article.__table__),
        [
            {
                "submission_id": sid,
                "doi": f"10.99999/plan.{sid}",
                "issue_id": issues[n // PER_ISSUE],
                "position": n % PER_ISSUE + 1,
                "galley_version_id": galley_id,
                "scheduled_at": now,
                "published_at": now - timedelta(hours=n),
                "updated_at": now - timedelta(hours=n),
            }
            for n, sid in enumerate(submission_ids)
        ],
    )
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return {"issue": issues[3], "task": tasks[5]}


def _listing_paths(found) -> list[str]:
    issue = found["issue"]
    return [
        "/",
        "/provinces/CT",
        "/provinces/AG?page=4",
        "/sections/research",
        "/sections/short?page=3",
        f"/issues/{issue}",
        "/embed/province/KG",
        "/feeds/atom",
        "/feeds/province/CM/rss",
        "/feeds/section/research/atom",
        f"/feeds/issue/{issue}/atom",
        "/api/v1/articles",
        "/api/v1/articles?province=CT&limit=50",
        "/api/v1/articles?section=research&language=en",
        "/api/v1/articles?year=2026",
        f"/api/v1/articles?issue={issue}",
        f"/api/v1/issues/{issue}",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=province:CT",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=section:research",
    ]


def _large_tables() -> set[str]:
    rows = db.session.execute(
        text(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= :large"
            " AND relnamespace = 'public'::regnamespace"
        ),
        {"large": LARGE},
    )
    return set(rows.scalars())


def _scans(plan: dict):
    yield plan.get("Node Type"), plan.get("Relation Name")
    for child in plan.get("Plans", ()):
        yield from _scans(child)


def test_public_listings_never_scan_a_large_table(client, many_articles):
    large = _large_tables()
    assert {"articles", "submissions", "submission_authors", "users"} <= large
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((path, statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        for path in _listing_paths(many_articles):
            response = client.get(path)
            assert response.status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)

    problems = []
    with db.engine.connect() as connection:
        for path, statement, parameters in statements:
            raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
            plan = raw.scalar()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            for node, table in _scans(plan[0]["Plan"]):
                if node == "Seq Scan" and table in large:
                    problems.append(f"{path}: sequential scan of {table} in\n{statement}")
    assert len(statements) > 40
    assert problems == [], "\n\n".join(problems)
