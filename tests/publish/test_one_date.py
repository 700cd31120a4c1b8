"""One date and one year for each article everywhere: published at 20:30 UTC on 31 December
2025, which is 1 January 2026 in Vietnam, the article says 2026-01-01 / 2026 on its page, in
Highwire, Dublin Core and JSON-LD, BibTeX and RIS, OAI-PMH (date and source), Crossref, DOAJ,
and in the version of record's JATS and PDF front matter."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from lxml import etree
from lxml import html as lxml_html

from journal.extensions import db
from journal.publish.crossref_adapter import doaj_export, export_issue
from journal.publish.typeset import enrich
from journal.publish.typeset.htmlgalley import read_front
from journal.publish.version_of_record import record_meta

from .factories import make_issue, make_published_article

MOMENT = datetime(2025, 12, 31, 20, 30, tzinfo=UTC)
DAY = date(2026, 1, 1)


@pytest.fixture
def article(app, users, typeset_galleys):
    app.config.update(ISSN_ONLINE="2049-3630")
    issue = make_issue(4, 1, 2026)
    issue.published_at = MOMENT
    article = make_published_article(
        users["author"],
        issue=issue,
        files=typeset_galleys["vi"],
        when=MOMENT,
        first_page=1,
        last_page=9,
    )
    article.submission.submitted_at = datetime(2025, 9, 1, 3, 0, tzinfo=UTC)
    db.session.commit()
    return article


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def test_one_date_and_year_everywhere(client, article):
    assert article.published_on == DAY and article.year == 2026
    seen: dict[str, str] = {}

    page = lxml_html.fromstring(client.get(f"/articles/{article.id}").get_data(as_text=True))

    def meta(name):
        return page.xpath(f"//meta[@name='{name}']/@content")

    received, published = page.xpath("//dl[@class='article-facts']//time/@datetime")
    assert received <= published
    seen["page"] = published
    seen["highwire"] = meta("citation_publication_date")[0].replace("/", "-")
    seen["highwire online"] = meta("citation_online_date")[0].replace("/", "-")
    seen["dublin core"] = meta("DC.date")[0]
    ld = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    seen["json-ld"] = ld["datePublished"]
    seen["json-ld issue"] = ld["isPartOf"]["datePublished"]

    bib = client.get(f"/articles/{article.id}/cite.bib").get_data(as_text=True)
    ris = client.get(f"/articles/{article.id}/cite.ris").get_data(as_text=True)
    assert "year = {2026}" in bib and f"@article{{mdj2026_{article.id}," in bib
    assert "PY  - 2026\r\n" in ris
    seen["ris"] = next(
        line[6:].replace("/", "-") for line in ris.split("\r\n") if line.startswith("DA  - ")
    )

    oai = _xml(
        client.get(
            "/oai",
            query_string={
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": f"oai:journal.example.org:article/{article.id}",
            },
        ).data
    )
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    seen["oai"] = oai.xpath("//dc:date/text()", namespaces=dc)[0]
    assert "(2026)" in oai.xpath("//dc:source/text()", namespaces=dc)[0]

    crossref = _xml(export_issue(article.issue))
    ns = {"c": crossref.nsmap[None]}
    for where, path in (
        ("crossref", "//c:journal_article/c:publication_date"),
        ("crossref issue", "//c:journal_issue/c:publication_date"),
    ):
        node = crossref.xpath(path, namespaces=ns)[0]
        parts = [node.findtext(f"{{{ns['c']}}}{p}") for p in ("year", "month", "day")]
        seen[where] = "-".join(p.zfill(2) for p in parts)
    doaj = _xml(doaj_export(article.issue))
    seen["doaj"] = doaj.findtext(".//publicationDate")

    # what the version of record's JATS and PDF front matter are made from
    jats = enrich(
        etree.fromstring("<article><body><p>x</p></body></article>"), record_meta(article, 1, 9)
    )
    seen["jats"] = jats.find("front/article-meta/pub-date").get("iso-8601-date")
    assert jats.findtext("front/article-meta/permissions/copyright-year") == "2026"
    front = read_front(jats)
    assert ("published", "2026-01-01", "01/01/2026") in front.dates
    assert front.year == "2026" and "(2026)" in front.citation

    assert seen == dict.fromkeys(seen, "2026-01-01"), seen
