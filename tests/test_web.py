"""Cross-cutting web behaviour: headers, request ids, error pages, language."""

import logging

import pytest


def test_security_headers_on_every_response(client):
    for path in ("/", "/does-not-exist", "/static/css/site.css"):
        response = client.get(path)
        response.close()
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_404_is_bilingual(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert 'lang="vi"' in response.text and 'lang="en"' in response.text
    assert "This page does not exist." in response.text
    assert "Trang này không tồn tại." in response.text


def test_405_is_a_page_not_a_crash(client):
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


@pytest.fixture
def crashing_app(app, app_config):
    """An app of its own (routes cannot be added to one that has served requests)."""
    from journal import create_app
    from journal.extensions import db

    def boom():
        raise RuntimeError("kaboom")

    crashing = create_app(app_config)
    crashing.add_url_rule("/boom", "boom", boom)
    yield crashing
    with crashing.app_context():
        db.engine.dispose()


def test_500_shows_the_request_id_that_the_log_carries(crashing_app, caplog):
    client = crashing_app.test_client()
    with caplog.at_level(logging.INFO):
        response = client.get("/boom", headers={"X-Request-ID": "trace-me-12345"})
    assert response.status_code == 500
    assert "trace-me-12345" in response.text
    assert response.headers["X-Request-ID"] == "trace-me-12345"
    assert "kaboom" not in response.text
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == "trace-me-12345"]
    assert any(r.levelno == logging.ERROR and "trace-me-12345" in r.getMessage() for r in logged)
    assert any(r.getMessage().startswith("GET /boom 500 ") for r in logged)


def test_request_id_is_generated_when_missing_or_malformed(client):
    generated = client.get("/").headers["X-Request-ID"]
    assert len(generated) == 16
    hostile = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers[
        "X-Request-ID"
    ]
    assert "<" not in hostile and len(hostile) == 16


def test_request_over_the_size_limit_gets_the_friendly_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = app.test_client().post("/account/login", data={"x": "a" * 5000})
    assert response.status_code == 413
    assert "File too large" in response.text
    assert "Tệp quá lớn" in response.text


def test_language_switch_is_remembered_in_a_cookie(client):
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text
    cookie = english.headers["Set-Cookie"]
    assert "lang=en" in cookie and "HttpOnly" in cookie
    assert '<html lang="en">' in client.get("/").text
    assert '<html lang="vi">' in client.get("/?lang=vi").text
    assert '<html lang="vi">' in client.get("/").text


def test_unknown_language_parameter_is_ignored(client):
    response = client.get("/?lang=<script>")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "<script>" not in response.text


def test_language_switch_is_remembered_in_the_profile(app, users, login):
    from journal.extensions import db

    client = login(users["author"])
    client.get("/?lang=en")
    db.session.refresh(users["author"])
    assert users["author"].locale == "en"
    # A fresh browser (no cookie) follows the profile.
    assert '<html lang="en">' in login(users["author"]).get("/").text


def test_pages_link_to_the_other_language(client):
    assert 'href="/?lang=en"' in client.get("/").text
    assert 'href="/?lang=vi"' in client.get("/?lang=en").text
