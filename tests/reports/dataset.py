"""A small journal whose yearly figures were counted by hand (EXPECTED below).

Every submission walks the real state machine (``journal.workflow.transition``) at a
chosen time: the event of each step gets that time before it is written. Review
assignments, articles and the bridge's rows are made directly, with their times. All
times are noon in Vietnam unless said otherwise, so durations are whole days.

Two rows sit on a year boundary on purpose: M2 is submitted at 01:00 on 1 January 2025 in
Vietnam (18:00 UTC on 31 December 2024) and the offer O4 is approved at that moment too;
both belong to 2025.

Timelines (submit → decisions → publication; reviews as accepted → completed):

CT  S1 task CT-T1: 2025-01-10 → review 01-12 → accept 02-09 (30 d) → production 02-15 →
       published 03-11 (60 d). Reviews R1 01-15 → 01-25 (10 d), R2 01-16 → 02-05 (20 d);
       one invitation declined.
    S2: 2025-02-01 → desk reject 02-05 (4 d).
    S3 task CT-T1: 2025-03-01 → review 03-02 → major revisions 03-21 (20 d) → resubmitted
       04-20 → review 04-21 → accept 05-10 → production 05-20 → published 06-29 (120 d).
       Reviews R3 03-05 → 03-19 (14 d), R4 (round 2) 04-22 → 04-30 (8 d); one cancelled
       after accepting.
    S4: 2024-11-01 → review 11-03 → reject 2025-01-05 (65 d).
    S5: a draft. S6: 2025-04-01 → withdrawn 04-15.
CM  M1 task CM-T1: 2025-05-01 → review 05-02 → minor revisions 05-11 (10 d) → resubmitted
       05-20 → review 05-21 → accept 05-25 → production 06-01 → published 07-30 (90 d).
       Review R5 05-03 → 05-10 (7 d).
    M2: 2025-01-01 01:00 → desk reject 2025-01-03 01:00 (2 d).
AG  A1 task AG-T1: 2024-06-01 → review 06-02 → accept 2024-07-10 (39 d) → production
       08-01 → published 2025-02-10 (254 d). Review R6 2024-06-05 → 07-05 (30 d).
KG  K1 task KG-T1: 2025-06-01 → review 06-02 → accept 06-20 (19 d) → production 07-01 →
       published 09-01, taken down 10-01 (not counted as published).

Funded tasks registered: CT-T1 2025-01-05 (CT), CT-T2 2024-03-01 (CT), CM-T1 2025-02-01
(CM), AG-T1 2024-01-15 (AG), KG-T1 2025-03-03 (KG).

Bridge: offers O1 (M1's article, CM) approved 2025-08-01; O2 (S1, CT) a draft; O3 (S3, CT)
approved 2025-07-01 then withdrawn; O4 (A1, AG) approved at 2025-01-01 01:00. Startups ST1
(CT) approved 2025-09-01, ST2 (CT) pending, ST3 (AG) approved 2024-05-05. Experts: E1 (CT)
2025-04-04, E2 (KG) 2025-06-06, E3 (no province) 2025-01-20, E4 (CT, account deactivated)
2025-02-02. Requests: Q1 (CM) 2025-10-10 matched to O1; Q2 (CT) 2025-11-11 without match;
Q3 (CT) 2024-12-12 matched to E1.

Usage (events made as the pages make them, then aggregated by the daily job; times in
Vietnam): S1 (CT): reader a opens the page at 2025-03-12 10:00:00 and again 10 s later (a
double click: once), then the PDF at 10:01:00; reader b opens the page at 10:05. M1 (CM):
reader c downloads the PDF and the JATS at 2025-08-01 09:00 (5 s apart: two kinds, both
count) and opens the page at 09:30. A1 (AG): readers d, e, f open the page at 2025-12-31
23:30; reader g at 2026-01-01 00:30 (next year). K1 (KG): readers h and i open the page on
2025-09-15, before it was taken down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from exchange_bridge.models import (
    ExpertProfile,
    RequestMatch,
    Startup,
    TechnologyOffer,
    TechnologyRequest,
)
from journal.dates import DEFAULT_TIMEZONE
from journal.events import Event
from journal.extensions import db
from journal.provinces import province_by_code
from journal.publish.records import Article
from journal.review.models import ReviewAssignment
from journal.workflow import transition
from tests.factories import make_funded_task, make_submission, make_user
from tests.publish.factories import add_galley

NONE = ""  # the column of rows without a province


def _by_province(ag, cm, ct, kg, *rest):
    """{code: value} for AG, CM, CT, KG, then (in 2025) the rows without province, then
    the total."""
    *without, total = rest
    values = {"AG": ag, "CM": cm, "CT": ct, "KG": kg, "total": total}
    if without:
        values[NONE] = without[0]
    return values


# figure → {province code: value, "total": value}; None = no data.
EXPECTED = {
    2025: {  # AG, CM, CT, KG, no province, total
        "submissions": _by_province(0, 2, 4, 1, 0, 7),
        "desk_rejections": _by_province(0, 1, 1, 0, 0, 2),
        "acceptances": _by_province(0, 1, 2, 1, 0, 4),
        "rejections": _by_province(0, 0, 1, 0, 0, 1),
        "acceptance_rate": _by_province(None, 0.5, 0.5, 1.0, None, 4 / 7),
        "days_to_first_decision": _by_province(None, 6.0, 25.0, 19.0, None, 19.0),
        "days_to_publication": _by_province(254.0, 90.0, 90.0, None, None, 105.0),
        "reviews_completed": _by_province(0, 1, 4, 0, 0, 5),
        "reviewer_turnaround": _by_province(None, 7.0, 12.0, None, None, 10.0),
        "articles_published": _by_province(1, 1, 2, 0, 0, 4),
        "tasks_registered": _by_province(0, 1, 1, 1, 0, 3),
        "tasks_with_results": _by_province(1, 1, 1, 0, 0, 3),
        "usage_views": _by_province(3, 1, 2, 2, 0, 8),
        "usage_downloads": _by_province(0, 2, 1, 0, 0, 3),
        "usage_total_requests": _by_province(3, 3, 3, 2, 0, 11),
        "usage_unique_requests": _by_province(3, 1, 2, 2, 0, 8),
        "technology_offers": _by_province(1, 1, 0, 0, 0, 2),
        "startups": _by_province(0, 0, 1, 0, 0, 1),
        "experts": _by_province(0, 0, 1, 1, 1, 3),
        "requests_matched": _by_province(0, 1, 0, 0, 0, 1),
    },
    2024: {  # AG, CM, CT, KG, total
        "submissions": _by_province(1, 0, 1, 0, 2),
        "desk_rejections": _by_province(0, 0, 0, 0, 0),
        "acceptances": _by_province(1, 0, 0, 0, 1),
        "rejections": _by_province(0, 0, 0, 0, 0),
        "acceptance_rate": _by_province(1.0, None, None, None, 1.0),
        "days_to_first_decision": _by_province(39.0, None, None, None, 39.0),
        "days_to_publication": _by_province(None, None, None, None, None),
        "reviews_completed": _by_province(1, 0, 0, 0, 1),
        "reviewer_turnaround": _by_province(30.0, None, None, None, 30.0),
        "articles_published": _by_province(0, 0, 0, 0, 0),
        "tasks_registered": _by_province(1, 0, 1, 0, 2),
        "tasks_with_results": _by_province(0, 0, 0, 0, 0),
        "usage_views": _by_province(0, 0, 0, 0, 0),
        "usage_downloads": _by_province(0, 0, 0, 0, 0),
        "usage_total_requests": _by_province(0, 0, 0, 0, 0),
        "usage_unique_requests": _by_province(0, 0, 0, 0, 0),
        "technology_offers": _by_province(0, 0, 0, 0, 0),
        "startups": _by_province(1, 0, 0, 0, 1),
        "experts": _by_province(0, 0, 0, 0, 0),
        "requests_matched": _by_province(0, 0, 1, 0, 1),
    },
}

# The 2025 report's trend (2021–2025): all provinces, and Cần Thơ alone.
EXPECTED_TREND = {
    None: {
        "submissions": (0, 0, 0, 2, 7),
        "acceptances": (0, 0, 0, 1, 4),
        "articles_published": (0, 0, 0, 0, 4),
    },
    "CT": {
        "submissions": (0, 0, 0, 1, 4),
        "acceptances": (0, 0, 0, 0, 2),
        "articles_published": (0, 0, 0, 0, 2),
    },
}


def at(year, month, day, hour=12) -> datetime:
    """A moment in Vietnam."""
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))


def step(submission, action, actor, when):
    """Take ``action`` through the state machine, its event dated ``when``."""
    transition(submission, action, actor)
    events = [obj for obj in db.session.new if isinstance(obj, Event)]
    assert len(events) == 1
    events[0].created_at = when
    if action == "submit":
        submission.submitted_at = when
    db.session.flush()


def walk(submission, owner, editor, steps):
    for action, when in steps:
        actor = owner if action in ("submit", "resubmit", "withdraw") else editor
        step(submission, action, actor, when)
    db.session.commit()


def publish(submission, editor, when):
    """Publish through the state machine; the article row made as the publishing service
    would (an approved galley, a DOI, ``published_at``)."""
    galley = add_galley(submission)
    step(submission, "publish", editor, when)
    article = Article(
        submission_id=submission.id,
        doi=f"10.99999/report.{submission.id:05d}",
        galley_version_id=galley.id,
        scheduled_at=when,
        published_at=when,
        updated_at=when,
    )
    db.session.add(article)
    db.session.commit()
    return article


def review(submission, reviewer, accepted, completed, *, round=1, status="completed"):
    """A review assignment, accepted and completed at the given times (or declined, or
    cancelled: ``status``)."""
    assignment = ReviewAssignment(
        submission_id=submission.id,
        round=round,
        reviewer_id=reviewer.id,
        invitee_email=reviewer.email,
        invitee_name=reviewer.full_name,
        status=status,
        invited_at=accepted - timedelta(days=1),
        response_due_at=accepted + timedelta(days=6),
        due_at=accepted + timedelta(days=21),
        responded_at=accepted,
        completed_at=completed if status == "completed" else None,
        cancelled_at=completed if status == "cancelled" else None,
        recommendation="accept" if status == "completed" else None,
        token_nonce=f"nonce-{submission.id}-{reviewer.id}-{round}",
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


@dataclass
class Dataset:
    articles: dict
    submissions: dict


def build(users) -> Dataset:
    author, eic = users["author"], users["editor_in_chief"]
    tung = make_user("tung@example.net", "Lý Thanh Tùng", password=None)
    diem = make_user("diem@example.net", "Châu Ngọc Diễm", password=None)
    tasks = {
        "CT-T1": make_funded_task("CT-T1", "CT", created_at=at(2025, 1, 5)),
        "CT-T2": make_funded_task("CT-T2", "CT", created_at=at(2024, 3, 1)),
        "CM-T1": make_funded_task("CM-T1", "CM", created_at=at(2025, 2, 1)),
        "AG-T1": make_funded_task("AG-T1", "AG", created_at=at(2024, 1, 15)),
        "KG-T1": make_funded_task("KG-T1", "KG", created_at=at(2025, 3, 3)),
    }

    def new(code, task=None):
        return make_submission(
            author, province=province_by_code(code), funded_task=tasks.get(task), title_en=code
        )

    s = {key: new(code, task) for key, code, task in (
        ("S1", "CT", "CT-T1"), ("S2", "CT", None), ("S3", "CT", "CT-T1"), ("S4", "CT", None),
        ("S5", "CT", None), ("S6", "CT", None), ("M1", "CM", "CM-T1"), ("M2", "CM", None),
        ("A1", "AG", "AG-T1"), ("K1", "KG", "KG-T1"),
    )}  # fmt: skip

    walk(s["S1"], author, eic, [
        ("submit", at(2025, 1, 10)), ("send_to_review", at(2025, 1, 12)),
        ("accept", at(2025, 2, 9)), ("send_to_production", at(2025, 2, 15)),
    ])  # fmt: skip
    review(s["S1"], tung, at(2025, 1, 15), at(2025, 1, 25))
    review(s["S1"], diem, at(2025, 1, 16), at(2025, 2, 5))
    review(s["S1"], users["other_author"], at(2025, 1, 14), None, status="declined")
    walk(s["S2"], author, eic, [("submit", at(2025, 2, 1)), ("desk_reject", at(2025, 2, 5))])
    walk(s["S3"], author, eic, [
        ("submit", at(2025, 3, 1)), ("send_to_review", at(2025, 3, 2)),
        ("request_major_revisions", at(2025, 3, 21)), ("resubmit", at(2025, 4, 20)),
        ("send_to_review", at(2025, 4, 21)), ("accept", at(2025, 5, 10)),
        ("send_to_production", at(2025, 5, 20)),
    ])  # fmt: skip
    review(s["S3"], tung, at(2025, 3, 5), at(2025, 3, 19))
    review(s["S3"], diem, at(2025, 3, 6), at(2025, 3, 8), status="cancelled")
    review(s["S3"], diem, at(2025, 4, 22), at(2025, 4, 30), round=2)
    walk(s["S4"], author, eic, [
        ("submit", at(2024, 11, 1)), ("send_to_review", at(2024, 11, 3)),
        ("reject", at(2025, 1, 5)),
    ])  # fmt: skip
    walk(s["S6"], author, eic, [("submit", at(2025, 4, 1)), ("withdraw", at(2025, 4, 15))])
    walk(s["M1"], author, eic, [
        ("submit", at(2025, 5, 1)), ("send_to_review", at(2025, 5, 2)),
        ("request_minor_revisions", at(2025, 5, 11)), ("resubmit", at(2025, 5, 20)),
        ("send_to_review", at(2025, 5, 21)), ("accept", at(2025, 5, 25)),
        ("send_to_production", at(2025, 6, 1)),
    ])  # fmt: skip
    review(s["M1"], tung, at(2025, 5, 3), at(2025, 5, 10))
    walk(s["M2"], author, eic, [
        ("submit", at(2025, 1, 1, hour=1)), ("desk_reject", at(2025, 1, 3, hour=1)),
    ])  # fmt: skip
    walk(s["A1"], author, eic, [
        ("submit", at(2024, 6, 1)), ("send_to_review", at(2024, 6, 2)),
        ("accept", at(2024, 7, 10)), ("send_to_production", at(2024, 8, 1)),
    ])  # fmt: skip
    review(s["A1"], diem, at(2024, 6, 5), at(2024, 7, 5))
    walk(s["K1"], author, eic, [
        ("submit", at(2025, 6, 1)), ("send_to_review", at(2025, 6, 2)),
        ("accept", at(2025, 6, 20)), ("send_to_production", at(2025, 7, 1)),
    ])  # fmt: skip

    articles = {
        "S1": publish(s["S1"], eic, at(2025, 3, 11)),
        "S3": publish(s["S3"], eic, at(2025, 6, 29)),
        "M1": publish(s["M1"], eic, at(2025, 7, 30)),
        "A1": publish(s["A1"], eic, at(2025, 2, 10)),
        "K1": publish(s["K1"], eic, at(2025, 9, 1)),
    }
    step(s["K1"], "unpublish", eic, at(2025, 10, 1))  # (the service also sets these two)
    articles["K1"].unpublished_at = at(2025, 10, 1)
    articles["K1"].unpublish_reason = "Trùng lặp dữ liệu."
    db.session.commit()

    _bridge(users, articles)
    _usage(articles)
    return Dataset(articles=articles, submissions=s)


def _usage(articles):
    from flask import current_app

    from journal.usage.aggregation import aggregate_usage
    from journal.usage.recording import Event as UsageEvent
    from journal.usage.recording import session_key, usage_day, write_events

    salt = b"dataset salt"

    def opened(code, kind, reader, moment):
        stamp = moment.timestamp()
        return UsageEvent(
            articles[code].id,
            kind,
            usage_day(stamp),
            int(stamp),
            session_key(salt, f"192.0.2.{reader}", "Mozilla/5.0 (X11; Linux) Firefox/140.0", stamp),
        )

    def vn(*parts):
        return datetime(*parts, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))

    write_events([
        opened("S1", "html", 1, vn(2025, 3, 12, 10, 0, 0)),
        opened("S1", "html", 1, vn(2025, 3, 12, 10, 0, 10)),
        opened("S1", "pdf", 1, vn(2025, 3, 12, 10, 1, 0)),
        opened("S1", "html", 2, vn(2025, 3, 12, 10, 5, 0)),
        opened("M1", "pdf", 3, vn(2025, 8, 1, 9, 0, 0)),
        opened("M1", "jats", 3, vn(2025, 8, 1, 9, 0, 5)),
        opened("M1", "html", 3, vn(2025, 8, 1, 9, 30, 0)),
        opened("A1", "html", 4, vn(2025, 12, 31, 23, 30)),
        opened("A1", "html", 5, vn(2025, 12, 31, 23, 30)),
        opened("A1", "html", 6, vn(2025, 12, 31, 23, 30)),
        opened("A1", "html", 7, vn(2026, 1, 1, 0, 30)),
        opened("K1", "html", 8, vn(2025, 9, 15, 11, 0)),
        opened("K1", "html", 9, vn(2025, 9, 15, 15, 0)),
    ])  # fmt: skip
    current_app.config["USAGE_KEEP_DAYS"] = 100_000  # the dataset's events are kept
    aggregate_usage(usage_day(vn(2025, 1, 1).timestamp()), usage_day(vn(2026, 1, 31).timestamp()))


def _offer(article, code, status, approved_at=None, **extra):
    offer = TechnologyOffer(
        article_id=article.id,
        province_id=province_by_code(code).id,
        status=status,
        title_vi="Công nghệ",
        title_en="Technology",
        field="agriculture",
        trl=6,
        ip_status="not_protected",
        licence=True,
        contact_email="lien.he@example.org",
        approved_at=approved_at,
        **extra,
    )
    db.session.add(offer)
    return offer


def _bridge(users, articles):
    o1 = _offer(articles["M1"], "CM", "approved", at(2025, 8, 1))
    _offer(articles["S1"], "CT", "draft")
    _offer(articles["S3"], "CT", "withdrawn", at(2025, 7, 1), withdrawn_at=at(2025, 7, 15))
    _offer(articles["A1"], "AG", "approved", at(2025, 1, 1, hour=1))
    for name, code, status, approved in (
        ("Lúa Xanh", "CT", "approved", at(2025, 9, 1)),
        ("Hạt Giống Mới", "CT", "pending", None),
        ("Nông Sản An Giang", "AG", "approved", at(2024, 5, 5)),
    ):
        db.session.add(
            Startup(
                name=name,
                province_id=province_by_code(code).id,
                field="agriculture",
                stage="prototype",
                status=status,
                approved_at=approved,
            )
        )
    experts = {}
    for key, code, consented, active in (
        ("E1", "CT", at(2025, 4, 4), True),
        ("E2", "KG", at(2025, 6, 6), True),
        ("E3", None, at(2025, 1, 20), True),
        ("E4", "CT", at(2025, 2, 2), False),
    ):
        person = make_user(
            f"{key.lower()}@experts.example.org",
            "Chuyên Gia",
            password=None,
            province=province_by_code(code) if code else None,
        )
        person.active = active
        experts[key] = ExpertProfile(user_id=person.id, consented_at=consented, keywords="lúa")
        db.session.add(experts[key])
    db.session.flush()
    for n, (code, created, match) in enumerate(
        (
            ("CM", at(2025, 10, 10), {"kind": "offer", "offer_id": o1.id}),
            ("CT", at(2025, 11, 11), None),
            ("CT", at(2024, 12, 12), {"kind": "expert", "expert_id": experts["E1"].id}),
        )
    ):
        request = TechnologyRequest(
            organisation="Công ty TNHH Lúa Gạo",
            contact_name="Lê Thị Thu",
            contact_email="thu@example.com",
            title="Giống lúa chịu mặn",
            need="Cần giống lúa chịu mặn.",
            field="agriculture",
            province_id=province_by_code(code).id,
            token=f"token-{n}",
            created_at=created,
        )
        if match:
            request.matches.append(RequestMatch(score=0.5, rank=1, **match))
        db.session.add(request)
    db.session.commit()
