"""With CSRF protection on (as in production): the wizard's forms carry the token, and a
POST without it changes nothing."""

from __future__ import annotations

import re

import pytest

from journal import create_app
from journal.extensions import db
from journal.submissions.models import Submission, SubmissionAuthor
from tests.conftest import IsolatedClient
from tests.factories import make_submission

from .wizard import text_of, translated

TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


@pytest.fixture
def csrf_app(app, app_config):
    protected = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    protected.test_client_class = IsolatedClient
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def draft(author):
    submission = make_submission(author)
    submission.authors.append(SubmissionAuthor(position=2, full_name="B", email="b@example.org"))
    db.session.commit()
    return submission


def state(submission_id):
    db.session.expire_all()
    s = db.session.get(Submission, submission_id)
    return s.stage, s.version, s.title_vi, len(s.authors)


def test_posts_without_the_token_change_nothing(csrf_app, author, draft):
    client = csrf_app.test_client(user=author)
    before = state(draft.id)
    second = draft.authors[1].id
    for url, data in [
        (f"/submissions/{draft.id}/submit", {"version": before[1]}),
        (f"/submissions/{draft.id}/metadata", {"title_vi": "Đổi"}),
        (f"/submissions/{draft.id}/authors/{second}/remove", {}),
        (f"/submissions/{draft.id}/withdraw", {}),
        ("/submissions/new", {"section_id": 1, "language": "vi"}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "The form expired or was sent from another site." in text_of(response)
    assert state(draft.id) == before
    assert db.session.execute(db.select(db.func.count(Submission.id))).scalar_one() == 1


def test_the_pages_carry_a_token_that_works(csrf_app, author, draft):
    client = csrf_app.test_client(user=author)
    authors_page = client.get(f"/submissions/{draft.id}/authors")
    inputs = TOKEN.findall(authors_page.text)
    assert len(inputs) >= 5  # the logout form, the add form, every small action form
    token = re.search(r'value="([^"]+)"', inputs[-1]).group(1)
    second = draft.authors[1].id
    response = client.post(
        f"/submissions/{draft.id}/authors/{second}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 302
    review = client.get(f"/submissions/{draft.id}/review")
    assert translated("Upload the manuscript.", "vi") in text_of(
        review
    )  # the factory's draft has no file
