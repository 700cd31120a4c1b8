"""The anonymity crawlers.

A reviewer logs in, visits every page and downloads every file they can reach by
following links (in both languages), and every e-mail sent to them is read: no author's
name (either order, with or without diacritics), e-mail address, ORCID iD or affiliation
appears anywhere. The same for the author against the reviewers' identities.

The scene has two rounds: round 1 reviewed by both reviewers (one with an attachment made
in a word processor that recorded their identity), a major-revisions decision, the revised
manuscript and the response letter, round 2 sent, one reviewer done again and the other
invited again; reminders and decisions have gone out by e-mail over a real SMTP server.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from journal.extensions import db
from journal.review.anonymise import fold
from journal.review.reviewers import (
    accept_invitation,
    reinvite_reviewers,
    send_reminders,
    submit_review,
)

from .documents import identity_docx
from .steps import (
    ANSWERS,
    AUTHOR_ORCID,
    COAUTHOR_ORCID,
    REVIEWER_ORCID,
    accepted,
    decided,
    in_review,
    revised,
)

SKIP_PREFIXES = ("/static/",)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def identity_patterns(people) -> dict[str, re.Pattern]:
    """What must never appear: each name (both orders), e-mail, ORCID, affiliation."""
    patterns = {}
    for name, email, orcid, affiliation in people:
        tokens = fold(name).split()
        for order in (tokens, tokens[1:] + tokens[:1]):
            patterns[f"name {' '.join(order)}"] = re.compile(r"[\W_]+".join(map(re.escape, order)))
        patterns[f"email {email}"] = re.compile(re.escape(fold(email)))
        if orcid:
            digits = orcid.rsplit("/", 1)[-1].replace("-", "")
            groups = [digits[i : i + 4] for i in range(0, 16, 4)]
            patterns[f"orcid {orcid}"] = re.compile(r"\W?".join(groups))
        if affiliation:
            patterns[f"affiliation {affiliation}"] = re.compile(re.escape(fold(affiliation)))
    return patterns


def file_text(body: bytes) -> str:
    if body[:4] == b"PK\x03\x04":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return "\n".join(
            [
                *archive.namelist(),
                *(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()),
            ]
        )
    return body.decode("utf-8", "replace")


def crawl(client, starts) -> tuple[dict[str, str], dict[str, str]]:
    """Every page and file reachable from ``starts`` by links: {url: text}."""
    pages, files, queue, seen = {}, {}, deque(starts), set(starts)
    while queue:
        url = queue.popleft()
        response = client.get(url)
        body = response.get_data()
        response.close()
        assert response.status_code < 500, url
        if response.status_code in (301, 302, 303):
            target = response.headers["Location"]
            target = re.sub(r"^https?://[^/]+", "", target)
            if target.startswith("/") and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        disposition = response.headers.get("Content-Disposition", "")
        if disposition.startswith("attachment"):
            files[url] = disposition + "\n" + file_text(body)
            continue
        text = body.decode("utf-8", "replace")
        pages[url] = text
        if "html" not in response.headers.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(text)
        for href in parser.hrefs:
            href = href.split("#", 1)[0]
            if not href.startswith("/") or href.startswith("//") or href.startswith(SKIP_PREFIXES):
                continue
            if href not in seen:
                seen.add(href)
                queue.append(href)
    return pages, files


def leaks(texts: dict[str, str], patterns: dict[str, re.Pattern]) -> list[str]:
    found = []
    for where, text in texts.items():
        folded = fold(text)
        found.extend(f"{what} in {where}" for what, p in patterns.items() if p.search(folded))
    return found


@pytest.fixture
def two_rounds(cast, mail_app, smtp_server):
    reviewer, reviewer2 = cast.reviewer, cast.reviewer2
    reviewer2.orcid = "https://orcid.org/0000-0002-1111-2222"
    db.session.commit()
    submission = in_review(cast)
    first = accepted(cast, submission, reviewer)
    second = accepted(cast, submission, reviewer2)
    submit_review(
        first,
        reviewer,
        answers=ANSWERS,
        recommendation="major_revisions",
        comments_to_author="Cần bổ sung số liệu năm 2024.",
        comments_to_editor="Tôi quen nhóm nghiên cứu này? Không.",
        competing_interests="Không có.",
    )
    submit_review(
        second,
        reviewer2,
        answers=ANSWERS,
        recommendation="minor_revisions",
        comments_to_author="Xem nhận xét chi tiết trong tệp đính kèm.",
        competing_interests="Không có.",
        attachment=io.BytesIO(
            identity_docx(
                reviewer2.full_name, reviewer2.email, reviewer2.orcid, company=reviewer2.affiliation
            )
        ),
        attachment_name="Chau Ngoc Diem - nhan xet.docx",
    )
    decided(cast, submission, "major_revisions")
    revised(cast, submission)
    in_review(cast, submission)
    again = {a.reviewer_id: a for a in reinvite_reviewers(submission, cast.province_editor)}
    accept_invitation(again[reviewer.id], reviewer)
    submit_review(
        again[reviewer.id],
        reviewer,
        answers=ANSWERS,
        recommendation="accept",
        comments_to_author="Bản sửa đã đáp ứng góp ý.",
        competing_interests="Không có.",
    )
    send_reminders(again[reviewer2.id].response_due_at + timedelta(hours=1))
    return submission


def test_a_reviewer_never_meets_an_authors_identity(cast, app, smtp_server, two_rounds, capsys):
    authors = [
        (cast.author.full_name, cast.author.email, AUTHOR_ORCID, cast.author.affiliation),
        ("Trương Minh Khoa", "khoa@example.org", COAUTHOR_ORCID, "Trường Đại học Trà Vinh"),
    ]
    patterns = identity_patterns(authors)
    totals = {"pages": 0, "files": 0, "emails": 0}
    for reviewer in (cast.reviewer, cast.reviewer2):
        client = app.test_client(user=reviewer)
        pages, files = crawl(client, ["/", "/reviews/", "/?lang=en", "/reviews/?lang=en"])
        if reviewer is cast.reviewer2:  # invited again to round 2, not answered yet
            assert any(url.startswith("/reviews/invitations/") for url in pages)
        mails = {
            f"mail {i} {m['Subject']}": m["Subject"] + "\n" + m.get_content()
            for i, m in enumerate(smtp_server.messages)
            if m["To"] == reviewer.email
        }
        assert any("/reviews/" in url for url in pages)
        names = " ".join(text.split("\n", 1)[0] for text in files.values())
        sid = two_rounds.id
        expected = (
            [f"manuscript-{sid}-r1.docx", f"manuscript-{sid}-r2.docx", f"response-letter-{sid}-r2"]
            if reviewer is cast.reviewer
            else [f"manuscript-{sid}-r1.docx", f"review-{sid}-r1-"]  # round 2 not accepted
        )
        for copy in expected:
            assert copy in names
        if reviewer is cast.reviewer2:
            assert f"manuscript-{sid}-r2.docx" not in names
        assert len(mails) >= 2
        assert leaks(pages, patterns) == []
        assert leaks(files, patterns) == []
        assert leaks(mails, patterns) == []
        totals["pages"] += len(pages)
        totals["files"] += len(files)
        totals["emails"] += len(mails)
    with capsys.disabled():
        print(f"\nreviewer crawl: {totals}")
    assert totals["files"] >= 5
    assert totals["emails"] >= 6


def test_an_author_never_meets_a_reviewers_identity(cast, app, smtp_server, two_rounds, capsys):
    reviewers = [
        (cast.reviewer.full_name, cast.reviewer.email, REVIEWER_ORCID, cast.reviewer.affiliation),
        (
            cast.reviewer2.full_name,
            cast.reviewer2.email,
            cast.reviewer2.orcid,
            cast.reviewer2.affiliation,
        ),
    ]
    patterns = identity_patterns(reviewers)
    client = app.test_client(user=cast.author)
    sid = two_rounds.id
    starts = ["/", "/submissions/", f"/revisions/{sid}", "/?lang=en", f"/revisions/{sid}?lang=en"]
    pages, files = crawl(client, starts)
    mails = {
        f"mail {i} {m['To']} {m['Subject']}": m["Subject"] + "\n" + m.get_content()
        for i, m in enumerate(smtp_server.messages)
        if m["To"] in (cast.author.email, "khoa@example.org")
    }
    assert any(url.endswith("/attachment") for url in files)  # the reviewer's file, scrubbed
    assert any("Cần bổ sung số liệu năm 2024." in text for text in pages.values())
    assert leaks(pages, patterns) == []
    assert leaks(files, patterns) == []
    assert leaks(mails, patterns) == []
    with capsys.disabled():
        print(f"\nauthor crawl: pages {len(pages)}, files {len(files)}, e-mails {len(mails)}")
    assert len(mails) >= 3


def test_the_crawler_would_see_a_leak(cast):
    """The check itself: a page with the author's name without diacritics is caught."""
    patterns = identity_patterns([(cast.author.full_name, cast.author.email, AUTHOR_ORCID, "")])
    assert leaks({"p": "… Van An NGUYEN …"}, patterns) == ["name van an nguyen in p"]
    assert leaks({"p": "0000 0002 7777 8887"}, patterns) == [f"orcid {AUTHOR_ORCID} in p"]
