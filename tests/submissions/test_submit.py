"""Submitting: completeness, exactly once, concurrent sessions, confirmations, signals,
withdrawal."""

import pytest
from flask_babel import force_locale

from journal import signals
from journal.errors import NotFound, PermissionDenied, StaleError, WorkflowError
from journal.events import Event
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.submissions.models import Submission, SubmissionAuthor, SubmissionFile
from journal.submissions.services import (
    IncompleteSubmission,
    missing_items,
    submit_manuscript,
    withdraw_submission,
)
from tests.factories import make_submission, make_user

from .wizard import complete_draft, submit, text_of, translated


def count(model, **filters) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(model).filter_by(**filters)
    ).scalar_one()


def with_manuscript(submission):
    submission.files.append(
        SubmissionFile(
            kind="manuscript",
            original_name="a.md",
            media_type="text/markdown",
            size=1,
            sha256="a" * 64,
        )
    )
    db.session.commit()
    return submission


@pytest.fixture
def ready(author):
    """A complete draft (the factory's, plus a manuscript)."""
    return with_manuscript(make_submission(author))


@pytest.fixture
def received():
    """Every submission_submitted signal: (sender, its stage in the database at that time)."""
    calls = []

    def receiver(sender, **extra):
        committed_stage = db.session.execute(
            db.text("SELECT stage FROM submissions WHERE id = :id"), {"id": sender.id}
        ).scalar_one()
        calls.append((sender, committed_stage))

    signals.submission_submitted.connect(receiver)
    yield calls
    signals.submission_submitted.disconnect(receiver)


def test_submit_moves_to_submitted_with_one_event_mail_and_signal(author, ready, received):
    submit_manuscript(ready, author)
    assert ready.stage == "submitted" and ready.submitted_at is not None
    events = db.session.execute(db.select(Event)).scalars().all()
    assert [(e.action, e.from_stage, e.to_stage) for e in events] == [
        ("submit", "draft", "submitted")
    ]
    messages = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert [(m.recipient, m.template) for m in messages] == [
        ("author@example.org", "submission_received")
    ]
    assert received == [(ready, "submitted")]  # sent after the commit, sender the submission


def test_the_corresponding_author_gets_a_copy_in_the_manuscripts_language(author, ready):
    ready.language = "en"
    ready.authors[0].corresponding = False
    ready.authors.append(
        SubmissionAuthor(
            position=2, full_name="Lê Thị Cúc", email="Cuc@Example.org", corresponding=True
        )
    )
    db.session.commit()
    submit_manuscript(ready, author)
    copy = db.session.execute(
        db.select(OutboxMessage).filter_by(recipient="Cuc@Example.org")
    ).scalar_one()
    assert copy.subject.index("Manuscript received") == 0  # English first, then Vietnamese
    assert "Lê Thị Cúc" in copy.body and author.full_name in copy.body
    assert f"/submissions/{ready.id}" not in copy.body  # they cannot open the owner's page
    assert count(OutboxMessage) == 2


def test_incomplete_submission_lists_what_is_missing(author):
    draft = make_submission(
        author, title_en="", declares_originality=False, competing_interests=" "
    )
    with pytest.raises(IncompleteSubmission) as refused:
        submit_manuscript(draft, author)
    with force_locale("en"):
        message = str(refused.value.message)
    for expected in (
        "English title is required",
        "Upload the manuscript.",
        "Declare that the manuscript is original.",
        "State any competing interests",
    ):
        assert expected in message
    assert [m.step for m in refused.value.missing] == ["metadata", "files", "letter", "letter"]
    db.session.expire_all()
    assert draft.stage == "draft" and count(Event) == 0 and count(OutboxMessage) == 0


def test_exactly_one_corresponding_author_is_needed(author, ready):
    ready.authors[0].corresponding = False
    db.session.commit()
    assert [m.step for m in missing_items(ready)] == ["authors"]
    ready.authors.append(
        SubmissionAuthor(position=2, full_name="B", email="b@example.org", corresponding=True)
    )
    ready.authors[0].corresponding = True
    db.session.commit()
    assert [m.step for m in missing_items(ready)] == ["authors"]


def test_only_the_owner_submits(ready, other_author):
    with pytest.raises(NotFound) as refused:
        submit_manuscript(ready, other_author)
    assert refused.value.status == 404
    db.session.expire_all()
    assert ready.stage == "draft"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_submitting_twice_is_refused_with_a_clear_message(
    mail_app, smtp_server, author_client, can_tho, lang
):
    sid = complete_draft(author_client, can_tho.id)
    version = db.session.get(Submission, sid).version
    assert submit(author_client, sid, version).status_code == 302
    author_client.get(f"/submissions/?lang={lang}")
    again = submit(author_client, sid, version)  # the same page, sent a second time
    assert again.status_code == 409
    assert translated(
        "This manuscript has already been submitted; it was not sent again.", lang
    ) in text_of(again)
    assert submit(author_client, sid).status_code == 409  # a fresh page too
    assert count(Submission, stage="submitted") == 1
    assert count(Event) == 1
    assert len(smtp_server.messages) == 1


