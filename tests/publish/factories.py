"""Factories for published articles, without running pandoc in each test.

``GalleyFiles`` are the bytes of a typeset article: the session fixture ``typeset_galleys``
(tests/publish/conftest.py) makes real ones once per session with the pipeline on a short
Markdown manuscript; ``TINY_GALLEY`` is a fixed, small, valid set for tests where only the
files' presence matters (lists, page numbers, query counts).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from journal.extensions import db
from journal.models_base import utcnow
from journal.provinces import province_by_code
from journal.publish.models import GalleyVersion, TypesetRun
from journal.publish.records import Article, DoiDeposit, Issue
from journal.storage import file_store
from journal.submissions.models import Section, SubmissionAuthor, SubmissionFile

from ..factories import make_submission, make_user


@dataclass(frozen=True)
class GalleyFiles:
    jats: bytes
    html: bytes
    pdf: bytes
    media: dict[str, bytes] = field(default_factory=dict)
    pdf_pages: int = 1


TINY_JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article"
 dtd-version="1.3" xml:lang="vi"><front><journal-meta><journal-id>mdjst</journal-id>
<issn>2049-3630</issn></journal-meta><article-meta><title-group><article-title>Bài
</article-title></title-group></article-meta></front><body><p>Nội dung.</p></body>
<back><ref-list><ref id="r1"><mixed-citation>Smith, J. (2020). Rice in the delta.
<pub-id pub-id-type="doi">10.5555/jag.2020.3</pub-id></mixed-citation></ref></ref-list></back>
</article>
""".encode()
TINY_HTML = (
    b'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>B</title></head><body>'
    b'<article class="galley"><div class="article-body" lang="vi"><p>N\xe1\xbb\x99i dung.</p>'
    b"</div></article></body></html>"
)
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TINY_GALLEY = GalleyFiles(TINY_JATS, TINY_HTML, TINY_PDF, {}, 1)


_STORED: dict[tuple[str, int], dict] = {}


def store_galley(files: GalleyFiles) -> dict:
    """Put the galley's files in the test's file store (once per store and galley)."""
    store = file_store()
    key = (str(store.root), id(files))
    if key in _STORED and store.exists(_STORED[key]["pdf_sha256"]):
        return _STORED[key]
    _STORED[key] = {
        "jats_sha256": store.put_bytes(files.jats).sha256,
        "html_sha256": store.put_bytes(files.html).sha256,
        "pdf_sha256": store.put_bytes(files.pdf).sha256,
        "media": {name: store.put_bytes(data).sha256 for name, data in files.media.items()},
    }
    return _STORED[key]


_OWNERS = itertools.count(1)


def _owner(owner):
    if owner is not None:
        return owner
    return make_user(f"writer{next(_OWNERS)}@example.org", "Nguyễn Văn An", password=None)


def add_galley(
    submission,
    files: GalleyFiles = TINY_GALLEY,
    *,
    pages: int | None = None,
    approved: bool = True,
    stored: dict | None = None,
) -> GalleyVersion:
    """A successful typesetting run and its galley version (approved by default)."""
    manuscript = SubmissionFile(
        submission_id=submission.id,
        kind="manuscript",
        original_name="bai-bao.md",
        media_type="text/markdown",
        size=len(files.jats),
        sha256="0" * 64,
    )
    db.session.add(manuscript)
    db.session.flush()
    now = utcnow()
    run = TypesetRun(
        submission_id=submission.id,
        source_file_id=manuscript.id,
        status="succeeded",
        stage="pdf",
        started_at=now,
        finished_at=now,
    )
    db.session.add(run)
    db.session.flush()
    number = (
        db.session.execute(
            db.select(db.func.max(GalleyVersion.number)).filter_by(submission_id=submission.id)
        ).scalar()
        or 0
    ) + 1
    galley = GalleyVersion(
        submission_id=submission.id,
        run_id=run.id,
        number=number,
        pdf_pages=files.pdf_pages if pages is None else pages,
        approved_at=now if approved else None,
        **(stored or store_galley(files)),
    )
    db.session.add(galley)
    db.session.commit()
    return galley


