"""Fixtures of the review tests: the cast (authors with ORCID iDs, two reviewers, an
unassigned one)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from journal.extensions import db
from tests.factories import make_user

from .steps import AUTHOR_ORCID, REVIEWER_ORCID


@pytest.fixture(autouse=True)
def outbox_only(request, monkeypatch):
    """Messages stay in the outbox (the tests read them there) unless the test runs the
    real SMTP server: delivering every message writes a file and commits twice, which
    would be most of these tests' time. Delivery itself is tested in test_mail.py."""
    if "smtp_server" in request.fixturenames:
        return
    from journal.review import reviewers, routing, services
    from journal.submissions import services as submission_services

    for module in (reviewers, routing, services, submission_services):
        monkeypatch.setattr(module, "deliver_after_commit", lambda: None)


@pytest.fixture
def cast(app, users):
    """Everyone of the review tests. The author and co-author have ORCID iDs and
    affiliations; reviewers have expertise matching the manuscripts' keywords."""
    author = users["author"]
    author.orcid = AUTHOR_ORCID
    author.affiliation = "Viện Nghiên cứu Nuôi trồng Thủy sản II"
    db.session.commit()
    reviewer = make_user(
        "tung@example.net",
        "Lý Thanh Tùng",
        password=None,
        affiliation="Viện Lúa Đồng bằng sông Cửu Long",
        expertise="chọn giống lúa, salinity",
        orcid=REVIEWER_ORCID,
    )
    reviewer2 = make_user(
        "diem@example.net",
        "Châu Ngọc Diễm",
        password=None,
        affiliation="Trường Đại học Kiên Giang",
        expertise="rice, mangroves",
    )
    unassigned = make_user(
        "tu@example.net", "Mai Văn Tư", password=None, affiliation="Trường Đại học An Giang"
    )
    return SimpleNamespace(
        **users, reviewer=reviewer, reviewer2=reviewer2, unassigned_reviewer=unassigned
    )
