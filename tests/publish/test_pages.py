"""Public pages: home, issue, archive, section, province, the article landing page with its
meta tags, galleys and citations, the tombstone, and conditional GET."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree
from lxml import html as lxml_html

from journal.extensions import db
from journal.publish import issues
from journal.publish.records import Article

from ..factories import make_funded_task
from .factories import make_issue, make_published_article

ORCID = "0000-0002-1825-0097"


@pytest.fixture
def published(app, users, typeset_galleys):
    """An issue with a Vietnamese article (funded task, ORCID, figure) and an English one."""
    issue = make_issue(3, 2, 2025, published=True, title_vi="Số mùa khô", title_en="Dry season")
    task = make_funded_task("CM.2022-03/ĐT", "CM", agency="Sở KH&CN tỉnh Cà Mau")
    vi = make_published_article(
        users["author"],
        issue=issue,
        files=typeset_galleys["vi"],
        first_page=1,
        last_page=9,
        funded_task=task,
    )
    vi.submission.authors[0].orcid = ORCID
    en = make_published_article(
        users["other_author"],
        issue=issue,
        files=typeset_galleys["en"],
        first_page=10,
        last_page=18,
        language="en",
        section="short",
        title_en="Salinity and yield",
        title_vi="Độ mặn và năng suất",
    )
    db.session.commit()
    return {"issue": issue, "vi": vi, "en": en}


def page(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def meta(doc, name):
    return [m.get("content") for m in doc.xpath(f"//meta[@name='{name}']")]


def test_home_shows_the_current_issue_and_latest_articles(client, published):
    response = client.get("/")
    assert response.status_code == 200
    doc = page(response)
    assert doc.xpath("//section[@class='current-issue']//a[contains(@href, '/issues/')]")
    titles = doc.xpath("//section[@class='latest-articles']//h3/a/text()")
    assert "Độ mặn và năng suất" in titles
    assert published["vi"].submission.title_vi in titles
    assert doc.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href") == [
        "/feeds/atom"
    ]
    assert doc.xpath("//ul[@class='provinces']//a/@href")[0].startswith("/provinces/")


def test_issue_toc_groups_by_section_with_both_titles(client, published):
    response = client.get(f"/issues/{published['issue'].id}?lang=en")
    assert response.status_code == 200
    doc = page(response)
    assert [h.text_content() for h in doc.xpath("//section[@class='toc-section']/h2")] == [
        "Research articles",
        "Short communications",
    ]
    first = doc.xpath("//li[@class='article-item']")[0]
    assert first.xpath(".//p[@class='trans-title']/@lang") == ["vi"]
    assert "pp. 1–9" in first.text_content()
    feeds = doc.xpath("//link[@rel='alternate']/@href")
    assert f"/feeds/issue/{published['issue'].id}/atom" in feeds
    assert f"/feeds/issue/{published['issue'].id}/rss" in feeds


def test_unknown_or_unpublished_issue_is_404(client, app):
    hidden = make_issue(7, 7, 2025)
    assert client.get(f"/issues/{hidden.id}").status_code == 404
    assert client.get("/issues/999999").status_code == 404


def test_archive_section_and_province_pages(client, published):
    doc = page(client.get("/archive"))
    assert doc.xpath("//section[@id='y2025']//a/@href") == [f"/issues/{published['issue'].id}"]
    section = client.get("/sections/short")
    assert section.status_code == 200 and "Độ mặn và năng suất" in section.get_data(as_text=True)
    assert "/feeds/section/short/atom" in page(section).xpath("//link[@rel='alternate']/@href")
    # Cà Mau: the funded task's province (the article was routed to Cần Thơ)
    cm = client.get("/provinces/CM")
    assert published["vi"].submission.title_vi in cm.get_data(as_text=True)
    assert "Độ mặn và năng suất" not in cm.get_data(as_text=True)
    assert client.get("/provinces/ZZ").status_code == 404
    assert "no province" in client.get("/provinces/%3Cscript%3E?lang=en").get_data(as_text=True)
    assert client.get("/sections/nope").status_code == 404


def test_landing_page_metadata(client, published, app):
    app.config.update(ISSN_ONLINE="2049-3630")
    article = published["vi"]
    response = client.get(f"/articles/{article.id}")
    assert response.status_code == 200
    doc = page(response)
    base = "https://journal.example.org"
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"{base}/articles/{article.id}"]
    assert meta(doc, "citation_title") == [article.submission.title_vi]
    assert meta(doc, "citation_author") == ["Nguyễn Văn An"]
    assert meta(doc, "citation_author_institution") == ["Đại học Cần Thơ"]
    assert meta(doc, "citation_author_orcid") == [f"https://orcid.org/{ORCID}"]
    assert meta(doc, "citation_journal_title") == [app.config["JOURNAL_TITLE_VI"]]
    assert meta(doc, "citation_issn") == ["2049-3630"]
    assert (meta(doc, "citation_volume"), meta(doc, "citation_issue")) == (["3"], ["2"])
    assert (meta(doc, "citation_firstpage"), meta(doc, "citation_lastpage")) == (["1"], ["9"])
    assert meta(doc, "citation_doi") == [article.doi]
    assert meta(doc, "citation_pdf_url") == [f"{base}/articles/{article.id}/pdf"]
    assert meta(doc, "citation_fulltext_html_url") == [f"{base}/articles/{article.id}"]
    assert meta(doc, "citation_abstract_html_url") == [f"{base}/articles/{article.id}"]
    assert meta(doc, "citation_keywords") == ["lúa; chịu mặn; đồng bằng sông Cửu Long"]
    assert meta(doc, "citation_language") == ["vi"]
    assert meta(doc, "citation_publisher") == [app.config["JOURNAL_PUBLISHER"]]
    assert meta(doc, "citation_publication_date")[0] == article.published_at.strftime("%Y/%m/%d")
    references = meta(doc, "citation_reference")
    assert len(references) == 2 and any("Rice in the delta" in r for r in references)
    assert [(m.get("lang"), m.get("content")) for m in doc.xpath("//meta[@name='DC.title']")] == [
        ("vi", article.submission.title_vi),
        ("en", article.submission.title_en),
    ]
    assert f"https://doi.org/{article.doi}" in meta(doc, "DC.identifier")
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["@type"] == "ScholarlyArticle" and ld["identifier"]["value"] == article.doi
    assert ld["author"][0]["sameAs"] == f"https://orcid.org/{ORCID}"
    assert ld["isPartOf"]["isPartOf"]["volumeNumber"] == "3"
    assert ld["funding"]["identifier"] == "CM.2022-03/ĐT"
    assert (ld["pageStart"], ld["pageEnd"]) == ("1", "9")
    # the CSP still forbids every inline script: the JSON-LD block is data, never executed
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_landing_page_content(client, published, typeset_galleys):
    article = published["vi"]
    doc = page(client.get(f"/articles/{article.id}?lang=en"))
    titles = doc.xpath("//div[contains(@class, 'titles')]/*")
    assert [(t.tag, t.get("lang")) for t in titles] == [("h1", "vi"), ("p", "en")]
    abstracts = doc.xpath("//section[@class='abstract']")
    assert [a.get("lang") for a in abstracts] == ["vi", "en"]
    assert "Tóm tắt" in abstracts[0].text_content() and "Abstract" in abstracts[1].text_content()
    assert doc.xpath("//a[@class='orcid']/@href") == [f"https://orcid.org/{ORCID}"]
    facts = doc.xpath("//dl[@class='article-facts']")[0].text_content()
    assert "CM.2022-03/ĐT" in facts and f"https://doi.org/{article.doi}" in facts
    assert doc.xpath("//a[@rel='license']/@href") == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    links = doc.xpath("//ul[@class='galleys']//a/@href")
    assert f"/articles/{article.id}/pdf" in links and f"/articles/{article.id}/jats.xml" in links
    full = doc.xpath("//section[@id='full-text']")[0]
    assert full.xpath(".//table") and full.xpath(".//math")
    images = full.xpath(".//img/@src")
    (figure,) = typeset_galleys["vi"].media
    assert images == [f"/articles/{article.id}/media/{figure}"]
    assert not full.xpath(".//script") and not doc.xpath("//script[not(@type)]")
    citation = doc.xpath("//p[@class='citation']")[0].text_content()
    assert citation.startswith("Nguyễn, V. A. (2025).") and "3(2), 1–9" in citation


def test_galleys_and_media_are_served(client, published, typeset_galleys):
    article = published["vi"]
    pdf = client.get(f"/articles/{article.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == typeset_galleys["vi"].pdf
    jats = client.get(f"/articles/{article.id}/jats.xml")
    assert jats.mimetype == "application/xml"
    served, stored = etree.fromstring(jats.data), etree.fromstring(typeset_galleys["vi"].jats)
    assert etree.tostring(served) == etree.tostring(stored)  # only its corresponding author's
    assert served.findtext(".//contrib[@corresp='yes']/email")  # e-mail, which it keeps
    (figure,) = typeset_galleys["vi"].media
    image = client.get(f"/articles/{article.id}/media/{figure}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert client.get(f"/articles/{article.id}/media/other.png").status_code == 404
    assert client.get(f"/articles/{article.id}/media/..%2Fsecret").status_code == 404


def test_citation_downloads(client, published):
    article = published["vi"]
    bib = client.get(f"/articles/{article.id}/cite.bib")
    assert bib.status_code == 200 and bib.mimetype == "application/x-bibtex"
    text = bib.get_data(as_text=True)
    assert text.startswith(f"@article{{mdj2025_{article.id},")
    assert "author = {Nguyễn, Văn An}" in text and "pages = {1--9}" in text
    assert f"doi = {{{article.doi}}}" in text
    ris = client.get(f"/articles/{article.id}/cite.ris").get_data(as_text=True)
    assert ris.startswith("TY  - JOUR\r\n") and ris.endswith("ER  - \r\n")
    assert "AU  - Nguyễn, Văn An\r\n" in ris and "SP  - 1\r\nEP  - 9\r\n" in ris
    assert client.get(f"/articles/{article.id}/cite.exe").status_code == 404


def test_hostile_title_stays_text_everywhere(client, app, users):
    hostile = '</title><script>alert(1)</script>"} @misc{x, %'
    article = make_published_article(users["author"], title_vi=hostile)
    body = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in body
    doc = lxml_html.fromstring(body)
    assert meta(doc, "citation_title") == [hostile]
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["name"] == hostile
    assert "</script>" not in doc.xpath("//script[@type='application/ld+json']/text()")[0]
    bib = client.get(f"/articles/{article.id}/cite.bib").get_data(as_text=True)
    assert r"\}" in bib and r"\%" in bib and "{</title>" in bib
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")


def test_tombstone_keeps_the_citation(client, app, users):
    article = make_published_article(users["author"])
    issues.unpublish_article(article, users["editor_in_chief"], "Vi phạm đạo đức xuất bản.")
    response = client.get(f"/articles/{article.id}")
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "Vi phạm đạo đức xuất bản." in text and f"https://doi.org/{article.doi}" in text
    assert article.submission.title_vi in text
    for suffix in ("pdf", "jats.xml"):
        assert client.get(f"/articles/{article.id}/{suffix}").status_code == 410
    assert client.get(f"/articles/{article.id}/cite.ris").status_code == 200
    scheduled = db.session.execute(db.select(Article).where(Article.id == article.id)).scalar_one()
    assert scheduled.doi == article.doi


def test_an_article_not_yet_published_is_404(client, app, users):
    from .factories import make_ready_submission

    submission = make_ready_submission(users["author"])
    article = issues.schedule_article(submission, make_issue(), users["editor_in_chief"])
    assert client.get(f"/articles/{article.id}").status_code == 404
    assert client.get(f"/articles/{article.id}/pdf").status_code == 404


PUBLIC_PAGES = ["/", "/archive", "/sections/research", "/provinces/CT", "ISSUE", "ARTICLE"]


def test_conditional_get(client, published):
    for year, path in enumerate(PUBLIC_PAGES, start=2030):
        _check_conditional_get(client, published, path, year)


def _check_conditional_get(client, published, path, year):
    path = path.replace("ISSUE", f"/issues/{published['issue'].id}")
    path = path.replace("ARTICLE", f"/articles/{published['vi'].id}")
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    # another language is another representation
    other = client.get(
        path + ("&" if "?" in path else "?") + "lang=en",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert other.status_code == 200
    # any change to the published record changes the validators
    published["en"].updated_at = published["en"].updated_at.replace(year=year)
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_signed_in_readers_get_no_validators(login, published, users):
    response = login(users["author"]).get("/")
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


def test_robots_and_sitemap(client, published):
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /editorial/" in robots
    assert "Sitemap: https://journal.example.org/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap.get_data(as_text=True))
    base = "https://journal.example.org"
    assert f"{base}/articles/{published['vi'].id}" in locs
    assert f"{base}/issues/{published['issue'].id}" in locs
    assert f"{base}/provinces/CT" in locs and f"{base}/sections/research" in locs


def _disallowed(robots: str) -> list[str]:
    return [
        line.split(":", 1)[1].strip()
        for line in robots.splitlines()
        if line.startswith("Disallow:")
    ]


def test_robots_names_the_paths_the_site_uses(app, client):
    """Each Disallow is the start of a real route, and every page an anonymous reader is
    sent away from (to the login, or refused) is under one."""
    disallowed = _disallowed(client.get("/robots.txt").get_data(as_text=True))
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    for path in disallowed:
        assert any(r.rule.startswith(path) or r.rule + "/" == path for r in rules), path
    for rule in rules:
        if rule.arguments or rule.endpoint in ("static", "web.home"):
            continue
        response = client.get(rule.rule)
        login = response.status_code in (301, 302, 303) and "/account/login" in response.location
        if login or response.status_code in (401, 403):
            assert any(rule.rule.startswith(p) for p in disallowed), rule.rule
    for public in ("/", "/articles/", "/issues/", "/feeds/", "/technologies/", "/oai"):
        assert not any(public.startswith(p) for p in disallowed), public


def test_the_public_jats_has_the_corresponding_authors_email_only(app):
    from types import SimpleNamespace

    from journal.publish import galleys
    from journal.storage import file_store

    jats = b"""<article><front><article-meta><contrib-group>
<contrib contrib-type="author" corresp="yes"><name><surname>A</surname></name>
<email>a@example.org</email></contrib>
<contrib contrib-type="author"><name><surname>B</surname></name><email>b@example.org</email>
<xref ref-type="corresp" rid="cor2">*</xref></contrib>
<contrib contrib-type="author"><name><surname>C</surname></name><email>c@example.org</email>
</contrib></contrib-group><author-notes><corresp id="cor1">A: <email>a@example.org</email>
</corresp></author-notes></article-meta></front></article>"""
    galley = SimpleNamespace(jats_sha256=file_store().put_bytes(jats).sha256)

    public = galleys.public_jats(galley)

    assert b"a@example.org" in public and b"b@example.org" in public
    assert b"c@example.org" not in public
    assert public.count(b"<email>") == 3  # A's twice (contrib, corresp note), B's once
