"""Atom and RSS feeds (parsed with feedparser) and the widget for provincial sites."""

from __future__ import annotations

import feedparser
import pytest
from lxml import html as lxml_html

from journal.extensions import db
from journal.publish import issues

from ..factories import make_funded_task
from .factories import make_issue, make_published_article


@pytest.fixture
def articles(app, users):
    issue = make_issue(4, 1, 2025, published=True)
    task = make_funded_task("KG.2023-02/ĐT", "KG")
    made = {
        "ct": make_published_article(
            users["author"],
            issue=issue,
            first_page=1,
            last_page=4,
            abstract_vi="Đoạn một.\n\nĐoạn hai.",
            abstract_en="Paragraph one.",
        ),
        "kg": make_published_article(
            users["author"],
            funded_task=task,
            section="short",
            title_vi="Nguồn lợi hải sản Kiên Giang",
            title_en="Kien Giang fisheries",
        ),
        "gone": make_published_article(users["author"], title_vi="Bài bị gỡ"),
    }
    issues.unpublish_article(made["gone"], users["editor_in_chief"], "Trùng lặp.")
    made["issue"] = issue
    return made


def parse(response):
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_all_articles_feed(client, articles, fmt):
    response = client.get(f"/feeds/{fmt}")
    assert response.mimetype == f"application/{fmt}+xml"
    feed = parse(response)
    assert feed.version == ("atom10" if fmt == "atom" else "rss20")
    ids = [e.id for e in feed.entries]
    kg, ct = articles["kg"], articles["ct"]
    assert set(ids) == {f"https://doi.org/{kg.doi}", f"https://doi.org/{ct.doi}"}
    entry = next(e for e in feed.entries if e.id == f"https://doi.org/{kg.doi}")
    assert entry.title == "Nguồn lợi hải sản Kiên Giang / Kien Giang fisheries"
    assert entry.link == f"https://journal.example.org/articles/{kg.id}"
    ct_entry = next(e for e in feed.entries if e.id == f"https://doi.org/{ct.doi}")
    summary = lxml_html.fragment_fromstring(ct_entry.summary, create_parent="div")
    assert [d.get("lang") for d in summary.xpath("./div")] == ["vi", "en"]
    assert [p.text for p in summary.xpath("./div[@lang='vi']/p")] == ["Đoạn một.", "Đoạn hai."]


def test_english_first_and_stable_ids(client, articles):
    feed = parse(client.get("/feeds/atom?lang=en"))
    entry = next(e for e in feed.entries if "Kien" in e.title)
    assert entry.title == "Kien Giang fisheries / Nguồn lợi hải sản Kiên Giang"
    assert entry.id == f"https://doi.org/{articles['kg'].doi}"
    assert feed.feed.language == "en"
    assert "Set-Cookie" not in client.get("/feeds/atom?lang=en").headers


SCOPES = [
    ("/feeds/province/KG/atom", {"kg"}),
    ("/feeds/province/kg/rss", {"kg"}),
    ("/feeds/province/CT/atom", {"ct", "kg"}),  # both routed to Cần Thơ
    ("/feeds/section/short/rss", {"kg"}),
    ("/feeds/section/research/atom", {"ct"}),
    ("/feeds/issue/ISSUE/atom", {"ct"}),
]

UNKNOWN = [
    "/feeds/province/ZZ/atom",
    "/feeds/section/nope/rss",
    "/feeds/issue/999/atom",
    "/feeds/issue/abc/atom",
    "/feeds/province/%3Cscript%3E/atom",
    "/feeds/other/x/atom",
]


def test_scoped_feeds(client, articles):
    for path, expected in SCOPES:
        path = path.replace("ISSUE", str(articles["issue"].id))
        feed = parse(client.get(path))
        wanted = {f"https://doi.org/{articles[k].doi}" for k in expected}
        assert {e.id for e in feed.entries} == wanted, path


def test_unknown_scopes_are_404_with_a_message(client, articles):
    for path in UNKNOWN:
        response = client.get(path + "?lang=en")
        assert response.status_code == 404, path
        assert "<script>" not in response.get_data(as_text=True), path


def test_unpublished_issue_has_no_feed(client, app):
    hidden = make_issue(8, 1, 2025)
    assert client.get(f"/feeds/issue/{hidden.id}/atom").status_code == 404


