"""Review notifications over a real SMTP server: bilingual, the recipient's language first;
with the server down the step still succeeds and a later retry delivers."""

from __future__ import annotations

from journal.extensions import db
from journal.mail import OutboxMessage, deliver_pending, retry_failed
from journal.review.models import ReviewAssignment
from tests.conftest import free_port

from .steps import ANSWERS, completed, decided, in_review, invite


def test_invitation_and_decision_arrive_over_smtp(cast, mail_app, smtp_server):
    cast.reviewer.locale = "en"
    db.session.commit()
    submission = in_review(cast)
    assignment = invite(cast, submission, cast.reviewer)
    invitation = [m for m in smtp_server.messages if m["To"] == cast.reviewer.email][-1]
    assert invitation["Subject"].startswith("Invitation to review a manuscript")
    assert " / " in invitation["Subject"]  # then the Vietnamese subject
    body = invitation.get_content()
    assert "/reviews/invitations/" in body
    assert cast.author.full_name not in body and cast.author.email not in body
    from journal.review.reviewers import accept_invitation, submit_review

    accept_invitation(assignment, cast.reviewer)
    submit_review(
        assignment,
        cast.reviewer,
        answers=ANSWERS,
        recommendation="accept",
        comments_to_author="Tốt.",
        competing_interests="Không có.",
    )
    completed(cast, submission, cast.reviewer2)
    decided(cast, submission, "accept")
    to = [m["To"] for m in smtp_server.messages]
    assert cast.author.email in to and "khoa@example.org" in to
    editor_mail = [m for m in smtp_server.messages if m["To"] == cast.province_editor.email]
    assert any("Review completed" in m["Subject"] for m in editor_mail)
    pending = (
        db.session.execute(db.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        .scalars()
        .all()
    )
    assert pending == []


def test_with_smtp_down_the_step_succeeds_and_a_retry_delivers(cast, app, smtp_server):
    submission = in_review(cast)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    assignment = invite(cast, submission, cast.reviewer)
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, assignment.id).status == "invited"
    message = db.session.execute(
        db.select(OutboxMessage).filter_by(template="review_invitation")
    ).scalar_one()
    assert message.sent_at is None and message.attempts == 1
    assert "Connection" in message.last_error
    app.config["MAIL_PORT"] = smtp_server.port
    retry_failed()
    assert deliver_pending() >= 1
    assert [m["To"] for m in smtp_server.messages if "invitations" in m.get_content()] == [
        cast.reviewer.email
    ]
