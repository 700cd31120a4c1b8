"""Roles × routes: every editorial and review route (and the submission pages editors now
share) for nine kinds of visitor, with the expected status written in the table.

Legend: ``L`` = sent to the login page (302 to /account/login); a number = that status.
POSTs carry a form that the allowed roles get past the permission check with and then
fail (400/409), so that no cell changes anything: the state is compared before and after.
The successful POSTs are tested, one by one, in the other modules.
"""

from __future__ import annotations

import io

import pytest

from journal.events import Event
from journal.extensions import db
from journal.review.models import Decision, ReviewAssignment
from journal.review.tokens import invitation_token
from journal.submissions.models import Submission, SubmissionFile

from .documents import plain_docx
from .steps import ANSWERS, accepted, completed, decided, in_review, submitted

ROLES = (
    "anonymous",
    "author",
    "other_author",
    "reviewer",
    "unassigned_reviewer",
    "other_board",
    "province_editor",
    "editor_in_chief",
    "admin",
)

LONG = "x" * 2001

# (endpoint, method, builds the URL and form from the scene, expected per role)
#                                                    anon au  oa  rev un  ob  pe  eic adm
ROWS = [
    (
        "review.queue_home",
        "GET",
        lambda s: ("/editorial/", {}),
        "L    403 403 403 403 302 302 302 403",
    ),
    (
        "review.queue_all",
        "GET",
        lambda s: ("/editorial/all", {}),
        "L    403 403 403 403 403 403 200 403",
    ),
    (
        "review.queue_province",
        "GET",
        lambda s: ("/editorial/provinces/CT", {}),
        "L    403 403 403 403 403 200 200 403",
    ),
    (
        "review.queue_editor",
        "GET",
        lambda s: (f"/editorial/editors/{s.editor_id}", {}),
        "L    403 403 403 403 403 200 200 403",
    ),
    (
        "review.submission",
        "GET",
        lambda s: (f"/editorial/submissions/{s.S}", {}),
        "L    403 403 403 403 404 200 200 403",
    ),
    (
        "review.reassign",
        "POST",
        lambda s: (f"/editorial/submissions/{s.S}/editor", {}),
        "L    403 403 403 403 404 403 400 403",
    ),
    (
        "review.send",
        "GET",
        lambda s: (f"/editorial/submissions/{s.N}/send", {}),
        "L    403 403 403 403 404 200 200 403",
    ),
    (
        "review.send",
        "POST",
        lambda s: (f"/editorial/submissions/{s.N}/send", {"version": 0}),
        "L    403 403 403 403 404 409 409 403",
    ),
    (
        "review.upload_copy",
        "POST",
        lambda s: (f"/editorial/submissions/{s.N}/copies/manuscript", {}),
        "L    403 403 403 403 404 400 400 403",
    ),
    (
        "review.reviewers_page",
        "GET",
        lambda s: (f"/editorial/submissions/{s.S}/reviewers", {}),
        "L    403 403 403 403 404 200 200 403",
    ),
    (
        "review.reviewers_page",
        "POST",
        lambda s: (f"/editorial/submissions/{s.S}/reviewers", {}),
        "L    403 403 403 403 404 400 400 403",
    ),
    (
        "review.reinvite",
        "POST",
        lambda s: (f"/editorial/submissions/{s.S}/reviewers/again", {}),
        "L    403 403 403 403 404 400 400 403",
    ),
    (
        "review.assignment",
        "GET",
        lambda s: (f"/editorial/assignments/{s.A}", {}),
        "L    403 403 403 403 404 200 200 403",
    ),
    (
        "review.revoke",
        "POST",
        lambda s: (f"/editorial/assignments/{s.A}/revoke", {"reason": LONG}),
        "L    403 403 403 403 404 400 400 403",
    ),
    (
        "review.change_due",
        "POST",
        lambda s: (f"/editorial/assignments/{s.A}/due", {}),
        "L    403 403 403 403 404 400 400 403",
    ),
    (
        "review.decide",
        "GET",
        lambda s: (f"/editorial/submissions/{s.S}/decision", {}),
        "L    403 403 403 403 404 200 200 403",
    ),
    (
        "review.decide",
        "POST",
        lambda s: (f"/editorial/submissions/{s.S}/decision", {}),
        "L    403 403 403 403 404 400 400 403",
    ),
    (
        "review.my_reviews",
        "GET",
        lambda s: ("/reviews/", {}),
        "L    200 200 200 200 200 200 200 200",
    ),
    (
        "review.invitation",
        "GET",
        lambda s: (f"/reviews/invitations/{s.token}", {}),
        "200  403 403 302 403 403 403 403 403",
    ),
    (
        "review.accept",
        "POST",
        lambda s: (f"/reviews/invitations/{s.token}/accept", {}),
        "L    403 403 302 403 403 403 403 403",
    ),
    (
        "review.decline",
        "POST",
        lambda s: (f"/reviews/invitations/{s.token}/decline", {"reason": LONG}),
        "400  403 403 400 403 403 403 403 403",
    ),
    (
        "review.review",
        "GET",
        lambda s: (f"/reviews/{s.A}", {}),
        "L    404 404 200 404 404 404 404 404",
    ),
    (
        "review.review",
        "POST",
        lambda s: (f"/reviews/{s.A}", {}),
        "L    404 404 400 404 404 404 404 404",
    ),
    (
        "review.save_draft",
        "POST",
        lambda s: (f"/reviews/{s.A}/draft", {"recommendation": "bogus"}),
        "L    404 404 400 404 404 404 404 404",
    ),
    (
        "review.review_file",
        "GET",
        lambda s: (f"/reviews/{s.A}/files/{s.copy}", {}),
        "L    404 404 200 404 404 404 404 404",
    ),
    (
        "review.revisions",
        "GET",
        lambda s: (f"/revisions/{s.D}", {}),
        "L    200 404 404 404 404 404 404 404",
    ),
    (
        "review.upload_revision",
        "POST",
        lambda s: (f"/revisions/{s.D}/files/revision", {}),
        "L    400 404 404 404 404 404 404 404",
    ),
    (
        "review.resubmit",
        "POST",
        lambda s: (f"/revisions/{s.D}/resubmit", {}),
        "L    400 404 404 404 404 404 404 404",
    ),
    (
        "review.review_attachment",
        "GET",
        lambda s: (f"/revisions/{s.D}/reviews/{s.attached}/attachment", {}),
        "L    200 404 404 404 404 404 404 404",
    ),
    # The submission pages, now shared with the editors who may see the submission.
    (
        "submissions.detail",
        "GET",
        lambda s: (f"/submissions/{s.S}", {}),
        "L    200 404 404 404 404 200 200 404",
    ),
    (
        "submissions.download_file",
        "GET",
        lambda s: (f"/submissions/{s.S}/files/{s.original}/download", {}),
        "L    200 404 404 404 404 200 200 404",
    ),
    (
        "submissions.download_file",
        "GET",
        lambda s: (f"/submissions/{s.D}/files/{s.attachment_file}/download", {}),
        "L    404 404 404 404 404 200 200 404",
    ),
    (
        "submissions.withdraw",
        "POST",
        lambda s: (f"/submissions/{s.S}/withdraw", {"confirmed": "1"}),
        "L    302 404 404 404 404 403 403 404",
    ),
]


