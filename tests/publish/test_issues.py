"""Publishing services: issues, scheduling with DOIs, publishing an issue at once, online
first, pages, order, unpublishing, and who may do each."""

from __future__ import annotations

import pytest

from journal import signals
from journal.errors import PermissionDenied, WorkflowError
from journal.events import events_for
from journal.extensions import db
from journal.publish import issues
from journal.publish.records import Article, DoiDeposit, Issue
from journal.submissions.models import Section

from .factories import make_issue, make_published_article, make_ready_submission


@pytest.fixture
def received():
    """Signals received: (name, article id, committed published_at seen from a new query)."""
    got = []

    def on_published(article):
        fresh = db.session.execute(
            db.select(Article.published_at).filter_by(id=article.id)
        ).scalar_one()
        got.append(("published", article.id, fresh is not None))

    def on_unpublished(article):
        got.append(("unpublished", article.id, article.unpublished_at is not None))

    signals.article_published.connect(on_published)
    signals.article_unpublished.connect(on_unpublished)
    yield got
    signals.article_published.disconnect(on_published)
    signals.article_unpublished.disconnect(on_unpublished)


def test_create_issue_and_refuse_a_duplicate(app, users):
    eic = users["editor_in_chief"]
    issue = issues.create_issue(eic, volume=3, number=1, year=2025, title_vi="Số đặc biệt")
    assert (issue.volume, issue.number, issue.year, issue.title_vi) == (3, 1, 2025, "Số đặc biệt")
    with pytest.raises(issues.DuplicateIssue):
        issues.create_issue(eic, volume=3, number=1, year=2026)
    with pytest.raises(issues.PublishingError):
        issues.create_issue(eic, volume="x", number=1, year=2025)
    with pytest.raises(issues.PublishingError):
        issues.create_issue(eic, volume=1, number=1, year=1066)
    assert db.session.execute(db.select(db.func.count(Issue.id))).scalar() == 1


@pytest.mark.parametrize("role", ["province_editor", "author", "admin", "board_member"])
def test_only_the_editor_in_chief_creates_issues(app, users, role):
    with pytest.raises(PermissionDenied):
        issues.create_issue(users[role], volume=1, number=1, year=2025)


def test_schedule_assigns_the_doi_from_the_pattern(app, users):
    app.config.update(DOI_PREFIX="10.12345", DOI_SUFFIX_TEMPLATE="mdj.{year}.{submission:04d}")
    submission = make_ready_submission(users["author"])
    issue = make_issue()
    article = issues.schedule_article(submission, issue, users["province_editor"])
    year = article.scheduled_at.year
    assert article.doi == f"10.12345/mdj.{year}.{submission.id:04d}"
    assert submission.stage == "scheduled"
    assert article.issue_id == issue.id and article.published_at is None
    assert [e.action for e in events_for(submission)][-1] == "schedule"
    # moving to another open issue keeps the DOI, even if the pattern changed meanwhile
    app.config.update(DOI_SUFFIX_TEMPLATE="other.{submission}")
    other = make_issue(1, 2)
    moved = issues.schedule_article(submission, other, users["editor_in_chief"])
    assert moved.id == article.id and moved.doi == f"10.12345/mdj.{year}.{submission.id:04d}"
    assert moved.issue_id == other.id


def test_schedule_needs_an_approved_galley(app, users):
    submission = make_ready_submission(users["author"], approved=False)
    with pytest.raises(issues.NoApprovedGalley) as caught:
        issues.schedule_article(submission, make_issue(), users["editor_in_chief"])
    assert caught.value.status == 409
    db.session.refresh(submission)
    assert submission.stage == "production"
    assert db.session.execute(db.select(db.func.count(Article.id))).scalar() == 0


def test_a_taken_doi_is_never_reused(app, users):
    app.config.update(DOI_SUFFIX_TEMPLATE="fixed")
    first = make_ready_submission(users["author"])
    second = make_ready_submission(users["author"])
    issue = make_issue()
    issues.schedule_article(first, issue, users["editor_in_chief"])
    with pytest.raises(issues.DoiUnavailable):
        issues.schedule_article(second, issue, users["editor_in_chief"])
    db.session.refresh(second)
    assert second.stage == "production"


