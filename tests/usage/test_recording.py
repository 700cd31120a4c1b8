"""Readers' requests become events (robots never do), events become COUNTER figures, and
the figures reach the article page, the editors' page and the SUSHI-style report."""

from __future__ import annotations

import time

from lxml import html as lxml_html
from sqlalchemy import select, text

from journal.extensions import db
from journal.usage.aggregation import aggregate_usage, today
from journal.usage.models import UsageSalt
from journal.usage.recording import flush_buffer, recorder

from .conftest import BROWSER, GOOGLEBOT, PHONE, daily, events, reader


def _figures_on(page: bytes) -> dict[str, str]:
    doc = lxml_html.fromstring(page)
    return {dd.get("data-figure"): dd.text_content().split("·")[0].strip()
            for dd in doc.xpath("//*[@data-figure]")}  # fmt: skip


def test_the_counts_shown_everywhere_equal_the_events_the_readers_made(app, article, login, users):
    url = f"/articles/{article.id}"
    first, second, robot = (
        reader(app, "198.51.100.7"),
        reader(app, "203.0.113.9", PHONE),
        reader(app, "192.0.2.66", GOOGLEBOT),
    )
    assert first.get(url).status_code == 200
    assert first.get(url).status_code == 200  # a double click: counted once
    assert first.get(url + "/pdf").status_code == 200
    assert first.get(url + "/jats.xml").status_code == 200
    assert second.get(url).status_code == 200
    assert robot.get(url).status_code == 200  # a robot reads, and is not counted
    assert robot.get(url + "/pdf").status_code == 200
    assert first.head(url).status_code == 200  # HEAD is not a reader's request

    assert flush_buffer(app) == 5
    assert [(e.article_id, e.kind) for e in events()] == [
        (article.id, "html"),
        (article.id, "html"),
        (article.id, "pdf"),
        (article.id, "jats"),
        (article.id, "html"),
    ]
    assert aggregate_usage(today(), today()).rows == 1
    (row,) = daily()
    assert (row.day, row.article_id, row.country) == (today(), article.id, "")
    assert (row.total_investigations, row.unique_investigations) == (4, 2)
    assert (row.total_requests, row.unique_requests) == (4, 2)
    assert (row.views, row.downloads) == (2, 2)

    page = reader(app, "198.51.100.200").get(url)  # a new reader: the page is not cached
    assert _figures_on(page.get_data()) == {"views": "2", "downloads": "2"}

    editor = login(users["province_editor"])
    editor.set_cookie("lang", "en")
    history = editor.get(f"/usage/articles/{article.id}")
    assert history.status_code == 200
    assert _figures_on(history.get_data()) == {
        "views": "2",
        "downloads": "2",
        "total_investigations": "4",
        "unique_investigations": "2",
        "total_requests": "4",
        "unique_requests": "2",
    }
    doc = lxml_html.fromstring(history.get_data())
    month = today().strftime("%Y-%m")
    cells = [td.text for td in doc.xpath(f"//tr[@data-month='{month}']/td")]
    assert cells == ["2", "2", "4", "2", "4", "2"]
    (svg,) = doc.xpath("//*[local-name()='svg'][@id='chart-usage']")
    tips = [t.text for t in svg.xpath(".//*[local-name()='circle']/*[local-name()='title']")]
    assert f"{doc.xpath(f'//tr[@data-month={month!r}]/th')[0].text}, Views: 2" in tips

    report = client_json(app, f"/api/v1/counter/reports/ir?begin_date={month}&end_date={month}")
    (item,) = report["Report_Items"]
    (performance,) = item["Performance"]
    assert {i["Metric_Type"]: i["Count"] for i in performance["Instance"]} == {
        "Total_Item_Investigations": 4,
        "Unique_Item_Investigations": 2,
        "Total_Item_Requests": 4,
        "Unique_Item_Requests": 2,
    }


def client_json(app, url):
    response = app.test_client().get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_a_page_answered_304_is_still_read_and_the_figures_change_its_etag(app, article):
    url = f"/articles/{article.id}"
    client = reader(app, "198.51.100.7")
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert flush_buffer(app) == 2

    aggregate_usage(today(), today())
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200  # the page now shows other figures
    assert _figures_on(after.get_data()) == {"views": "1", "downloads": "0"}


def test_taken_down_and_missing_articles_are_not_counted(app, article):
    from journal.models_base import utcnow

    client = reader(app, "198.51.100.7")
    assert client.get("/articles/9999").status_code == 404
    assert client.get("/articles/9999/pdf").status_code == 404
    article.unpublished_at, article.unpublish_reason = utcnow(), "Duplicate."
    db.session.commit()
    assert client.get(f"/articles/{article.id}").status_code == 410
    assert client.get(f"/articles/{article.id}/pdf").status_code == 410
    assert flush_buffer(app) == 0


