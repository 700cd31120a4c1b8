"""The demo journal has a submission in every editorial state, made through the services."""

from __future__ import annotations

from journal.accounts.services import user_by_email
from journal.demo import DOMAIN
from journal.extensions import db
from journal.review.demo import SUBMISSIONS, ensure_review_demo
from journal.review.models import Decision, ReviewAssignment, ReviewRound
from journal.review.permissions import handling_editor
from journal.submissions.models import Submission

from ..admin.clients import fast_password_hashing  # noqa: F401  (autouse: demo users hash fast)


def load_people_and_tasks():
    from journal.demo import PEOPLE, _ensure_people, _ensure_submissions, _ensure_tasks

    people = _ensure_people()
    tasks = _ensure_tasks()
    _ensure_submissions(people, tasks)
    db.session.commit()
    assert len(people) == len(PEOPLE)
    return people, tasks


def by_title(title_vi) -> Submission:
    return db.session.execute(db.select(Submission).filter_by(title_vi=title_vi)).scalar_one()


def test_every_editorial_state_and_loading_again_changes_nothing(app):
    people, tasks = load_people_and_tasks()
    ensure_review_demo(people, tasks)
    counts = [
        db.session.execute(db.select(db.func.count()).select_from(m)).scalar()
        for m in (Submission, ReviewAssignment, Decision, ReviewRound)
    ]
    ensure_review_demo(people, tasks)
    again = [
        db.session.execute(db.select(db.func.count()).select_from(m)).scalar()
        for m in (Submission, ReviewAssignment, Decision, ReviewRound)
    ]
    assert again == counts

    stages = {spec["path"]: by_title(spec["title_vi"]) for spec in SUBMISSIONS}
    assert stages["in_review"].stage == "in_review"
    statuses = sorted(
        a.status
        for a in db.session.execute(
            db.select(ReviewAssignment).filter_by(submission_id=stages["in_review"].id)
        ).scalars()
    )
    assert statuses == ["accepted", "completed", "invited"]
    assert (stages["round_two"].stage, stages["round_two"].round) == ("in_review", 2)
    assert stages["major_revisions"].stage == "revisions_requested"
    assert stages["accept"].stage == "accepted"
    assert stages["reject"].stage == "rejected" and stages["desk_reject"].stage == "rejected"
    every = db.session.execute(db.select(Submission)).scalars().all()
    for submission in every:
        if submission.stage in ("submitted", "in_review", "revisions_requested"):
            assert handling_editor(submission) is not None, submission.title_vi
    # The demo reviewer has something in every column of "My reviews".
    reviewer = user_by_email(f"reviewer@{DOMAIN}")
    mine = {
        a.status
        for a in db.session.execute(
            db.select(ReviewAssignment).filter_by(reviewer_id=reviewer.id)
        ).scalars()
    }
    assert {"accepted", "completed", "invited"} <= mine
    copies = db.session.execute(db.select(ReviewRound)).scalars().all()
    assert all(r.manuscript_copy is not None for r in copies if r.sent_at)