@pytest.mark.parametrize("template", ["{nope}", "{0}", "{submission:zz}", "with space {year}"])
def test_a_broken_doi_pattern_is_reported(app, users, template):
    app.config.update(DOI_SUFFIX_TEMPLATE=template)
    submission = make_ready_submission(users["author"])
    with pytest.raises(issues.PublishingError):
        issues.schedule_article(submission, make_issue(), users["editor_in_chief"])
    db.session.refresh(submission)
    assert submission.stage == "production"


def test_scheduling_permissions(app, users):
    issue = make_issue()
    in_ag = make_ready_submission(users["author"], province="AG")
    for role in ("province_editor", "board_member", "author", "admin"):
        with pytest.raises(PermissionDenied):
            issues.schedule_article(in_ag, issue, users[role])
    assert issues.schedule_article(in_ag, issue, users["other_board"]).issue_id == issue.id


def test_nothing_is_scheduled_into_a_published_issue(app, users):
    submission = make_ready_submission(users["author"])
    with pytest.raises(issues.IssueAlreadyPublished):
        issues.schedule_article(submission, make_issue(published=True), users["editor_in_chief"])


def test_publish_an_issue_at_once_with_pages_in_order(app, users, received):
    eic = users["editor_in_chief"]
    issue = make_issue(2, 1, 2025)
    short = db.session.execute(db.select(Section).filter_by(code="short")).scalar_one()
    ready = [
        make_ready_submission(users["author"], pages=3),
        make_ready_submission(users["author"], pages=5, section="short"),
        make_ready_submission(users["author"], pages=2),
    ]
    placed = [issues.schedule_article(s, issue, eic) for s in ready]
    published = issues.publish_issue(issue, eic)
    # research (3 pages, 2 pages) then short (5 pages): sections in the order first scheduled
    assert [a.id for a in published] == [placed[0].id, placed[2].id, placed[1].id]
    assert [(a.first_page, a.last_page) for a in published] == [(1, 3), (4, 5), (6, 10)]
    assert issue.published_at is not None
    assert all(a.published_at == issue.published_at for a in published)
    assert {s.stage for s in ready} == {"published"}
    deposits = db.session.execute(db.select(DoiDeposit)).scalars().all()
    assert sorted(d.doi for d in deposits) == sorted(a.doi for a in published)
    assert {d.status for d in deposits} == {"pending"}
    assert sorted(received) == sorted(("published", a.id, True) for a in published)
    assert short.id in {s.section_id for s in issue.sections}
    with pytest.raises(issues.IssueAlreadyPublished):
        issues.publish_issue(issue, eic)


def test_publishing_an_issue_is_one_transaction(app, users, received):
    eic = users["editor_in_chief"]
    issue = make_issue()
    ready = [make_ready_submission(users["author"]) for _ in range(3)]
    for submission in ready:
        issues.schedule_article(submission, issue, eic)
    from journal.publish.models import GalleyVersion

    galley = db.session.execute(
        db.select(GalleyVersion).filter_by(submission_id=ready[2].id)
    ).scalar_one()
    galley.approved_at = None  # approval withdrawn after scheduling
    db.session.commit()
    with pytest.raises(issues.NoApprovedGalley):
        issues.publish_issue(issue, eic)
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).published_at is None
    assert [db.session.get(type(s), s.id).stage for s in ready] == ["scheduled"] * 3
    assert (
        db.session.execute(
            db.select(db.func.count(Article.id)).where(Article.published_at.is_not(None))
        ).scalar()
        == 0
    )
    assert received == []


def test_an_empty_issue_is_not_published(app, users):
    with pytest.raises(WorkflowError):
        issues.publish_issue(make_issue(), users["editor_in_chief"])


