"""The editorial queues (per province, per editor, all), with ages and due dates; the
editorial page's timeline; the menu links."""

from __future__ import annotations

from datetime import timedelta

from journal.extensions import db
from journal.models_base import utcnow
from journal.provinces import province_by_code
from journal.review import queues
from tests.submissions.wizard import text_of

from .steps import accepted, completed, decided, in_review, invite, submitted


def test_queues_show_ages_due_dates_and_reviews(cast, app):
    fresh = submitted(cast, title_vi="Bài mới")
    reviewing = in_review(cast, title_vi="Bài đang phản biện")
    writing = accepted(cast, reviewing, cast.reviewer)
    invite(cast, reviewing, cast.reviewer2)
    completed(cast, reviewing, cast.unassigned_reviewer)
    elsewhere = submitted(cast, province="AG", title_vi="Bài An Giang")
    rows = {r.submission.id: r for r in queues.all_queue(cast.editor_in_chief)}
    assert set(rows) == {fresh.id, reviewing.id, elsewhere.id}
    triage = timedelta(days=app.config["REVIEW_TRIAGE_DAYS"])
    assert abs(rows[fresh.id].due - (rows[fresh.id].since + triage)) < timedelta(seconds=1)
    review_row = rows[reviewing.id]
    assert (review_row.invited, review_row.accepted, review_row.completed) == (1, 1, 1)
    # The earliest of the open dates: the invitation's answer (7 days) before the review (21).
    assert review_row.due < writing.due_at
    assert review_row.editor == cast.province_editor
    assert rows[elsewhere.id].editor == cast.other_board
    province_rows = queues.province_queue(province_by_code("CT"), cast.province_editor)
    assert {r.submission.id for r in province_rows} == {fresh.id, reviewing.id}
    mine = queues.editor_queue(cast.other_board, cast.other_board)
    assert [r.submission.id for r in mine] == [elsewhere.id]
    # Ages: a submission that entered its stage ten days ago.
    fresh.submitted_at = utcnow() - timedelta(days=10)
    db.session.commit()
    from journal.events import Event

    event = db.session.execute(
        db.select(Event).filter_by(submission_id=fresh.id, action="submit")
    ).scalar_one()
    db.session.execute(
        db.update(Event)
        .where(Event.id == event.id)
        .values(created_at=utcnow() - timedelta(days=20))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    row = {r.submission.id: r for r in queues.all_queue(cast.editor_in_chief)}[fresh.id]
    assert (row.days_in_stage, row.days_since_submission) == (20, 10)
    assert row.overdue  # 20 days > 14 days to send it


def test_decided_submissions_have_their_own_view(cast, login):
    done = in_review(cast, title_vi="Bài đã quyết định")
    completed(cast, done, cast.reviewer)
    completed(cast, done, cast.reviewer2)
    decided(cast, done, "reject")
    editor = login(cast.province_editor)
    url = f"/editorial/editors/{cast.province_editor.id}"
    assert "Bài đã quyết định" not in text_of(editor.get(url))
    assert "Bài đã quyết định" in text_of(editor.get(url + "?show=decided"))


def test_queue_pages_and_menu_links(cast, login):
    submitted(cast, title_vi="Bài trong hàng đợi", title_en="A queued paper")
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    home = editor.get("/editorial/")
    assert home.headers["Location"].endswith(f"/editorial/editors/{cast.province_editor.id}")
    page = text_of(editor.get(home.headers["Location"]))
    assert "A queued paper" in page and "Editorial queue" in page
    assert "/editorial/provinces/CT" in page and "/editorial/all" not in page
    chief = login(cast.editor_in_chief)
    assert chief.get("/editorial/").headers["Location"].endswith("/editorial/all")
    all_page = text_of(chief.get("/editorial/all?lang=en"))
    assert "A queued paper" in all_page and "Lê Văn Cường" in all_page
    author = login(cast.author)
    author_home = text_of(author.get("/?lang=en"))
    assert "Editorial queue" not in author_home and "My reviews" not in author_home
    reviewing = in_review(cast)
    invite(cast, reviewing, cast.reviewer)
    assert "My reviews" in text_of(login(cast.reviewer).get("/?lang=en"))


def test_the_editorial_page_shows_the_timeline(cast, login):
    submission = in_review(cast)
    invite(cast, submission, cast.reviewer)
    page = text_of(
        login(cast.province_editor).get(f"/editorial/submissions/{submission.id}?lang=en")
    )
    timeline = page[page.index("Timeline") :]
    for step in ("Submitted", "Handling editor assigned", "Sent to review", "Reviewer invited"):
        assert step in timeline
    assert timeline.index("Submitted") < timeline.index("Sent to review")
    assert "Submitted → In review" in timeline
    assert "Lý Thanh Tùng <tung@example.net>, round 1" in timeline
    # The author's own page shows the stage changes only: no reviewer.
    author_page = text_of(login(cast.author).get(f"/submissions/{submission.id}?lang=en"))
    assert "Lý Thanh Tùng" not in author_page and "tung@example.net" not in author_page
    assert "Decisions and revisions" in author_page