def test_a_draft_changed_after_review_is_not_submitted_blindly(author_client, can_tho):
    sid = complete_draft(author_client, can_tho.id)
    reviewed = db.session.get(Submission, sid).version
    author_client.post(  # another tab changes the title after the review page was shown
        f"/submissions/{sid}/metadata",
        data={
            "title_vi": "Tiêu đề mới",
            "title_en": "New title",
            "abstract_vi": "a",
            "abstract_en": "a",
            "keywords_vi": "a",
            "keywords_en": "a",
        },
    )
    response = submit(author_client, sid, reviewed)
    assert response.status_code == 409
    assert "Someone else changed this submission while you were working." in text_of(response)
    assert db.session.get(Submission, sid).stage == "draft"
    assert submit(author_client, sid).status_code == 302


def test_concurrent_double_submit_from_two_sessions(app, author, ready):
    """Both sessions load version N; the second UPDATE finds no row at version N."""
    first = db.session.get(Submission, ready.id)
    assert first.version == ready.version
    with app.app_context():  # a second session, in another "request"
        other = db.session.get(Submission, ready.id)
        submit_manuscript(other, db.session.get(type(author), author.id))
        db.session.remove()
    with pytest.raises(StaleError) as refused:
        submit_manuscript(first, author)  # still sees a draft at the old version
    assert refused.value.status == 409
    assert isinstance(refused.value, WorkflowError)
    db.session.expire_all()
    assert count(Submission, stage="submitted") == 1
    assert count(Event) == 1
    assert count(OutboxMessage) == 1


def test_incomplete_submit_through_the_page_shows_the_review_with_the_list(author_client, author):
    draft = make_submission(author, title_en="")
    response = submit(author_client, draft.id)
    assert response.status_code == 400
    body = text_of(response)
    assert translated("English title is required", "vi") in body
    assert f'href="/submissions/{draft.id}/metadata"' in body
    assert db.session.get(Submission, draft.id).stage == "draft"


def withdraw_twice(author, client, ready, submission):
    if submission is ready:
        submit_manuscript(ready, author)
    page = client.get(f"/submissions/{submission.id}?lang=en")
    assert "Withdraw the submission" in page.text
    asked = client.post(f"/submissions/{submission.id}/withdraw?lang=en")
    assert asked.status_code == 200  # the confirmation page: nothing done yet
    assert "This cannot be undone" in asked.text and 'name="confirmed" value="1"' in asked.text
    assert db.session.get(Submission, submission.id).stage != "withdrawn"
    response = client.post(f"/submissions/{submission.id}/withdraw", data={"confirmed": "1"})
    assert response.status_code == 302
    assert db.session.get(Submission, submission.id).stage == "withdrawn"
    again = client.post(f"/submissions/{submission.id}/withdraw", data={"confirmed": "1"})
    assert again.status_code == 409
    assert "Withdraw the submission" not in client.get(f"/submissions/{submission.id}").text


def test_withdraw_a_draft_and_a_submitted_manuscript(author, author_client, ready):
    withdrawn = []

    def receiver(sender, **extra):
        withdrawn.append(sender.id)

    draft = make_submission(author)
    with signals.submission_withdrawn.connected_to(receiver):
        for submission in (draft, ready):
            withdraw_twice(author, author_client, ready, submission)
    assert withdrawn == [draft.id, ready.id]
    events = db.session.execute(
        db.select(Event).filter_by(action="withdraw").order_by(Event.id)
    ).scalars()
    assert [(e.from_stage, e.to_stage) for e in events] == [
        ("draft", "withdrawn"),
        ("submitted", "withdrawn"),
    ]


def test_withdraw_is_for_the_owner_only(ready, other_author):
    with pytest.raises(NotFound) as refused:
        withdraw_submission(ready, other_author)
    assert refused.value.status == 404


def test_submitting_needs_a_confirmed_address_even_through_the_service(app):
    from journal.submissions.services import create_draft

    unconfirmed = make_user("x@example.org", "X", password=None, confirmed=False)
    with pytest.raises(PermissionDenied):
        create_draft(unconfirmed, section_id=1, language="vi")
    assert count(Submission) == 0


def test_every_co_author_is_copied_on_the_receipt_greeted_by_name(author, ready):
    ready.authors.append(
        SubmissionAuthor(position=2, full_name="Lê Thị Cúc", email="cuc@example.org")
    )
    ready.authors.append(SubmissionAuthor(position=3, full_name="Không Thư", email=""))
    ready.authors.append(  # the owner listed again: one receipt only
        SubmissionAuthor(position=4, full_name=author.full_name, email=author.email.upper())
    )
    db.session.commit()
    submit_manuscript(ready, author)
    messages = {
        m.recipient: m
        for m in db.session.execute(
            db.select(OutboxMessage).filter_by(template="submission_received")
        ).scalars()
    }
    assert set(messages) == {author.email, "cuc@example.org"}
    copy = messages["cuc@example.org"]
    assert copy.body.startswith("Kính gửi Ông/Bà Lê Thị Cúc,")  # vi, the manuscript's language
    assert "Hello Lê Thị Cúc," in copy.body
    assert "named you as one of its authors" in copy.body
    assert f"/submissions/{ready.id}" not in copy.body
    assert f"{author.full_name}," in messages[author.email].body.splitlines()[0]
