"""The version of record: scheduling and publishing typeset the approved manuscript again
with the final DOI, volume, issue, continuous pages (PDF numbers and labels as in the table
of contents), the publication date in Vietnam time and the citation line on the first page."""

from __future__ import annotations

import io
import subprocess

import pikepdf
from lxml import etree

from journal.dates import local_date
from journal.extensions import db
from journal.publish import issues
from journal.publish.galleys import read_blob
from journal.publish.models import TypesetRun
from journal.publish.production import approve_galley
from journal.publish.records import Article

from ..factories import make_issue, make_ready_submission
from .support import accepted_submission, finished_galley


def _ready(users, tmp_path, typeset_result):
    tmp_path.mkdir()
    submission = accepted_submission(users["author"], tmp_path, stage="production")
    galley = finished_galley(submission, typeset_result, users["editor_in_chief"])
    approve_galley(galley, users["editor_in_chief"])
    return submission


def _page_texts(pdf: bytes) -> list[str]:
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def _record_runs(article) -> list[TypesetRun]:
    return list(
        db.session.execute(
            db.select(TypesetRun).filter_by(article_id=article.id).order_by(TypesetRun.id)
        ).scalars()
    )


def test_scheduling_and_publishing_make_the_version_of_record(
    app, users, tmp_path, typeset_result, xsd_path
):
    eic = users["editor_in_chief"]
    ready = [_ready(users, tmp_path / str(n), typeset_result) for n in (1, 2)]
    approved = {s.id: s.files for s in ready}
    issue = make_issue(4, 2, 2026)

    placed = [issues.schedule_article(s, issue, eic) for s in ready]
    for article in placed:
        db.session.refresh(article)
        runs = _record_runs(article)
        assert [r.status for r in runs] == ["succeeded"], [r.error for r in runs]
        assert article.galley.run.article_id == article.id
        jats = etree.fromstring(read_blob(article.galley.jats_sha256))
        meta = jats.find("front/article-meta")
        assert meta.findtext("article-id[@pub-id-type='doi']") == article.doi
        assert (meta.findtext("volume"), meta.findtext("issue")) == ("4", "2")
        assert meta.find("fpage") is None  # pages come with publication
        assert meta.find("pub-date") is None

    published = issues.publish_issue(issue, eic)
    assert [a.id for a in published] == [a.id for a in placed]
    expected_first = 1
    for article in published:
        db.session.refresh(article)
        runs = _record_runs(article)
        assert [r.status for r in runs] == ["succeeded", "succeeded"], [r.error for r in runs]
        galley = article.galley
        assert galley.run_id == runs[-1].id and galley.approved_at is None
        assert galley.run.source_file_id in {f.id for f in approved[article.submission_id]}
        # pages continuous through the issue, and as many as the PDF has
        assert article.first_page == expected_first
        pdf = read_blob(galley.pdf_sha256)
        pages = _page_texts(pdf)
        assert (
            article.last_page
            == article.first_page + len(pages) - 1
            == (article.first_page + galley.pdf_pages - 1)
        )
        expected_first = article.last_page + 1
        # the PDF's printed numbers and its page labels are the table of contents' pages
        assert [p.split()[-1] for p in pages] == [
            str(n) for n in range(article.first_page, article.last_page + 1)
        ]
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert int(document.Root.PageLabels.Nums[1].St) == article.first_page
        # the JATS: DOI, volume, issue, pages, publication date (Vietnam's day)
        jats = etree.fromstring(read_blob(galley.jats_sha256))
        meta = jats.find("front/article-meta")
        published_on = local_date(article.published_at)
        assert meta.findtext("article-id[@pub-id-type='doi']") == article.doi
        assert meta.findtext("fpage") == str(article.first_page)
        assert meta.findtext("lpage") == str(article.last_page)
        assert meta.find("pub-date").get("iso-8601-date") == published_on.isoformat()
        history = [d.get("iso-8601-date") for d in meta.iterfind("history/date")]
        assert history and all(day <= published_on.isoformat() for day in history)
        # the first page: citation line with the final pages and DOI, the date as in Vietnam
        first = " ".join(pages[0].split())
        assert "Trích dẫn:" in first
        assert f"4(2), {article.first_page}–{article.last_page}" in first
        assert f"https://doi.org/{article.doi}" in first
        assert f"Ngày xuất bản: {published_on:%d/%m/%Y}" in first
        assert "(2026)" in first or f"({published_on.year})" in first


def test_a_failed_version_of_record_keeps_the_approved_galley(app, users, tmp_path):

    eic = users["editor_in_chief"]
    submission = make_ready_submission(users["author"], pages=3)  # no real manuscript
    issue = make_issue(5, 1, 2026)
    article = issues.schedule_article(submission, issue, eic)
    approved = article.galley_version_id
    issues.publish_issue(issue, eic)
    article = db.session.get(Article, article.id)
    assert [r.status for r in _record_runs(article)] == ["failed", "failed"]
    assert article.galley_version_id == approved
    assert (article.first_page, article.last_page) == (1, 3)
