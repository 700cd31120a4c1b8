"""``journal doctor``: each check passing on a good installation and failing (or warning) on a
broken one, against the real thing (databases, folders, pandoc, WeasyPrint and fontconfig,
Redis, an SMTP server); the command's output and exit codes."""

from __future__ import annotations

import os
import sys

import pytest
from flask_babel import force_locale

from journal import create_app, doctor
from journal.extensions import db
from journal.settings import update_journal_settings

from .conftest import free_port, redis_url_beside
from .factories import fresh_settings


def _head() -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head


def _by_name(results):
    return {str(c.name): c for c in results}


@pytest.fixture(autouse=True)
def journal_with_an_issn(app):
    """A journal set up as it should be (its identity is checked too); the checks read in
    English, as the command prints them."""
    set_settings(ISSN_ONLINE="2049-3630", DOI_PREFIX="10.54321")
    with force_locale("en"):
        yield


def set_settings(**values):
    update_journal_settings(None, values, version=fresh_settings().version)


def test_a_good_installation_passes_every_check(app):
    results = doctor.run_checks()

    assert [c.status for c in results] == ["ok"] * len(doctor.CHECKS), [
        (str(c.name), str(c.detail)) for c in results if c.status != "ok"
    ]
    found = _by_name(results)
    assert "answers" in str(found["Database"].detail)
    assert _head() in str(found["Database migrations"].detail)
    assert "Pandoc 3." in str(found["Pandoc"].detail)
    assert "Noto Serif" in str(found["WeasyPrint and fonts"].detail)  # the print CSS's font
    assert "https://journal.example.org" in str(found["Public address"].detail)
    assert str(found["Journal identity"].detail) == "ISSN 2049-3630, DOI prefix 10.54321."


def test_a_journal_without_an_issn_fails_and_placeholders_warn(app):
    set_settings(ISSN_ONLINE="")
    result = doctor.journal_identity()
    assert result.status == "fail" and "No ISSN is set" in str(result.detail)
    assert "/admin/settings" in str(result.fix)

    set_settings(ISSN_ONLINE="0000-0000", DOI_PREFIX="10.99999")
    result = doctor.journal_identity()
    assert result.status == "warn" and "(0000-0000, 10.99999)" in str(result.detail)


@pytest.mark.parametrize("where", ["a read-only folder", "a path under a file"])
def test_storage_that_cannot_be_written_fails(app, tmp_path, where):
    if where == "a read-only folder":
        app.config["STORAGE_DIR"] = "/sys"  # sysfs: nobody creates files there, root neither
    else:
        (tmp_path / "a-file").write_text("x")
        app.config["STORAGE_DIR"] = str(tmp_path / "a-file" / "files")

    result = doctor.storage()

    assert result.status == "fail" and "is not writable" in str(result.detail)
    assert "JOURNAL_STORAGE_DIR" in str(result.fix)


def test_a_database_that_does_not_answer_fails_and_so_do_migrations(app_config, tmp_path):
    broken = create_app(
        {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path}/no-such-folder/journal.sqlite3"}
    )
    with broken.app_context():
        database, migrations = doctor.database(), doctor.migrations()
        db.engine.dispose()

    assert database.status == "fail" and "does not answer" in str(database.detail)
    assert "JOURNAL_DATABASE_URL" in str(database.fix)
    assert migrations.status == "fail"


def test_a_database_behind_the_code_fails_with_the_upgrade_to_run(app_config, tmp_path):
    empty = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    with empty.app_context():
        result, head = doctor.migrations(), _head()
        db.engine.dispose()

    assert result.status == "fail"
    assert "no migration" in str(result.detail) and head in str(result.detail)
    assert "journal db upgrade" in str(result.fix)


def test_a_pandoc_older_than_needed_fails(app, monkeypatch):
    convert_module = sys.modules["journal.publish.typeset.convert"]  # (the package's `convert`
    monkeypatch.setattr(convert_module, "MIN_PANDOC", (99, 0))  # is the function)

    result = doctor.pandoc()

    assert result.status == "fail" and "too old (99.0 or newer)" in str(result.detail)


