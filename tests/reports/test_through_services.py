"""The report counts what the real services write: a manuscript reviewed twice, accepted
and published online first; another desk-rejected; its offer, a startup, an expert and a
matched request through the bridge's services. Everything happens now."""

from __future__ import annotations

from types import SimpleNamespace

from exchange_bridge import demand, experts, startups
from journal.extensions import db
from journal.provinces import province_by_code
from journal.publish.issues import publish_online_first
from journal.reports.periods import current_year
from journal.reports.services import yearly_report
from journal.workflow import transition
from tests.exchange_bridge.factories import listed_offer, request_fields
from tests.factories import make_funded_task, make_user
from tests.publish.factories import add_galley
from tests.review import steps

SAME_DAY = 0.01  # days: everything here happens within a few seconds


def test_the_report_counts_what_the_services_write(app, users):
    cast = SimpleNamespace(
        **users,
        reviewer=make_user("tung@example.net", "Lý Thanh Tùng", password=None),
        reviewer2=make_user("diem@example.net", "Châu Ngọc Diễm", password=None),
    )
    task = make_funded_task("CT-2026-07", "CT")
    submission = steps.in_review(cast, funded_task=task)
    steps.completed(cast, submission, cast.reviewer, "accept")
    steps.completed(cast, submission, cast.reviewer2, "minor_revisions")
    steps.decided(cast, submission, "accept")
    transition(submission, "send_to_production", cast.province_editor)
    db.session.commit()
    add_galley(submission)
    article = publish_online_first(submission, cast.province_editor)
    steps.decided(cast, steps.submitted(cast, title_vi="Bài thứ hai"), "desk_reject")

    listed_offer(article, cast.province_editor)
    flagged = startups.flag_startup(
        cast.author,
        startups.StartupFields(
            name="Mầm Xanh",
            founders="Nguyễn Văn An",
            province_id=province_by_code("CT").id,
            field="agriculture",
            stage="idea",
            article_ids=(article.id,),
        ),
    )
    startups.approve_startup(flagged, cast.province_editor)
    experts.opt_in(cast.reviewer, cast.reviewer)  # an account without province
    request = demand.post_request(request_fields())
    assert request.matches

    report = yearly_report(cast.editor_in_chief, current_year())

    counts = {
        key: report.value(key, "CT")
        for key in (
            "submissions",
            "desk_rejections",
            "acceptances",
            "rejections",
            "reviews_completed",
            "articles_published",
            "tasks_registered",
            "tasks_with_results",
            "technology_offers",
            "startups",
            "requests_matched",
        )
    }
    assert counts == {
        "submissions": 2,
        "desk_rejections": 1,
        "acceptances": 1,
        "rejections": 0,
        "reviews_completed": 2,
        "articles_published": 1,
        "tasks_registered": 1,
        "tasks_with_results": 1,
        "technology_offers": 1,
        "startups": 1,
        "requests_matched": 1,
    }
    assert report.value("acceptance_rate", "CT") == 0.5
    for key in ("days_to_first_decision", "days_to_publication", "reviewer_turnaround"):
        assert 0 <= report.value(key, "CT") < SAME_DAY, key
    assert (report.value("experts", ""), report.value("experts")) == (1, 1)
    assert report.value("submissions", "AG") == 0
