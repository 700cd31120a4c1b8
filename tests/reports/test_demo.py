"""The yearly report of the demo journal (``journal demo``), against counts read from the
demo's code; the page draws its charts and the PDF and CSV download.

Everything of the demo happens when it is loaded, so all its figures fall in this year.
Where the counts come from:

- journal/demo.py submits three manuscripts (Cần Thơ's rice task, Cà Mau's shrimp–mangrove
  task, An Giang's saline-intrusion task); three more stay drafts. It registers seven
  funded tasks: CT 1, CM 2, KG 2, AG 2.
- journal/review/demo.py: six manuscripts through the review services. An Giang: one in
  review (1 review completed), one rejected after 2 reviews; Cà Mau: one in its second
  round after minor revisions (2 reviews in round 1, the re-invitations not answered), one
  with major revisions (2 reviews); Cần Thơ: one accepted after 2 reviews; Kiên Giang: one
  rejected without review.
- journal/publish/production_demo.py: one more Cần Thơ manuscript (task CT.2023-07/ĐT)
  submitted, sent to review and accepted, typeset.
- journal/publish/publishing_demo.py: four manuscripts submitted, sent to review and
  accepted: Cà Mau (CM.2022-03/ĐT), An Giang (AG.2024-02/ĐT), Cần Thơ (no task), Kiên Giang
  (KG.2023-02/ĐT); with the production demo's article they are published in issue 1.
  Nobody is invited to review (the editor-in-chief decides directly), nothing rejected.
- exchange_bridge/demo.py: Cà Mau's published shrimp–mangrove article gets its offer
  approved, a Cà Mau startup is approved, the two reviewers (Cần Thơ and Kiên Giang
  accounts) opt in as experts, and a Cà Mau enterprise's request is matched.

The typesetting engine (pandoc, the JATS schema, WeasyPrint: half a minute for the five
articles) is replaced by one that returns small ready-made galleys: the demo's records and
steps are the same, and no figure depends on the galleys' content.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from pypdf import PdfReader

from journal.accounts.services import user_by_email
from journal.demo import load_demo
from journal.publish import production_job
from journal.publish.typeset.pipeline import Galleys
from journal.reports.periods import current_year
from journal.reports.services import yearly_report

from ..admin.clients import fast_password_hashing  # noqa: F401  (autouse: demo users hash fast)
from ..publish.factories import TINY_HTML, TINY_JATS, TINY_PDF

# figure → (AG, CM, CT, KG, total)
DEMO = {
    "submissions": (4, 4, 4, 2, 14),
    "desk_rejections": (0, 0, 0, 1, 1),
    "acceptances": (1, 1, 3, 1, 6),
    "rejections": (1, 0, 0, 0, 1),
    "acceptance_rate": (0.5, 1.0, 1.0, 0.5, 0.75),
    "reviews_completed": (3, 4, 2, 0, 9),
    "articles_published": (1, 1, 2, 1, 5),
    "tasks_registered": (2, 2, 1, 2, 7),
    "tasks_with_results": (1, 1, 1, 1, 4),
    "technology_offers": (0, 1, 0, 0, 1),
    "startups": (0, 1, 0, 0, 1),
    "experts": (0, 0, 1, 1, 2),
    "requests_matched": (0, 1, 0, 0, 1),
}
CODES = ("AG", "CM", "CT", "KG")
WITHIN_THE_LOADING = 0.01  # days: the demo is made in a few seconds


def _ready_made_galleys(source, source_format, meta, workdir, **_options):
    return Galleys(TINY_JATS, TINY_HTML.decode("utf-8"), TINY_PDF, {})


def test_the_demo_report_shows_the_demo_figures_with_charts_pdf_and_csv(app, login, monkeypatch):
    monkeypatch.setattr(production_job, "typeset", _ready_made_galleys)
    load_demo()
    chief = user_by_email("eic@demo.mekongjournal.vn")
    year = current_year()

    report = yearly_report(chief, year)

    assert [c.code for c in report.columns] == list(CODES)
    for key, expected in DEMO.items():
        assert (*(report.value(key, code) for code in CODES), report.value(key)) == expected, key
    for key in ("days_to_first_decision", "days_to_publication", "reviewer_turnaround"):
        for code in (*CODES, None):
            if (key, code) == ("reviewer_turnaround", "KG"):
                assert report.value(key, code) is None  # no review in Kiên Giang
                continue
            assert 0 <= report.value(key, code) < WITHIN_THE_LOADING, (key, code)

    client = login(chief)
    page = client.get(f"/reports/?year={year}&lang=vi")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for chart in ("chart-by-province", "chart-programme", "chart-trend"):
        assert f'id="{chart}"' in body
    assert "Cà Mau, Công nghệ chào bán được niêm yết: 1" in body

    exported = client.get(f"/reports/export.csv?year={year}").get_data().decode("utf-8-sig")
    rows = {row[1]: row for row in csv.reader(io.StringIO(exported))}
    assert rows["submissions"][4:] == ["4", "4", "4", "2", "14"]
    assert rows["acceptance_rate"][4:] == ["50.0", "100.0", "100.0", "50.0", "75.0"]
    assert rows["experts"][4:] == ["0", "0", "1", "1", "2"]

    pdf = client.get(f"/reports/report.pdf?year={year}")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    text = unicodedata.normalize("NFC", text)
    assert f"Báo cáo số liệu năm {year}" in text and f"Yearly report {year}" in text
    assert "Công nghệ chào bán được niêm yết" in text
