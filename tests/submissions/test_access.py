"""Who may reach which route: the owner only; others get 404 everywhere (drafts are not
enumerable); a submitted manuscript can no longer be edited (409)."""

import pytest
from flask import current_app, url_for

from journal.extensions import db
from journal.models_base import utcnow
from journal.submissions.models import Submission, SubmissionAuthor, SubmissionFile
from tests.factories import make_submission, make_user

from .documents import markdown_bytes
from .wizard import text_of, translated, upload


def submission_routes(app):
    """Every route of the area that names a submission, with the methods it accepts."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("submissions.") and "submission_id" in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method))
    return routes


def url_of(endpoint, submission):
    values = {"submission_id": submission.id}
    arguments = {
        "author_id": submission.authors[0].id,
        "file_id": submission.files[0].id if submission.files else 1,
        "direction": "down",
        "kind": "manuscript",
    }
    rule = next(r for r in current_app.url_map.iter_rules() if r.endpoint == endpoint)
    values.update({k: v for k, v in arguments.items() if k in rule.arguments})
    return url_for(endpoint, **values)


def snapshot(submission_id):
    db.session.expire_all()
    s = db.session.get(Submission, submission_id)
    return (
        s.stage,
        s.version,
        s.title_vi,
        [(a.full_name, a.position) for a in s.authors],
        [f.id for f in s.files],
    )


@pytest.fixture
def victims_draft(app, author_client, other_author):
    submission = make_submission(other_author)
    submission.authors.append(
        SubmissionAuthor(position=2, full_name="Đồng Tác Giả", email="x@example.org")
    )
    db.session.commit()
    client = app.test_client(user=other_author)
    assert upload(client, submission.id, "bai.md", markdown_bytes()).status_code == 302
    return submission


def test_every_route_is_covered(app):
    endpoints = {endpoint for endpoint, _ in submission_routes(app)}
    assert {
        "submissions.detail",
        "submissions.metadata",
        "submissions.authors",
        "submissions.add_author",
        "submissions.edit_author",
        "submissions.remove_author",
        "submissions.move_author",
        "submissions.set_corresponding",
        "submissions.funding",
        "submissions.files",
        "submissions.upload_file",
        "submissions.letter",
        "submissions.review",
        "submissions.submit",
        "submissions.withdraw",
        "submissions.download_file",
        "submissions.start",
    } <= endpoints


@pytest.mark.parametrize("stage", ["draft", "submitted"])
def test_another_users_submission_is_not_found_on_every_route(
    app, author_client, other_author, victims_draft, stage
):
    if stage == "submitted":
        victims_draft.stage, victims_draft.submitted_at = "submitted", utcnow()
        db.session.commit()
    before = snapshot(victims_draft.id)
    with app.test_request_context():
        targets = [(url_of(e, victims_draft), e, m) for e, m in submission_routes(app)]
    for url, endpoint, method in targets:
        response = author_client.open(url, method=method, data={"version": before[1]})
        assert response.status_code == 404, (endpoint, method)
        assert translated("This page does not exist.", "en") in text_of(response)
    assert snapshot(victims_draft.id) == before
    assert victims_draft.title_vi not in text_of(author_client.get("/submissions/"))


def test_ids_of_another_submission_inside_ones_own_url_are_not_found(
    app, author, author_client, victims_draft
):
    own = make_submission(author)
    other_author_row = victims_draft.authors[1]
    other_file = victims_draft.files[0]
    before = snapshot(victims_draft.id)
    base = f"/submissions/{own.id}"
    assert author_client.get(f"{base}/files/{other_file.id}/download").status_code == 404
    assert author_client.get(f"{base}/authors/{other_author_row.id}/edit").status_code == 404
    for action in ("remove", "corresponding", "move/up", "edit"):
        response = author_client.post(
            f"{base}/authors/{other_author_row.id}/{action}",
            data={"full_name": "Hijack", "email": "h@example.org"},
        )
        assert response.status_code == 404, action
    assert snapshot(victims_draft.id) == before


def test_anonymous_visitors_are_sent_to_log_in(app, client, victims_draft):
    with app.test_request_context():
        targets = [(url_of(e, victims_draft), m) for e, m in submission_routes(app)]
    for url, method in [*targets, ("/submissions/", "GET"), ("/submissions/new", "GET")]:
        response = client.open(url, method=method)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]


def test_the_wizard_needs_a_confirmed_email(app, login):
    unconfirmed = make_user("new@example.org", "Mới Đăng Ký", password=None, confirmed=False)
    client = login(unconfirmed)
    for method in ("GET", "POST"):
        response = client.open(
            "/submissions/new?lang=en", method=method, data={"section_id": 1, "language": "vi"}
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/profile")
    page = text_of(client.get("/account/profile"))
    assert "Confirm your e-mail address before submitting a manuscript" in page
    assert db.session.execute(db.select(db.func.count()).select_from(Submission)).scalar() == 0
    assert client.get("/submissions/").status_code == 200  # the dashboard stays open


EDIT_ENDPOINTS = [
    "submissions.start",
    "submissions.metadata",
    "submissions.authors",
    "submissions.add_author",
    "submissions.edit_author",
    "submissions.remove_author",
    "submissions.move_author",
    "submissions.set_corresponding",
    "submissions.funding",
    "submissions.files",
    "submissions.upload_file",
    "submissions.letter",
    "submissions.review",
]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_submitted_manuscript_cannot_be_edited(app, author, author_client, lang):
    submission = make_submission(author, stage="submitted")
    submission.files.append(
        SubmissionFile(
            kind="manuscript",
            original_name="a.md",
            media_type="text/markdown",
            size=1,
            sha256="0" * 64,
        )
    )
    db.session.commit()
    author_client.get(f"/submissions/?lang={lang}")
    before = snapshot(submission.id)
    with app.test_request_context():
        targets = [
            (url_of(e, submission), e, m) for e, m in submission_routes(app) if e in EDIT_ENDPOINTS
        ]
    assert len(targets) >= len(EDIT_ENDPOINTS)
    expected = translated(
        "This submission is “%(stage)s” and can no longer be changed.",
        lang,
        stage=translated("Submitted", lang),
    )
    for url, endpoint, method in targets:
        response = author_client.open(
            url, method=method, data={"title_vi": "Đổi", "full_name": "X", "email": "x@e.org"}
        )
        assert response.status_code == 409, (endpoint, method)
        assert expected in text_of(response), (endpoint, method)
    assert snapshot(submission.id) == before


EDITORIAL_PAGES = ("", "/send", "/reviewers", "/decision")


@pytest.fixture
def draft(app, users):
    """A draft of Cần Thơ (its province editor's province) with an uploaded manuscript."""
    owner = users["other_author"]
    submission = make_submission(owner)
    client = app.test_client(user=owner)
    assert upload(client, submission.id, "bai.md", markdown_bytes()).status_code == 302
    return submission


@pytest.mark.parametrize(
    "role", ["province_editor", "editor_in_chief", "board_member", "other_board", "admin"]
)
def test_a_draft_is_not_found_for_anyone_but_its_owner(app, users, draft, role):
    """Editors of its province and the editor-in-chief included: every submission route
    and every editorial page of a draft answers 404 (an editor's 403 for non-editors)."""
    client = app.test_client(user=users[role])
    client.set_cookie("lang", "en")
    before = snapshot(draft.id)
    with app.test_request_context():
        targets = [(url_of(e, draft), e, m) for e, m in submission_routes(app)]
    for url, endpoint, method in targets:
        response = client.open(url, method=method, data={"version": before[1]})
        assert response.status_code == 404, (endpoint, method)
    is_editor = role in ("province_editor", "editor_in_chief", "other_board")
    for page in EDITORIAL_PAGES:
        response = client.get(f"/editorial/submissions/{draft.id}{page}")
        assert response.status_code == (404 if is_editor else 403), page
    assert draft.title_vi not in text_of(client.get("/editorial/all"))
    assert snapshot(draft.id) == before


def test_a_draft_withdrawn_before_it_was_sent_stays_hidden(app, users, draft):
    draft.stage = "withdrawn"
    db.session.commit()
    for role in ("province_editor", "editor_in_chief"):
        client = app.test_client(user=users[role])
        assert client.get(f"/submissions/{draft.id}").status_code == 404, role
        assert client.get(f"/editorial/submissions/{draft.id}").status_code == 404, role
    owner = app.test_client(user=users["other_author"])
    assert owner.get(f"/submissions/{draft.id}").status_code == 200