class Scene:
    """S: in review, the reviewer writing (assignment A); N: just submitted; D: revisions
    requested, with a reviewer's attachment released to the author."""


@pytest.fixture
def scene(cast):
    s = Scene()
    sub_s = in_review(cast)
    assignment = accepted(cast, sub_s, cast.reviewer)
    sub_n = submitted(cast, title_vi="Bài mới nộp")
    sub_d = in_review(cast, title_vi="Bài cần sửa")
    from journal.review.reviewers import submit_review

    with_file = accepted(cast, sub_d, cast.reviewer2)
    submit_review(
        with_file,
        cast.reviewer2,
        answers=ANSWERS,
        recommendation="minor_revisions",
        comments_to_author="Xem tệp đính kèm.",
        competing_interests="Không có.",
        attachment=io.BytesIO(plain_docx("Ghi chú chi tiết.")),
        attachment_name="ghi-chu.docx",
    )
    completed(cast, sub_d, cast.unassigned_reviewer)
    decided(cast, sub_d, "minor_revisions")
    s.S, s.N, s.D = sub_s.id, sub_n.id, sub_d.id
    s.A, s.token = assignment.id, invitation_token(assignment)
    s.copy = next(f.id for f in sub_s.files if f.kind == "anonymised_manuscript")
    s.original = sub_s.manuscript.id
    s.attached = with_file.id
    s.attachment_file = with_file.attachment_id
    s.editor_id = cast.province_editor.id
    return s


def state():
    db.session.expire_all()

    def count(model):
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()

    return (
        [
            (s.id, s.stage, s.version, s.round)
            for s in db.session.execute(db.select(Submission).order_by(Submission.id)).scalars()
        ],
        [
            (a.id, a.status, a.version, a.due_at)
            for a in db.session.execute(
                db.select(ReviewAssignment).order_by(ReviewAssignment.id)
            ).scalars()
        ],
        count(Event),
        count(Decision),
        count(SubmissionFile),
    )


def _expected(cells: str) -> list[str]:
    values = cells.split()
    assert len(values) == len(ROLES)
    return values


def test_roles_by_routes(app, cast, scene):
    clients = {}
    for role in ROLES:
        client = (
            app.test_client() if role == "anonymous" else app.test_client(user=getattr(cast, role))
        )
        client.set_cookie("lang", "en")
        clients[role] = client
    before = state()
    failures, cells = [], 0
    for endpoint, method, build, expected in ROWS:
        url, data = build(scene)
        for role, want in zip(ROLES, _expected(expected), strict=True):
            response = clients[role].open(url, method=method, data=data)
            got = str(response.status_code)
            if got == "302" and "/account/login" in response.headers.get("Location", ""):
                got = "L"
            response.close()
            cells += 1
            if got != want:
                failures.append(f"{endpoint} {method} as {role}: expected {want}, got {got}")
    assert failures == [], "\n".join(failures)
    assert cells == len(ROWS) * len(ROLES) == 297
    # The withdraw row moved the author's own submission (and ended its open review):
    # everything else stayed.
    after = state()
    withdrawn = next(row for row in after[0] if row[0] == scene.S)
    assert withdrawn[1] == "withdrawn"
    assert [r for r in after[0] if r[0] != scene.S] == [r for r in before[0] if r[0] != scene.S]
    assert [a[1] for a in after[1] if a[0] == scene.A] == ["cancelled"]
    assert [a for a in after[1] if a[0] != scene.A] == [a for a in before[1] if a[0] != scene.A]
    assert after[2:] == (before[2] + 1, before[3], before[4])


def test_every_review_route_is_in_the_table(app):
    routed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("review.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed <= {(endpoint, method) for endpoint, method, _, _ in ROWS}
