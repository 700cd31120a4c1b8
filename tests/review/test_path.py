"""The whole editorial path through the pages: submitted → accepted through two rounds with
two reviewers, every step in the event log (CSRF on, as in production)."""

from __future__ import annotations

import io
import re

import pytest

from journal import create_app
from journal.events import events_for
from journal.extensions import db
from journal.review.models import Decision, ReviewAssignment, ReviewRound
from journal.review.reviewers import default_due_date
from journal.review.tokens import invitation_token
from journal.submissions.models import Submission
from tests.conftest import IsolatedClient

from .documents import plain_docx
from .steps import ANSWERS, submitted

CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@pytest.fixture
def csrf_app(app_config, app):
    """A second app on the same database with CSRF protection on."""
    served = create_app(dict(app_config, WTF_CSRF_ENABLED=True))
    served.test_client_class = IsolatedClient
    yield served
    with served.app_context():
        db.engine.dispose()  # its own connections, closed now rather than by the collector


class Browser:
    """A client that reads the CSRF token of the page it posts from."""

    def __init__(self, app, user):
        self.client = app.test_client(user=user)
        self.client.set_cookie("lang", "en")

    def get(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def post(self, page_url, action, data=None, expect=302):
        match = CSRF.search(self.get(page_url))
        assert match, page_url
        data = {"csrf_token": match.group(1) or match.group(2), **(data or {})}
        response = self.client.post(action, data=data, content_type="multipart/form-data")
        assert response.status_code == expect, (action, response.get_data(as_text=True)[-3000:])
        return response


def stage(submission_id):
    db.session.expire_all()
    s = db.session.get(Submission, submission_id)
    return s.stage, s.round


def test_two_rounds_two_reviewers_to_accepted_through_the_pages(cast, csrf_app):
    sid = submitted(cast).id
    editor = Browser(csrf_app, cast.province_editor)
    page = f"/editorial/submissions/{sid}"
    assert "Check the anonymised copy and send to review" in editor.get(page)

    for number in (1, 2):
        version = db.session.get(Submission, sid).version
        editor.post(f"{page}/send", f"{page}/send", {"version": version})
        assert stage(sid) == ("in_review", number)
        if number == 1:
            for reviewer in (cast.reviewer, cast.reviewer2):
                editor.post(
                    f"{page}/reviewers",
                    f"{page}/reviewers",
                    {"email": reviewer.email, "due_date": default_due_date().isoformat()},
                )
        else:
            editor.post(
                page, f"{page}/reviewers/again", {"due_date": default_due_date().isoformat()}
            )
        assignments = (
            db.session.execute(
                db.select(ReviewAssignment).filter_by(submission_id=sid, round=number)
            )
            .scalars()
            .all()
        )
        assert {a.reviewer_id for a in assignments} == {cast.reviewer.id, cast.reviewer2.id}
        for assignment in assignments:
            reviewer = Browser(csrf_app, assignment.reviewer)
            link = f"/reviews/invitations/{invitation_token(assignment)}"
            reviewer.post(link, link + "/accept")
            recommendation = "major_revisions" if number == 1 else "accept"
            reviewer.post(
                f"/reviews/{assignment.id}",
                f"/reviews/{assignment.id}",
                {
                    "recommendation": recommendation,
                    "comments_to_author": f"Vòng {number}: nhận xét của phản biện {assignment.id}.",
                    "competing_interests": "Không có.",
                    **{f"q_{key}": rating for key, rating in ANSWERS.items()},
                    "attachment": (io.BytesIO(b""), ""),
                },
            )
        decision = "major_revisions" if number == 1 else "accept"
        letter_page = f"{page}/decision?decision={decision}"
        text = editor.get(letter_page)
        assert f"Vòng {number}: nhận xét" in text
        letter = {
            "decision": decision,
            "letter_for": decision,
            "letter_vi": f"Thư quyết định vòng {number}.",
            "letter_en": f"Decision letter, round {number}.",
            "version": db.session.get(Submission, sid).version,
        }
        preview = editor.post(letter_page, f"{page}/decision", letter, expect=200)
        preview_text = preview.get_data(as_text=True)
        assert f"Decision letter, round {number}." in preview_text
        assert stage(sid) == ("in_review", number)  # nothing recorded before the confirmation
        token = re.search(r'name="preview" value="([^"]+)"', preview_text).group(1)
        editor.post(
            letter_page, f"{page}/decision", {**letter, "step": "confirm", "preview": token}
        )
        if number == 1:
            assert stage(sid) == ("revisions_requested", 1)
            author = Browser(csrf_app, cast.author)
            revisions = f"/revisions/{sid}"
            assert "Decision letter, round 1." in author.get(revisions)
            for kind, name in (("revision", "ban-sua.docx"), ("response_letter", "tra-loi.docx")):
                author.post(
                    revisions,
                    f"{revisions}/files/{kind}",
                    {f"{kind}-file": (io.BytesIO(plain_docx(f"{kind} vòng 2")), name)},
                )
            author.post(
                revisions,
                f"{revisions}/resubmit",
                {"version": db.session.get(Submission, sid).version},
            )
            assert stage(sid) == ("submitted", 2)

    assert stage(sid) == ("accepted", 2)
    submission = db.session.get(Submission, sid)
    actions = [e.action for e in events_for(submission)]
    assert actions[:2] == ["submit", "assign_editor"]
    assert actions.count("invite_reviewer") == 4
    assert actions.count("accept_invitation") == 4
    assert actions.count("submit_review") == 4
    assert actions.count("send_to_review") == 2
    assert "request_major_revisions" in actions and "resubmit" in actions
    assert actions[-1] == "accept"
    decisions = db.session.execute(db.select(Decision).order_by(Decision.id)).scalars()
    assert [d.decision for d in decisions] == [
        "major_revisions",
        "accept",
    ]
    rounds = db.session.execute(db.select(ReviewRound).order_by(ReviewRound.number)).scalars().all()
    assert [(r.number, r.manuscript_copy is not None) for r in rounds] == [(1, True), (2, True)]
    assert rounds[1].letter_copy is not None
