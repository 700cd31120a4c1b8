"""``journal reminders``: before the due date, when overdue, for unanswered invitations;
each reminder once, however often cron runs it."""

from __future__ import annotations

import threading
from datetime import timedelta

from journal.extensions import db
from journal.mail import OutboxMessage
from journal.models_base import utcnow
from journal.review.reviewers import send_reminders

from .steps import accepted, completed, in_review, invite


def sent(template=None):
    query = db.select(OutboxMessage.recipient, OutboxMessage.template).where(
        OutboxMessage.template.like("review_reminder%")
        | (OutboxMessage.template == "review_overdue_editor")
    )
    if template:
        query = query.where(OutboxMessage.template == template)
    return sorted(db.session.execute(query).all())


def test_each_reminder_is_sent_once_at_its_time(cast, runner):
    submission = in_review(cast)
    writing = accepted(cast, submission, cast.reviewer)
    waiting = invite(cast, submission, cast.reviewer2)
    done = completed(cast, submission, cast.unassigned_reviewer)
    now = utcnow()
    assert send_reminders(now) == {"invitation": 0, "overdue": 0, "due": 0}

    # Two days before the due date (the default is three days before): "due soon".
    soon = writing.due_at - timedelta(days=2)
    assert send_reminders(soon) == {"invitation": 1, "overdue": 0, "due": 1}
    assert sent() == [
        (cast.reviewer2.email, "review_reminder_invitation"),
        (cast.reviewer.email, "review_reminder_due"),
    ]
    assert send_reminders(soon + timedelta(hours=1)) == {"invitation": 0, "overdue": 0, "due": 0}

    # Overdue: the reviewer and the handling editor are told, once.
    late = writing.due_at + timedelta(hours=1)
    assert send_reminders(late)["overdue"] == 1
    assert send_reminders(late + timedelta(days=3))["overdue"] == 0
    assert (cast.province_editor.email, "review_overdue_editor") in sent()
    assert len(sent("review_reminder_overdue")) == 1
    assert done.reminded_due_at is None and done.reminded_overdue_at is None
    result = runner.invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 0 invitation(s), 0 due soon, 0 overdue." in result.output
    for message in db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.template.like("review_reminder%"))
    ).scalars():
        assert cast.author.full_name not in message.body
        assert cast.author.email not in message.body
    assert waiting.reminded_invitation_at is not None


def test_an_overdue_review_never_gets_the_due_soon_reminder_afterwards(cast):
    submission = in_review(cast)
    writing = accepted(cast, submission, cast.reviewer)
    assert send_reminders(writing.due_at + timedelta(days=1))["overdue"] == 1
    db.session.refresh(writing)
    assert writing.reminded_due_at is not None
    assert sent("review_reminder_due") == []


def test_two_runs_at_once_send_each_reminder_once(cast, app):
    submission = in_review(cast)
    writing = accepted(cast, submission, cast.reviewer)
    accepted(cast, submission, cast.reviewer2)
    moment = writing.due_at + timedelta(hours=2)
    results, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            try:
                results.append(send_reminders(moment))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(r["overdue"] for r in results) == 2
    assert len(sent("review_reminder_overdue")) == 2
    assert len(sent("review_overdue_editor")) == 2


def test_no_reminders_once_the_submission_is_decided(cast):
    from .steps import decided

    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    late = accepted(cast, submission, cast.unassigned_reviewer)
    decided(cast, submission, "accept")
    assert send_reminders(late.due_at + timedelta(days=1)) == {
        "invitation": 0,
        "overdue": 0,
        "due": 0,
    }