def make_ready_submission(
    owner=None,
    *,
    files: GalleyFiles = TINY_GALLEY,
    pages=None,
    approved=True,
    section="research",
    province="CT",
    **kwargs,
):
    """A submission in production with an approved galley: ready to schedule or publish."""
    section_row = db.session.execute(db.select(Section).filter_by(code=section)).scalar_one()
    submission = make_submission(
        _owner(owner),
        stage="production",
        section=section_row,
        province=province_by_code(province),
        **kwargs,
    )
    add_galley(submission, files, pages=pages, approved=approved)
    return submission


def make_issue(volume=1, number=1, year=2025, *, published=False, **kwargs) -> Issue:
    issue = Issue(volume=volume, number=number, year=year, **kwargs)
    if published:
        issue.published_at = utcnow()
    db.session.add(issue)
    db.session.commit()
    return issue


def make_published_article(
    owner=None,
    *,
    issue: Issue | None = None,
    files=TINY_GALLEY,
    when=None,
    first_page=None,
    last_page=None,
    stored=None,
    section="research",
    province="CT",
    doi=None,
    commit=True,
    **kwargs,
) -> Article:
    """A published article made directly (no services): stage ``published``, an approved
    galley, a pending DOI deposit."""
    section_row = db.session.execute(db.select(Section).filter_by(code=section)).scalar_one()
    submission = make_submission(
        _owner(owner),
        stage="published",
        section=section_row,
        province=province_by_code(province),
        **kwargs,
    )
    galley = add_galley(submission, files, stored=stored)
    when = when or utcnow()
    article = Article(
        submission_id=submission.id,
        doi=doi or f"10.99999/test.{submission.id:05d}",
        issue=issue,
        position=submission.id,
        galley_version_id=galley.id,
        first_page=first_page,
        last_page=last_page,
        scheduled_at=when - timedelta(days=1),
        published_at=when,
        updated_at=when,
    )
    db.session.add(article)
    db.session.flush()
    db.session.add(DoiDeposit(article_id=article.id, doi=article.doi, status="pending"))
    if commit:
        db.session.commit()
    return article


def make_big_issue(count: int, *, volume=9, number=1, year=2025) -> Issue:
    """A published issue of ``count`` articles in two sections, each with three authors
    (tiny galleys stored once, rows added in bulk)."""
    from journal.accounts.models import User
    from journal.submissions.models import Submission

    issue = make_issue(volume, number, year, published=True, title_vi="Số lớn", title_en="Big")
    stored = store_galley(TINY_GALLEY)
    owner = make_user(f"bulk{volume}.{number}@example.org", "Lê Thị Hạnh", password=None)
    owner = db.session.get(User, owner.id)
    sections = list(db.session.execute(db.select(Section).order_by(Section.position)).scalars())
    now = utcnow()
    for i in range(count):
        section = sections[i % 2]
        submission = Submission(
            owner_id=owner.id,
            stage="published",
            section_id=section.id,
            language="vi" if i % 3 else "en",
            title_vi=f"Bài báo số {i + 1} về lúa chịu mặn",
            title_en=f"Article {i + 1} on salt-tolerant rice",
            abstract_vi="Tóm tắt.",
            abstract_en="Abstract.",
            keywords_vi="lúa",
            keywords_en="rice",
            province_id=province_by_code("CT").id,
            submitted_at=now,
        )
        for position, name in enumerate(("Nguyễn Văn A", "Trần Thị B", "John Smith"), start=1):
            submission.authors.append(
                SubmissionAuthor(position=position, full_name=name, email="", affiliation="ĐHCT")
            )
        db.session.add(submission)
        db.session.flush()
        manuscript = SubmissionFile(
            submission_id=submission.id,
            kind="manuscript",
            original_name="m.md",
            media_type="text/markdown",
            size=1,
            sha256="0" * 64,
        )
        db.session.add(manuscript)
        db.session.flush()
        run = TypesetRun(
            submission_id=submission.id, source_file_id=manuscript.id, status="succeeded"
        )
        db.session.add(run)
        db.session.flush()
        galley = GalleyVersion(
            submission_id=submission.id,
            run_id=run.id,
            number=1,
            pdf_pages=4,
            approved_at=now,
            **stored,
        )
        db.session.add(galley)
        db.session.flush()
        db.session.add(
            Article(
                submission_id=submission.id,
                doi=f"10.99999/big.{submission.id:05d}",
                issue_id=issue.id,
                position=i + 1,
                galley_version_id=galley.id,
                first_page=4 * i + 1,
                last_page=4 * i + 4,
                published_at=now,
                updated_at=now,
            )
        )
    db.session.commit()
    return issue
