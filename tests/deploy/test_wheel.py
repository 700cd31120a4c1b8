"""The wheel is the whole application: built from the sources alone (no compiled catalogue
beside them), installed into a fresh virtualenv outside the checkout, it migrates a new
SQLite database, seeds it and serves the journal with its templates, static files and
Vietnamese translations.

The fresh virtualenv borrows the dependencies of the project's own (a plain path line in a
``.pth`` file, added after the wheel is installed): the installed ``journal`` comes first, and
the checkout's editable install (a finder loaded by a ``.pth`` file of the project's
virtualenv) is never loaded, which the test checks."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import requests

from ..conftest import free_port
from .support import ROOT, clean_environment, run, site_packages, start, stop, wait_until_serving

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "setup.py", "README.md", "journal", "crossref", "exchange_bridge")

WHERE_FROM = """
import json, sys
import journal
app = journal.create_app()
print(json.dumps({
    "journal": journal.__file__,
    "instance": app.instance_path,
    "modules": sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())}),
    "editable": sorted(name for name in sys.modules if "editable" in name),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built (with build isolation, as pip does) from a copy of the sources that
    holds no compiled catalogue and no build leftovers."""
    sources = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name,
                sources / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
            )
        else:
            shutil.copy2(ROOT / name, sources / name)
    assert not list(sources.rglob("*.mo"))
    out = tmp_path_factory.mktemp("wheelhouse")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(sources)],
        env=clean_environment(),
        cwd=sources,
        timeout=300,
    )
    (built,) = out.glob("mekong_journal-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed, then the project's dependencies."""
    venv = tmp_path_factory.mktemp("site") / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=os.environ, cwd=venv.parent)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    run(
        [*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)],
        env=clean_environment(),
        cwd=venv.parent,
    )
    own = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        env=clean_environment(),
        cwd=venv.parent,
    ).strip()
    # Written after the install: pip would otherwise see (and replace) the checkout's
    # editable install through it.
    Path(own, "project-dependencies.pth").write_text(site_packages() + "\n")
    return venv


def test_the_wheel_holds_templates_static_files_migrations_and_compiled_catalogues(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "journal/templates/base.html",
        "journal/templates/mail/confirm_email.txt",
        "journal/templates/reports/print.css",
        "journal/static/css/site.css",
        "journal/static/js/widget.js",
        "journal/migrations/alembic.ini",
        "journal/migrations/env.py",
        "journal/migrations/script.py.mako",
        "journal/migrations/versions/0001_initial_schema.py",
        "journal/translations/vi/LC_MESSAGES/messages.mo",
        "journal/translations/en/LC_MESSAGES/messages.mo",
        "journal/publish/typeset/typeset.lua",
    ):
        assert expected in names
    versions = {p.name for p in (ROOT / "journal" / "migrations" / "versions").glob("*.py")}
    assert {Path(n).name for n in names if n.startswith("journal/migrations/versions/")} == (
        versions
    )


def test_the_installed_wheel_migrates_seeds_and_serves_the_journal(venv, tmp_path):
    workdir = tmp_path / "elsewhere"  # outside the checkout
    workdir.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_environment(
        JOURNAL_ENV="production",
        JOURNAL_SECRET_KEY="wheel-test-secret",
        JOURNAL_BASE_URL=base,
    )
    python = str(venv / "bin" / "python")

    where = json.loads(run([python, "-c", WHERE_FROM], env=env, cwd=workdir))
    assert Path(where["journal"]).is_relative_to(venv)
    borrowed = Path(site_packages())
    from_checkout = [
        m
        for m in where["modules"]
        if m and Path(m).is_relative_to(ROOT) and not Path(m).is_relative_to(borrowed)
    ]
    assert from_checkout == []
    assert where["editable"] == []
    # Flask's default for an installed package: <prefix>/var/journal-instance.
    instance = venv / "var" / "journal-instance"
    assert Path(where["instance"]) == instance

    journal = str(venv / "bin" / "journal")
    run([journal, "db", "upgrade"], env=env, cwd=workdir)
    run([journal, "seed"], env=env, cwd=workdir)
    assert (instance / "journal.sqlite3").is_file()

    log = tmp_path / "gunicorn.log"
    config = workdir / "gunicorn.conf.py"
    config.write_text("workers = 1\ncontrol_socket_disable = True\n")
    serve = ["-m", "gunicorn", "--config", str(config), "--bind", f"127.0.0.1:{port}"]
    server = start(
        [python, *serve, "journal:create_app()"],
        env=env,
        cwd=workdir,
        log=log,
    )
    try:
        wait_until_serving(base + "/", server, log)
        home = requests.get(base + "/", timeout=10)
        assert home.status_code == 200
        assert '<html lang="vi"' in home.text
        assert "Đăng nhập" in home.text  # "Log in", from the compiled Vietnamese catalogue
        assert "Kiên Giang" in home.text  # a seeded province
        assert "/static/css/site.css" in home.text

        english = requests.get(base + "/account/login?lang=en", timeout=10)
        assert english.status_code == 200
        assert '<html lang="en"' in english.text
        assert "<h1>Log in</h1>" in english.text

        login = requests.get(base + "/account/login", timeout=10)
        assert login.status_code == 200
        assert "<h1>Đăng nhập</h1>" in login.text
        assert 'name="csrf_token"' in login.text
        assert 'name="password"' in login.text

        css = requests.get(base + "/static/css/site.css", timeout=10)
        assert css.status_code == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert css.content == (ROOT / "journal" / "static" / "css" / "site.css").read_bytes()
    finally:
        stop(server)
    assert server.returncode == 0, log.read_text(errors="replace")
