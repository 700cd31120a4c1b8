"""The cooperation's news: editors publish, edit and delete announcements; the home page,
the news pages and an Atom feed (read back with feedparser) show them."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest
from lxml import html as lxml_html

from journal.errors import PermissionDenied
from journal.extensions import db
from journal.site import services
from journal.site.models import Announcement

NEWS = {
    "title_vi": "Hội thảo hợp tác khoa học vùng",
    "title_en": "Regional science cooperation workshop",
    "body_vi": "Hội thảo diễn ra tại **Cần Thơ**.",
    "body_en": "The workshop takes place in **Can Tho**.",
}


def page(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def count() -> int:
    return db.session.execute(db.select(db.func.count(Announcement.id))).scalar_one()


def test_an_editor_publishes_and_it_shows_on_home_and_news(client, login, users):
    editor = login(users["province_editor"])
    response = editor.post("/news/new", data=NEWS)
    assert response.status_code == 302
    item = db.session.execute(db.select(Announcement)).scalar_one()
    assert item.author_id == users["province_editor"].id

    home = page(client.get("/"))
    assert home.xpath("//section[@class='news']//ul//a/text()") == [NEWS["title_vi"]]
    shown = page(client.get(f"/news/{item.id}?lang=en"))
    assert shown.xpath("//h1/text()") == [NEWS["title_en"]]
    assert shown.xpath("//p[@class='trans-title'][@lang='vi']/text()") == [NEWS["title_vi"]]
    assert shown.xpath("//article//strong/text()") == ["Can Tho"]


def test_missing_english_title_is_refused_and_nothing_is_written(login, users):
    editor = login(users["editor_in_chief"])
    editor.set_cookie("lang", "en")
    response = editor.post("/news/new", data=dict(NEWS, title_en=" "))
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert count() == 0
    with pytest.raises(services.AnnouncementError):
        services.publish_announcement(users["editor_in_chief"], dict(NEWS, title_en=""))
    with pytest.raises(PermissionDenied):
        services.publish_announcement(users["author"], NEWS)
    assert count() == 0


def test_edit_and_delete_after_confirmation(login, users):
    item_id = services.publish_announcement(users["admin"], NEWS).id
    admin = login(users["admin"])
    admin.post(f"/news/{item_id}/edit", data=dict(NEWS, title_en="Workshop moved"))
    db.session.expire_all()
    assert db.session.get(Announcement, item_id).title_en == "Workshop moved"
    confirm = admin.get(f"/news/{item_id}/delete")
    assert confirm.status_code == 200 and count() == 1
    assert page(confirm).xpath("//form//button[@class='danger']")
    assert admin.post(f"/news/{item_id}/delete").status_code == 302
    assert count() == 0
    assert admin.get(f"/news/{item_id}").status_code == 404


def test_the_atom_feed_reads_back_with_feedparser(client, users):
    older = services.publish_announcement(users["admin"], dict(NEWS, title_en="Older news"))
    older.published_at = older.updated_at = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    db.session.commit()
    newer = services.publish_announcement(users["admin"], NEWS)

    response = client.get("/news/atom?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert "Set-Cookie" not in response.headers
    feed = feedparser.parse(response.data)
    assert not feed.bozo
    assert feed.version == "atom10"
    assert feed.feed.title.startswith("News of the cooperation")
    titles = [e.title for e in feed.entries]
    assert titles == [
        f"{NEWS['title_en']} / {NEWS['title_vi']}",
        f"Older news / {NEWS['title_vi']}",
    ]
    first = feed.entries[0]
    assert first.link.endswith(f"/news/{newer.id}")
    assert "<strong>Can Tho</strong>" in first.content[0].value
    assert 'lang="vi"' in first.content[0].value
    assert feed.entries[1].published_parsed[:3] == (2026, 1, 5)
    vi = feedparser.parse(client.get("/news/atom").data)
    assert vi.feed.title.startswith("Tin tức")
    assert vi.entries[0].title.startswith(NEWS["title_vi"])


def test_news_edits_refresh_the_cached_home_page(client, users):
    first = client.get("/")
    etag = first.headers["ETag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    services.publish_announcement(users["admin"], NEWS)
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert NEWS["title_vi"] in again.get_data(as_text=True)
