"""Who may use the production pages: roles × routes. The handling province editor and the
editor-in-chief may; other editorial people get 403; authors (even the submission's own)
and other users get 404; anonymous visitors are sent to log in. Galley files are downloads;
the preview's media need its token."""

from __future__ import annotations

import io

import pytest

from journal.errors import NotFound
from journal.extensions import db
from journal.publish import production
from journal.publish.models import approved_galley
from journal.submissions.models import Submission

from .support import accepted_submission, fetch, finished_galley

ROLES = (
    "anonymous",
    "author",
    "other_author",
    "province_editor",
    "board_member",
    "other_board",
    "editor_in_chief",
    "admin",
)
HANDLING = {"province_editor", "editor_in_chief"}
PLAIN_USERS = {"author", "other_author"}

# method, path (filled in per test); "{p}" is the submission in production with galley 1,
# "{a}" an accepted one.
ROUTES = [
    ("GET", "/production/{p}"),
    ("GET", "/production/{p}/status"),
    ("GET", "/production/{p}/files/{file}"),
    ("GET", "/production/{p}/galleys/1/pdf"),
    ("GET", "/production/{p}/galleys/1/html"),
    ("GET", "/production/{p}/galleys/1/jats"),
    ("GET", "/production/{p}/galleys/1/pages/1.png"),
    ("GET", "/production/{p}/galleys/1/preview"),
    ("GET", "/production/{p}/galleys/1/preview/{token}/"),
    ("POST", "/production/{p}/galleys/1/approve"),
    ("POST", "/production/{p}/files"),
    ("POST", "/production/{p}/runs"),
    ("POST", "/production/{a}/send"),
]
ALLOWED_STATUS = {
    "/production/{p}/galleys/1/preview": 302,
    "/production/{p}/galleys/1/approve": 302,
    "/production/{p}/files": 400,  # allowed in, then the empty form is refused
    "/production/{p}/runs": 302,
    "/production/{a}/send": 302,
}


@pytest.fixture
def setting(app, users, editor, tmp_path, typeset_result, monkeypatch):
    """One submission in production with a galley, one accepted; jobs are only recorded."""
    queued = []
    monkeypatch.setattr("journal.jobs.enqueue", lambda name, *args: queued.append(args))
    in_production = accepted_submission(users["author"], tmp_path, stage="production")
    galley = finished_galley(in_production, typeset_result, editor)
    accepted = accepted_submission(users["author"], tmp_path)
    return {
        "p": in_production.id,
        "a": accepted.id,
        "file": in_production.manuscript.id,
        "token": production.preview_token(galley, editor),
        "queued": queued,
    }


@pytest.mark.parametrize("role", ROLES)
def test_roles_by_routes(app, users, english, setting, role):
    client = english(None if role == "anonymous" else users[role])
    for method, template in ROUTES:
        url = template.format(**setting)
        response = client.open(url, method=method)
        response.close()
        if role == "anonymous":
            assert response.status_code == 302, url
            assert "/account/login" in response.headers["Location"], url
        elif role in HANDLING:
            assert response.status_code == ALLOWED_STATUS.get(template, 200), (url, role)
        elif role in PLAIN_USERS:
            assert response.status_code == 404, (url, role)
        else:
            assert response.status_code == 403, (url, role)
    db.session.expire_all()
    in_production = db.session.get(Submission, setting["p"])
    accepted = db.session.get(Submission, setting["a"])
    if role in HANDLING:
        assert len(setting["queued"]) == 2  # typeset again; sent to production
        assert approved_galley(in_production).number == 1
        assert accepted.stage == "production"
    else:
        assert setting["queued"] == []
        assert len(production.runs_of(in_production)) == 1  # the finished one only
        assert approved_galley(in_production) is None
        assert accepted.stage == "accepted"


LIST_STATUS = {
    "anonymous": 302,
    "author": 404,
    "other_author": 404,
    "board_member": 403,
    "admin": 403,
    "other_board": 200,  # An Giang's editor: their own (empty) list
    "province_editor": 200,
    "editor_in_chief": 200,
}


def test_the_production_list(app, users, english, setting):
    for role, expected in LIST_STATUS.items():
        client = english(None if role == "anonymous" else users[role])
        response = client.get("/production/")
        assert response.status_code == expected, role
        if expected == 200:
            shows = f'href="/production/{setting["a"]}"' in response.text
            assert shows == (role != "other_board"), role  # Cần Thơ's, for its editors


def test_before_acceptance_there_is_no_production_page(app, users, english, tmp_path):
    from ...factories import make_submission

    submitted = make_submission(users["author"], stage="submitted")
    client = english(users["editor_in_chief"])
    assert client.get(f"/production/{submitted.id}").status_code == 404
    assert client.post(f"/production/{submitted.id}/send").status_code == 404
    assert client.get("/production/999999").status_code == 404