def test_events_are_written_in_batches_after_the_response(app, article):
    app.config["USAGE_BATCH_SIZE"] = 3
    url = f"/articles/{article.id}"
    for number in (1, 2):
        response = reader(app, f"198.51.100.{number}").get(url)
        response.close()
        assert response.status_code == 200
    assert events() == [] and len(recorder(app).buffer) == 2
    response = reader(app, "198.51.100.3").get(url)
    response.close()  # the server closes the response once it is sent: the batch is written
    assert len(events()) == 3 and not recorder(app).buffer


def test_a_buffer_older_than_the_flush_interval_is_written_with_the_next_event(app, article):
    app.config["USAGE_FLUSH_SECONDS"] = 0
    response = reader(app, "198.51.100.1").get(f"/articles/{article.id}")
    response.close()
    assert len(events()) == 1


def test_no_address_and_no_user_agent_is_kept_anywhere(app, article):
    ip, agent = "198.51.100.231", "Mozilla/5.0 (X11; Linux) DistinctiveReader/9.8.7"
    client = reader(app, ip, agent)
    for path in ("", "/pdf", "/jats.xml"):
        assert client.get(f"/articles/{article.id}{path}").status_code == 200
    flush_buffer(app)
    aggregate_usage(today(), today())
    assert len(events()) == 3 and len(daily()) == 1

    found = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                cells = " ".join(str(v) for v in row)
                found += [(table.name, c) for c in (ip, agent, "DistinctiveReader") if c in cells]
    assert found == []
    # The events hold only a session key; the salt of the day is the only one kept.
    assert set(events()[0].__table__.columns.keys()) == {
        "id", "article_id", "kind", "day", "at", "session_key", "country",
    }  # fmt: skip
    assert db.session.execute(select(UsageSalt.day)).scalars().all() == [today()]


def test_the_salt_changes_with_the_day_and_the_old_one_is_deleted(app):
    from datetime import timedelta

    from journal.usage.recording import salt_of

    yesterday = today() - timedelta(days=1)
    old = salt_of(yesterday)
    new = salt_of(today())
    assert old != new and len(new) == 32
    assert db.session.execute(select(UsageSalt.day)).scalars().all() == [today()]
    recorder(app).salts.clear()
    assert salt_of(today()) == new  # another process reads the same salt


def test_the_page_answers_when_the_event_store_is_down(app, app_config, other_app):
    """Redis does not answer: the pages answer at once, the events wait in the process
    and are written later."""
    from ..publish.factories import make_published_article

    down = other_app({**app_config, "REDIS_URL": "redis://127.0.0.1:9/0"})
    with down.app_context():
        article = make_published_article()
        started = time.perf_counter()
        for number in range(3):
            client = reader(down, f"198.51.100.{number}")
            assert client.get(f"/articles/{article.id}").status_code == 200
            assert client.get(f"/articles/{article.id}/pdf").status_code == 200
        assert time.perf_counter() - started < 5
        assert len(recorder(down).buffer) == 6
        assert flush_buffer(down) == 6
        assert len(events()) == 6
        recorder(down).discard()


def test_events_that_the_database_refuses_for_a_while_are_kept_for_the_next_flush(
    app, article, database_url
):
    """The database goes away (its connections are refused): the page has answered, the
    events stay in the buffer and are written when it is back."""
    client = reader(app, "198.51.100.4")
    assert client.get(f"/articles/{article.id}").status_code == 200
    own = recorder(app)
    good = app.config["SQLALCHEMY_DATABASE_URI"]
    from sqlalchemy import create_engine

    gone = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/none"
        if good.startswith("postgresql")
        else "sqlite:////nonexistent-folder/none.sqlite3"
    )
    engines = db.engines
    saved = engines[None]
    engines[None] = gone
    try:
        db.session.remove()
        assert flush_buffer(app) == 0
    finally:
        engines[None] = saved
        db.session.remove()
        gone.dispose()
    assert len(own.buffer) == 1
    assert flush_buffer(app) == 1
    assert len(events()) == 1


def test_recording_can_be_turned_off(app, article):
    app.config["USAGE_ENABLED"] = False
    assert reader(app, "198.51.100.1").get(f"/articles/{article.id}").status_code == 200
    assert flush_buffer(app) == 0


def test_robots_on_the_counter_list_are_not_recorded(app, article):
    agents = [
        GOOGLEBOT,
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "Wget/1.21.4",
        "",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    ]
    for number, agent in enumerate(agents):
        client = reader(app, f"198.51.100.{number}", agent)
        assert client.get(f"/articles/{article.id}").status_code == 200
    assert flush_buffer(app) == 0
    reader(app, "198.51.100.99", BROWSER).get(f"/articles/{article.id}")
    assert flush_buffer(app) == 1


def test_the_database_checks_the_kind(app, article):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO usage_events (article_id, kind, day, at, session_key, country)"
                " VALUES (:a, 'epub', :d, 0, 0, '')"
            ),
            {"a": article.id, "d": today()},
        )
        db.session.flush()
    db.session.rollback()
