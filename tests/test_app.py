"""The factory: configuration sources, secrets, cookies."""

import pytest

from journal import ConfigurationError, create_app


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("JOURNAL_ENV", raising=False)
    with pytest.raises(ConfigurationError, match="JOURNAL_SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_development_secret_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNAL_SECRET_KEY", raising=False)
    first = create_app({"ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    second = create_app({"ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_instance_config_which_overrides_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("UPLOAD_MAX_BYTES = 1234\nMAIL_PORT = 2525\n")
    monkeypatch.setenv("JOURNAL_SECRET_KEY", "from-env")
    monkeypatch.setenv("JOURNAL_MAIL_PORT", "2626")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["UPLOAD_MAX_BYTES"] == 1234
    assert app.config["MAIL_PORT"] == 2626
    assert app.config["ENV"] == "production"


def test_cookies_are_hardened_and_secure_outside_development(tmp_path):
    prod = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    dev = create_app({"ENV": "development", "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    for app in (prod, dev):
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert dev.config["SESSION_COOKIE_SECURE"] is False


def test_postgresql_urls_use_psycopg_and_sqlite_lives_in_the_instance(tmp_path):
    pg = create_app(
        {"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "postgresql://h/db"}
    )
    lite = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    assert pg.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://h/db"
    assert lite.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'journal.sqlite3'}"


def test_trusted_hosts_default_to_the_base_url_host(tmp_path):
    app = create_app(
        {"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path), "BASE_URL": "https://tapsan.vn/"}
    )
    assert "tapsan.vn" in app.config["TRUSTED_HOSTS"]
    response = app.test_client().get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text and "Bad request" in response.text


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path):
    from flask import request

    app = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path), "PROXIES": 1})
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    response = app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.text == "203.0.113.9"
    direct = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    direct.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    spoofed = direct.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert spoofed.text == "10.0.0.1"