def test_publish_online_first_then_place_in_a_published_issue(app, users, received):
    eic = users["editor_in_chief"]
    issue = make_issue()
    scheduled = make_ready_submission(users["author"], pages=7)
    issues.schedule_article(scheduled, issue, eic)
    issues.publish_issue(issue, eic)
    early = make_ready_submission(users["author"], pages=4)
    article = issues.publish_online_first(early, users["province_editor"])
    assert article.published_at is not None and article.issue_id is None
    assert article.first_page is None and early.stage == "published"
    assert ("published", article.id, True) in received
    placed = issues.place_in_issue(article, issue, eic)
    assert (placed.first_page, placed.last_page) == (8, 11)
    assert placed.issue_id == issue.id
    assert [e.action for e in events_for(early)][-2:] == ["publish", "place_in_issue"]


def test_online_first_keeps_its_issue_and_gets_pages_when_the_issue_is_published(
    app, users, received
):
    eic = users["editor_in_chief"]
    issue = make_issue()
    first = make_ready_submission(users["author"], pages=2)
    second = make_ready_submission(users["author"], pages=3)
    a1 = issues.schedule_article(first, issue, eic)
    a2 = issues.schedule_article(second, issue, eic)
    issues.publish_online_first(second, eic)
    assert a2.published_at is not None and a2.issue_id == issue.id
    received.clear()
    issues.publish_issue(issue, eic)
    assert [(a1.first_page, a1.last_page), (a2.first_page, a2.last_page)] == [(1, 2), (3, 5)]
    assert received == [("published", a1.id, True)]  # the other was published before


def test_order_sections_and_articles(app, users):
    eic = users["editor_in_chief"]
    issue = make_issue()
    research = [make_ready_submission(users["author"]) for _ in range(2)]
    short = make_ready_submission(users["author"], section="short")
    placed = [issues.schedule_article(s, issue, eic) for s in [*research, short]]
    sections = [s.section_id for s in issue.sections]
    issues.order_issue(
        issue, eic, list(reversed(sections)), [placed[2].id, placed[1].id, placed[0].id]
    )
    assert [a.id for a in issues.issue_articles(issue)] == [
        placed[2].id,
        placed[1].id,
        placed[0].id,
    ]
    with pytest.raises(issues.PublishingError):
        issues.order_issue(issue, eic, sections, [placed[0].id])
    with pytest.raises(issues.PublishingError):
        issues.order_issue(issue, eic, sections[:1], [a.id for a in placed])
    with pytest.raises(PermissionDenied):
        issues.order_issue(issue, users["province_editor"], sections, [a.id for a in placed])


def test_unpublish_keeps_a_tombstone(app, users, received):
    article = make_published_article(users["author"])
    with pytest.raises(PermissionDenied):
        issues.unpublish_article(article, users["province_editor"], "Trùng lặp")
    with pytest.raises(issues.PublishingError):
        issues.unpublish_article(article, users["editor_in_chief"], "   ")
    with pytest.raises(issues.PublishingError):
        issues.unpublish_article(article, users["editor_in_chief"], "x" * 2001)
    issues.unpublish_article(article, users["editor_in_chief"], "Trùng lặp  với bài đã đăng.")
    assert article.unpublished_at is not None
    assert article.unpublish_reason == "Trùng lặp với bài đã đăng."
    assert article.submission.stage == "published" and not article.is_live
    assert events_for(article.submission)[-1].note == "Trùng lặp với bài đã đăng."
    assert received == [("unpublished", article.id, True)]
    with pytest.raises(WorkflowError):
        issues.unpublish_article(article, users["editor_in_chief"], "again")


def test_current_issue_and_archive(app, users):
    assert issues.current_issue() is None
    old = make_issue(1, 1, 2024, published=True)
    new = make_issue(2, 1, 2025, published=True)
    make_issue(2, 2, 2025)  # not published
    assert issues.current_issue().id == new.id
    assert [(year, [i.id for i in found]) for year, found in issues.archive()] == [
        (2025, [new.id]),
        (2024, [old.id]),
    ]


def test_page_ranges():
    ranges = issues.page_ranges([3, 0, 5], start=10)
    assert [(r.first, r.last) for r in ranges] == [(10, 12), (13, 13), (14, 18)]