def test_another_provinces_editor_cannot_send_to_production(app, users, tmp_path, english):
    accepted = accepted_submission(users["author"], tmp_path)
    response = english(users["other_board"]).post(f"/production/{accepted.id}/send")
    assert response.status_code == 403
    db.session.refresh(accepted)
    assert accepted.stage == "accepted"
    with pytest.raises(NotFound):  # the author: editorial pages do not exist for them
        production.send_to_production(accepted, users["author"])


def test_galley_files_are_downloads_and_the_preview_is_sandboxed(
    app, users, editor, english, setting
):
    client = english(editor)
    for kind, media_type in (
        ("pdf", "application/pdf"),
        ("html", "text/html"),
        ("jats", "application/jats+xml"),
    ):
        response = fetch(client, f"/production/{setting['p']}/galleys/1/{kind}")
        assert response.mimetype == media_type
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=mdjst-{setting['p']}-v1.{kind.replace('jats', 'xml')}"
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-store"

    preview = fetch(client, f"/production/{setting['p']}/galleys/1/preview/{setting['token']}/")
    csp = preview.headers["Content-Security-Policy"]
    assert csp.split("; ")[:2] == ["sandbox", "default-src 'none'"]
    assert "img-src 'self' data:" in csp and "frame-ancestors 'none'" in csp
    assert preview.headers["X-Frame-Options"] == "DENY"
    assert preview.headers["Content-Disposition"].startswith("inline")
    # styled as the public article page is: the site's stylesheet, the galley as full text
    page = preview.get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert 'class="galley full-text"' in page


def test_preview_tokens_are_bound_to_one_galley_and_a_handling_editor(
    app, users, editor, typeset_result, setting, english
):
    submission = db.session.get(Submission, setting["p"])
    first = production.galley_by_number(submission, 1)
    second = finished_galley(submission, typeset_result, editor, number=2)
    [name] = first.media
    anonymous = english(None)
    base = f"/production/{setting['p']}/galleys"

    good = fetch(anonymous, f"{base}/1/preview/{setting['token']}/media/{name}")
    assert good.status_code == 200 and good.mimetype == "image/png"
    assert good.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Version 1's token does not open version 2's media, and no path escapes the galley.
    assert fetch(anonymous, f"{base}/2/preview/{setting['token']}/media/{name}").status_code == 404
    other_token = production.preview_token(second, editor)
    assert fetch(anonymous, f"{base}/2/preview/{other_token}/media/{name}").status_code == 200
    assert (
        fetch(anonymous, f"{base}/1/preview/{setting['token']}/media/..%2Fpdf").status_code == 404
    )
    # A token made for someone who may not see the submission is worthless.
    outsider = production.preview_token(first, users["other_board"])
    assert fetch(anonymous, f"{base}/1/preview/{outsider}/media/{name}").status_code == 404
    # A signed-in editor with a stale or forged token is sent for a fresh one.
    client = english(editor)
    response = client.get(f"{base}/1/preview/forged-token/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{base}/1/preview"
    )


def test_hostile_upload_names_and_kinds_are_refused(app, editor, english, setting):
    client = english(editor)
    response = client.post(
        f"/production/{setting['p']}/files",
        data={"kind": "../../etc", "file": (io.BytesIO("# Mở đầu\n".encode()), "x.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "Choose the kind of file." in response.text
    response = client.post(
        f"/production/{setting['p']}/files",
        data={"kind": "manuscript", "file": (io.BytesIO("# Mở đầu\n".encode()), "../../evil.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    submission = db.session.get(Submission, setting["p"])
    assert production.source_manuscript(submission).original_name == "evil.md"


def test_an_editor_who_is_an_author_does_not_handle_the_submission(app, users, english, tmp_path):
    chief = users["editor_in_chief"]
    accepted = accepted_submission(users["author"], tmp_path)
    accepted.authors[1].user_id = chief.id  # the editor-in-chief is a co-author
    db.session.commit()

    assert english(chief).get(f"/production/{accepted.id}").status_code == 403
    assert english(chief).post(f"/production/{accepted.id}/send").status_code == 403
    db.session.refresh(accepted)
    assert accepted.stage == "accepted"
    assert english(users["province_editor"]).get(f"/production/{accepted.id}").status_code == 200


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("author", False),
        ("board_member", False),
        ("province_editor", True),
        ("editor_in_chief", True),
    ],
)
def test_the_menu_links_to_production_for_editors(app, users, english, role, shown):
    page = english(users[role]).get("/")
    assert ('href="/production/"' in page.text) is shown


def test_published_articles_stay_reachable_from_the_list(app, users, english):
    from ...factories import make_submission

    published = make_submission(users["author"], stage="published")
    elsewhere = make_submission(users["other_author"], stage="published", province=None)

    page = english(users["province_editor"]).get("/production/")

    assert "Scheduled and published" in page.text
    assert f'href="/production/{published.id}"' in page.text
    assert f'href="/production/{elsewhere.id}"' not in page.text  # not Cần Thơ's
    assert english(users["province_editor"]).get(f"/production/{published.id}").status_code == 200