def test_weasyprint_that_cannot_be_imported_fails(app, monkeypatch, tmp_path):
    """The check imports WeasyPrint in a child process: one that finds a broken package."""
    (tmp_path / "weasyprint.py").write_text("raise OSError('cannot load library libpango')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))

    result = doctor.weasyprint_and_fonts()

    assert result.status == "fail" and "libpango" in str(result.detail)
    assert "libpango-1.0-0" in str(result.fix)


def test_no_font_covering_vietnamese_fails(app, monkeypatch, tmp_path):
    empty = tmp_path / "fonts.conf"  # fontconfig with no font folder at all
    empty.write_text(
        '<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path) + "</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))

    result = doctor.weasyprint_and_fonts()

    assert doctor.vietnamese_font_families() == []
    assert result.status == "fail" and "no font covers Vietnamese" in str(result.detail)
    assert "fonts-noto-core" in str(result.fix)


def test_without_fontconfig_the_fonts_cannot_be_checked(app, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))  # python, but no fc-list

    result = doctor.weasyprint_and_fonts()

    assert result.status == "warn" and "fc-list is missing" in str(result.detail)


def test_missing_schemas_are_a_warning_with_the_fetch_command(app, tmp_path):
    app.config["SCHEMAS_DIR"] = str(tmp_path / "schemas")

    result = doctor.schemas()

    assert result.status == "warn"
    assert "JATS 1.3 Journal Publishing, Crossref 5.4.0" in str(result.detail)
    assert "structurally only" in str(result.detail)
    assert "journal schemas fetch" in str(result.fix)


def test_redis_at_a_closed_port_fails(app):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"

    result = doctor.background_jobs()

    assert result.status == "fail" and "does not answer" in str(result.detail)
    assert "JOURNAL_REDIS_URL" in str(result.fix)


def test_redis_without_workers_warns_and_with_one_is_ok(app, redis_url):
    from redis import Redis
    from rq import Queue, Worker

    # A database of its own on the test server: other tests' workers are none of its business.
    url = redis_url_beside(redis_url, 4)
    app.config["REDIS_URL"] = url
    connection = Redis.from_url(url)
    for stale in Worker.all(connection=connection):
        stale.register_death()

    idle = doctor.background_jobs()
    worker = Worker([Queue("doctor-test", connection=connection)], connection=connection)
    worker.register_birth()
    try:
        running = doctor.background_jobs()
    finally:
        worker.register_death()
        connection.close()

    assert idle.status == "warn" and "journal worker" in str(idle.fix)
    assert running.status == "ok" and "1 worker(s)" in str(running.detail)


def test_an_smtp_server_that_is_not_there_fails_and_a_real_one_answers(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    absent = doctor.mail()
    app.config["MAIL_PORT"] = smtp_server.port
    present = doctor.mail()

    assert absent.status == "fail" and "does not answer" in str(absent.detail)
    assert present.status == "ok" and "(250)" in str(present.detail)
    assert smtp_server.messages == []  # asked, nothing sent


def test_production_without_a_mail_server_warns(app):
    app.config.update(ENV="production", MAIL_SERVER=None)

    result = doctor.mail()

    assert result.status == "warn" and "JOURNAL_MAIL_SERVER" in str(result.fix)


@pytest.mark.parametrize(
    ("env", "base_url", "message"),
    [
        ("testing", "https://tapsan.example.gov.vn", "not among TRUSTED_HOSTS"),
        ("production", "http://journal.example.org", "over HTTPS"),
    ],
)
def test_a_wrong_public_address_fails(app, env, base_url, message):
    app.config.update(ENV=env, BASE_URL=base_url)

    result = doctor.public_address()

    assert result.status == "fail" and message in str(result.detail)


def test_a_check_that_crashes_is_a_failure_not_a_crash(app, monkeypatch):
    def exploding() -> doctor.Check:
        raise KeyError("boom")

    monkeypatch.setattr(doctor, "CHECKS", [*doctor.CHECKS, exploding])

    results = doctor.run_checks()

    assert results[-1].status == "fail" and "KeyError" in str(results[-1].detail)
    assert len(results) == len(doctor.CHECKS)


def test_the_command_prints_every_check_and_exits_0_when_nothing_fails(app, runner, tmp_path):
    app.config["SCHEMAS_DIR"] = str(tmp_path / "schemas")  # a warning is no failure

    result = runner.invoke(args=["doctor"])

    assert result.exit_code == 0, result.output
    assert "ok    Database:" in result.output and "warn  Official schemas:" in result.output
    assert "      fix: Run “journal schemas fetch”." in result.output
    assert f"{len(doctor.CHECKS) - 1} ok, 1 warning(s), 0 failure(s)." in result.output


def test_the_command_exits_1_when_a_check_fails(app, runner):
    app.config.update(BASE_URL="https://elsewhere.example", MAIL_SERVER="127.0.0.1")
    app.config["MAIL_PORT"] = free_port()

    result = runner.invoke(args=["doctor"])

    assert result.exit_code == 1
    assert "fail  Public address:" in result.output and "fail  Mail:" in result.output
    assert "fix: Add it to JOURNAL_TRUSTED_HOSTS" in result.output
    assert "0 warning(s), 2 failure(s)." in result.output
