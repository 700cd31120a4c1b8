"""Inviting reviewers: registered users and new people, conflicts of interest, the signed
invitation link (works until the review is done or withdrawn), accepting and declining."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from journal.accounts.services import user_by_email
from journal.errors import WorkflowError
from journal.events import events_for
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.review import reviewers
from journal.review.models import ReviewAssignment
from journal.review.tokens import invitation_token
from journal.submissions.models import SubmissionAuthor
from tests.factories import make_submission
from tests.submissions.wizard import text_of

from .steps import completed, in_review, invite, submitted


def mails(template):
    return db.session.execute(db.select(OutboxMessage).filter_by(template=template)).scalars().all()


def test_inviting_a_registered_user(cast):
    submission = in_review(cast)
    assignment = invite(cast, submission, cast.reviewer)
    assert (assignment.status, assignment.reviewer_id, assignment.round) == (
        "invited",
        cast.reviewer.id,
        1,
    )
    assert assignment.due_at > assignment.response_due_at > assignment.invited_at
    [mail] = mails("review_invitation")
    assert mail.recipient == cast.reviewer.email
    assert f"/reviews/invitations/{invitation_token(assignment)}" in mail.body
    assert submission.title_vi in mail.body and submission.abstract_en in mail.body
    for identity in (cast.author.full_name, cast.author.email, "Trương Minh Khoa", "7777-8887"):
        assert identity not in mail.body
    assert events_for(submission)[-1].action == "invite_reviewer"


def test_a_new_person_gets_an_account_when_accepting(cast, client, app):
    submission = in_review(cast)
    assignment = reviewers.invite_reviewer(
        submission, cast.province_editor, email="New.Person@Example.net", full_name="Hồ Thị Mới"
    )
    assert assignment.reviewer_id is None and assignment.invitee_email == "new.person@example.net"
    url = f"/reviews/invitations/{invitation_token(assignment)}"
    page = client.get(url + "?lang=en")
    assert page.status_code == 200
    assert "An account will be created for new.person@example.net" in text_of(page)
    assert client.get(url).status_code == 200  # not used up by a click
    short = client.post(url + "/accept?lang=en", data={"full_name": "Hồ Thị Mới", "password": "x"})
    assert short.status_code == 400 and "between 10 and 256 characters" in text_of(short)
    response = client.post(
        url + "/accept",
        data={
            "full_name": "Hồ Thị Mới",
            "password": "mật khẩu đủ dài 123",
            "confirm": "mật khẩu đủ dài 123",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{assignment.id}")
    account = user_by_email("new.person@example.net")
    assert account is not None and account.email_confirmed and account.full_name == "Hồ Thị Mới"
    db.session.refresh(assignment)
    assert (assignment.status, assignment.reviewer_id) == ("accepted", account.id)
    assert client.get(f"/reviews/{assignment.id}").status_code == 200  # signed in now
    assert client.get(url).status_code == 302  # the link still works: to the review


def test_a_registered_invitee_signs_in_to_accept(cast, client, login):
    submission = in_review(cast)
    assignment = invite(cast, submission, cast.reviewer)
    url = f"/reviews/invitations/{invitation_token(assignment)}"
    response = client.post(url + "/accept")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert db.session.get(ReviewAssignment, assignment.id).status == "invited"
    someone_else = login(cast.reviewer2)
    refused = someone_else.post(url + "/accept?lang=en")
    assert refused.status_code == 403
    assert "This invitation was sent to another person" in text_of(refused)
    reviewer = login(cast.reviewer)
    assert reviewer.post(url + "/accept").status_code == 302
    assert db.session.get(ReviewAssignment, assignment.id).status == "accepted"
    [mail] = mails("review_invitation_accepted")
    assert mail.recipient == cast.province_editor.email and cast.reviewer.full_name in mail.body


def test_declining_with_a_reason_tells_the_editor(cast, client):
    submission = in_review(cast)
    assignment = invite(cast, submission, cast.reviewer)
    url = f"/reviews/invitations/{invitation_token(assignment)}"
    response = client.post(url + "/decline", data={"reason": "Đang đi công tác."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (assignment.status, assignment.decline_reason) == ("declined", "Đang đi công tác.")
    [mail] = mails("review_invitation_declined")
    assert "Đang đi công tác." in mail.body and mail.recipient == cast.province_editor.email
    closed = client.get(url + "?lang=en")
    assert closed.status_code == 410 and "This invitation has been declined." in text_of(closed)
    assert client.post(url + "/accept").status_code == 409


def test_an_author_cannot_be_invited(cast):
    submission = in_review(cast)
    for email in ("author@example.org", "KHOA@example.org"):  # the owner, a co-author
        with pytest.raises(reviewers.ConflictOfInterest) as error:
            reviewers.invite_reviewer(
                submission, cast.province_editor, email=email, full_name="X", conflict_reason="vì"
            )
        assert error.value.status == 409
    assert db.session.execute(db.select(ReviewAssignment)).first() is None


def test_conflicts_are_flagged_and_need_a_reason(cast):
    submission = in_review(cast)
    # Same institution as the co-author.
    cast.reviewer.affiliation = "Khoa Nông nghiệp, Trường Đại học Trà Vinh"
    # Co-author of the author on an earlier submission.
    earlier = make_submission(cast.reviewer2, stage="submitted", title_vi="Bài trước")
    earlier.authors.append(
        SubmissionAuthor(position=2, full_name="Nguyễn Văn An", email="author@example.org")
    )
    db.session.commit()
    kinds = {
        who: [c.kind for c in reviewers.conflicts_for(submission, user=u, email=u.email)]
        for who, u in (
            ("reviewer", cast.reviewer),
            ("reviewer2", cast.reviewer2),
            ("province_editor", cast.province_editor),
            ("unassigned", cast.unassigned_reviewer),
            ("author", cast.author),
        )
    }
    assert kinds == {
        "reviewer": ["institution"],
        "reviewer2": ["coauthor"],
        "province_editor": ["province_editor"],
        "unassigned": [],
        "author": ["author"],
    }
    with pytest.raises(reviewers.ConflictOfInterest) as error:
        invite(cast, submission, cast.reviewer)
    assert "Trường Đại học Trà Vinh" in str(error.value.message)
    assignment = invite(cast, submission, cast.reviewer, conflict_reason="Khác khoa, không quen.")
    assert "Khác khoa, không quen." in assignment.conflict_note


def test_inviting_twice_or_before_review_is_refused(cast):
    submission = submitted(cast)
    with pytest.raises(WorkflowError):
        invite(cast, submission, cast.reviewer)
    in_review(cast, submission)
    invite(cast, submission, cast.reviewer)
    with pytest.raises(reviewers.ConflictOfInterest):
        invite(cast, submission, cast.reviewer)
    with pytest.raises(reviewers.InvitationError):
        invite(cast, submission, cast.reviewer2, due_at=reviewers.due_at_end_of(date(2020, 1, 1)))


def test_tampered_and_revoked_links(cast, client):
    submission = in_review(cast)
    assignment = invite(cast, submission, cast.reviewer)
    token = invitation_token(assignment)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (tampered, "x", "a" * 600, token.replace(".", "", 1)):
        response = client.get(f"/reviews/invitations/{bad}?lang=en")
        assert response.status_code == 400, bad
        assert "This invitation link is not valid" in text_of(response)
        assert client.post(f"/reviews/invitations/{bad}/decline").status_code == 400
    # A link signed for another assignment's nonce does not open this one.
    other = invite(cast, submission, cast.reviewer2)
    other.token_nonce = assignment.token_nonce + "x"
    db.session.commit()
    assert client.get(f"/reviews/invitations/{invitation_token(other)}").status_code == 200
    reviewers.revoke_invitation(assignment, cast.province_editor, reason="Đã đủ người.")
    revoked = client.get(f"/reviews/invitations/{token}?lang=en")
    assert revoked.status_code == 410
    assert "withdrawn by the editor" in text_of(revoked)
    assert client.post(f"/reviews/invitations/{token}/accept").status_code == 409
    [mail] = mails("review_cancelled")
    assert mail.recipient == cast.reviewer.email and "withdrawn" in mail.subject


def test_a_completed_review_closes_the_link(cast, login):
    submission = in_review(cast)
    assignment = completed(cast, submission, cast.reviewer)
    reviewer = login(cast.reviewer)
    response = reviewer.get(f"/reviews/invitations/{invitation_token(assignment)}?lang=en")
    assert response.status_code == 410
    assert "This review has been completed" in text_of(response)
    assert f"/reviews/{assignment.id}" in text_of(response)


def test_suggestions_list_board_members_and_matching_expertise_with_conflicts(cast):
    cast.author.expertise = "salinity"
    db.session.commit()
    submission = in_review(cast)  # keywords: lúa, chịu mặn, …; rice, salinity, Mekong Delta
    suggestions = {s.user.full_name: s for s in reviewers.suggest_reviewers(submission)}
    assert suggestions["Lý Thanh Tùng"].matched == ["chọn giống lúa", "salinity"]
    assert suggestions["Châu Ngọc Diễm"].matched == ["rice"]
    assert suggestions["Phạm Thị Dung"].board  # a board member without matching expertise
    assert "Mai Văn Tư" not in suggestions  # neither board nor expertise
    assert cast.province_editor.full_name not in suggestions  # handles it
    author = suggestions["Nguyễn Văn An"]
    assert not author.can_invite and [c.kind for c in author.conflicts] == ["author"]
    order = list(suggestions)
    assert order[-1] == "Nguyễn Văn An"
    assert order.index("Lý Thanh Tùng") < order.index("Phạm Thị Dung")
    invite(cast, submission, cast.reviewer)
    again = {s.user.full_name: s for s in reviewers.suggest_reviewers(submission)}
    assert again["Lý Thanh Tùng"].status == "invited" and not again["Lý Thanh Tùng"].can_invite


def test_due_date_change_restarts_the_reminders(cast):
    submission = in_review(cast)
    assignment = invite(cast, submission, cast.reviewer)
    assignment.reminded_due_at = assignment.invited_at
    db.session.commit()
    new_due = reviewers.due_at_end_of(date.today() + timedelta(days=40))
    reviewers.change_due_date(assignment, cast.province_editor, due_at=new_due)
    assert assignment.due_at == new_due and assignment.reminded_due_at is None
    assert events_for(submission)[-1].action == "change_due_date"


def test_withdrawing_the_submission_ends_the_open_reviews(cast, client):
    from journal.submissions.services import withdraw_submission

    submission = in_review(cast)
    writing = invite(cast, submission, cast.reviewer)
    reviewers.accept_invitation(writing, cast.reviewer)
    done = completed(cast, submission, cast.reviewer2)
    waiting = invite(cast, submission, cast.unassigned_reviewer)
    withdraw_submission(submission, cast.author)
    db.session.expire_all()
    assert (writing.status, waiting.status, done.status) == ("cancelled", "cancelled", "completed")
    assert {m.recipient for m in mails("review_cancelled")} == {
        cast.reviewer.email,
        cast.unassigned_reviewer.email,
    }
    assert all("withdrawn by its authors" in m.body for m in mails("review_cancelled"))
    closed = client.get(f"/reviews/invitations/{invitation_token(waiting)}?lang=en")
    assert closed.status_code == 410
    assert "The manuscript has been withdrawn by its authors" in text_of(closed)


def test_the_invitation_text_is_edited_and_previewed_before_sending(cast, login):
    submission = in_review(cast)
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    url = f"/editorial/submissions/{submission.id}/reviewers"
    form_page = text_of(editor.get(url))
    assert "The editors invite you to review the manuscript below." in form_page
    assert "Các biên tập viên" in form_page or "mời" in form_page  # the Vietnamese text too
    from journal.review.reviewers import default_due_date

    values = {
        "email": cast.reviewer.email,
        "due_date": default_due_date().isoformat(),
        "message_vi": "Kính mời anh phản biện bài về giống lúa chịu mặn.",
        "message_en": "We would value your review of this paper on salt-tolerant rice.",
    }
    preview = editor.post(url, data={**values, "step": "preview"})
    assert preview.status_code == 200
    text = text_of(preview)
    assert "Nothing has been sent yet" in text and cast.reviewer.email in text
    assert "salt-tolerant rice" in text and "giống lúa chịu mặn" in text
    assert f"Hello {cast.reviewer.full_name}," in text
    for name in (cast.author.full_name, "Trương Minh Khoa"):
        assert name not in text  # the reviewer never reads an author's name
    db.session.expire_all()
    assert db.session.execute(db.select(ReviewAssignment)).first() is None
    back = editor.post(url, data={**values, "step": "edit"})
    assert back.status_code == 200 and "salt-tolerant rice" in text_of(back)
    sent = editor.post(url, data=values)
    assert sent.status_code == 302
    [mail] = (
        db.session.execute(db.select(OutboxMessage).filter_by(template="review_invitation"))
        .scalars()
        .all()
    )
    assert "salt-tolerant rice" in mail.body and "giống lúa chịu mặn" in mail.body
    assert "The editors invite you to review" not in mail.body
    assert "/reviews/invitations/" in mail.body


def test_a_preview_checks_what_the_invitation_would(cast, login):
    submission = in_review(cast)
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    from journal.review.reviewers import default_due_date

    refused = editor.post(
        f"/editorial/submissions/{submission.id}/reviewers",
        data={
            "email": cast.author.email,
            "due_date": default_due_date().isoformat(),
            "step": "preview",
        },
    )
    assert refused.status_code == 409
    assert "An author of the submission cannot review it." in text_of(refused)