def test_feeds_answer_conditional_requests(client, articles):
    first = client.get("/feeds/rss")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert (
        client.get("/feeds/rss", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    articles["ct"].updated_at = articles["ct"].updated_at.replace(year=2031)
    db.session.commit()
    assert (
        client.get("/feeds/rss", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 200
    )


def test_empty_feed_is_valid(client, app):
    feed = parse(client.get("/feeds/atom"))
    assert feed.entries == []


# ------------------------------------------------------------------ widget


def test_widget_lists_the_province_articles(client, articles, app):
    app.config.update(
        EMBED_FRAME_ANCESTORS=["https://sokhcn.kiengiang.gov.vn", "https://*.ct.gov.vn"]
    )
    response = client.get("/embed/province/KG?lang=en&count=3")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://sokhcn.kiengiang.gov.vn https://*.ct.gov.vn" in csp
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert "X-Frame-Options" not in response.headers
    doc = lxml_html.fromstring(response.data)
    assert doc.get("lang") == "en"
    links = doc.xpath("//ol/li/a")
    assert [a.text for a in links] == ["Kien Giang fisheries"]
    assert links[0].get("target") == "_blank"
    assert links[0].get("href") == f"https://journal.example.org/articles/{articles['kg'].id}"
    assert not doc.xpath("//script")


def test_widget_clamps_and_neutralises_its_parameters(client, app, users):
    for i in range(25):
        make_published_article(users["author"], title_vi=f"Bài {i}")
    response = client.get("/embed/province/CT?count=100000&lang=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "alert(1)" not in body
    doc = lxml_html.fromstring(response.data)
    assert doc.get("lang") == "vi" and len(doc.xpath("//ol/li")) == 20
    assert (
        len(lxml_html.fromstring(client.get("/embed/province/CT?count=-4").data).xpath("//ol/li"))
        == 5
    )
    assert (
        len(lxml_html.fromstring(client.get("/embed/province/CT?count=2").data).xpath("//ol/li"))
        == 2
    )


def test_widget_setting_cannot_inject_directives(client, app, articles):
    app.config.update(
        EMBED_FRAME_ANCESTORS=["https://ok.gov.vn", "x; script-src *", "'unsafe-inline'"]
    )
    csp = client.get("/embed/province/KG").headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https://ok.gov.vn")


def test_widget_unknown_province_is_404(client, app):
    response = client.get("/embed/province/XX?lang=en")
    assert response.status_code == 404
    assert "no province" in response.get_data(as_text=True)


def test_widget_script_is_served_and_writes_text_only(client):
    response = client.get("/static/js/widget.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    response.close()
    assert "textContent" in script and "innerHTML" not in script
    assert "/api/v1/articles?province=" in script


def test_the_rss_channel_links_the_html_page_and_items_name_their_authors(client, articles):
    for path, page in (
        ("/feeds/rss", "https://journal.example.org/"),
        ("/feeds/province/KG/rss", "https://journal.example.org/provinces/KG"),
        ("/feeds/section/short/rss", "https://journal.example.org/sections/short"),
    ):
        feed = parse(client.get(path))
        assert feed.feed.link == page, path
        self_links = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_links == [f"https://journal.example.org{path}"], path
    feed = parse(client.get("/feeds/rss"))
    entry = next(e for e in feed.entries if e.id == f"https://doi.org/{articles['kg'].doi}")
    names = [a.full_name for a in articles["kg"].submission.authors]
    assert names and entry.author_detail.name == names[0]
    raw = client.get("/feeds/rss").get_data(as_text=True)
    for name in names:
        assert f"<dc:creator>{name}</dc:creator>" in raw


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_english_feed_has_its_own_address_and_id(client, articles, fmt):
    vi = parse(client.get(f"/feeds/{fmt}"))
    en = parse(client.get(f"/feeds/{fmt}?lang=en"))
    en_self = [link.href for link in en.feed.links if link.rel == "self"]
    vi_self = [link.href for link in vi.feed.links if link.rel == "self"]
    assert en_self == [f"https://journal.example.org/feeds/{fmt}?lang=en"]
    assert vi_self == [f"https://journal.example.org/feeds/{fmt}"]
    if fmt == "atom":
        assert en.feed.id == en_self[0] and vi.feed.id == vi_self[0]
