"""The production recipe, end to end: gunicorn with deploy/gunicorn.conf.py (two worker
processes) and an RQ worker (``journal worker``) run as real processes on a PostgreSQL
database and a Redis database of their own. Over HTTP, CSRF on, as a browser behind nginx
would: an author submits a .docx through the wizard, the province editor sends it to review,
two reviewers accept and review, the editor accepts it, sends it to production (typeset by
the worker), approves the galley and publishes it online first; the article page and its
PDF are served.

Runs in the PostgreSQL pass of ``make test`` (JOURNAL_TEST_DATABASE_URL and
JOURNAL_TEST_REDIS_URL set): it creates a database of its own on that server (the suite's
own database is left alone) and drops it afterwards."""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import requests
import requests.adapters
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from journal.filetypes import DOCX

from ..conftest import SCHEMAS_DIR, free_port, redis_url_beside
from ..publish.typeset import samples
from .support import DEPLOY, clean_environment, run, start, stop, wait_until_serving

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple 2026"
TITLE_VI = "Đánh giá khả năng chịu mặn của giống lúa OM18 ở Cần Thơ"
TITLE_EN = "Salinity tolerance of rice variety OM18 in Can Tho"


def typesetting_settings() -> dict[str, str]:
    """What typesetting needs from the environment: the official schemas (the tests'
    SCHEMAS_DIR) and an ISSN."""
    return {"JOURNAL_SCHEMAS_DIR": str(SCHEMAS_DIR), "JOURNAL_ISSN_ONLINE": "2815-6005"}


@pytest.fixture
def servers():
    database, redis = (
        os.environ.get("JOURNAL_TEST_DATABASE_URL"),
        os.environ.get("JOURNAL_TEST_REDIS_URL"),
    )
    if not (database and redis):
        pytest.skip(
            "JOURNAL_TEST_DATABASE_URL and JOURNAL_TEST_REDIS_URL are not both set (the "
            "PostgreSQL pass of make test sets them): no PostgreSQL and Redis to deploy on"
        )
    return database, redis


@pytest.fixture
def own_database(servers):
    """A new, uniquely named database on the server of JOURNAL_TEST_DATABASE_URL."""
    server = make_url(servers[0]).set(drivername="postgresql+psycopg")
    name = f"journal_deploy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def own_redis(servers):
    """A Redis database next to the suite's (never 0), emptied before and after."""
    from redis import Redis

    own = redis_url_beside(servers[1], 8)
    connection = Redis.from_url(own)
    connection.flushdb()
    try:
        yield own
    finally:
        connection.flushdb()
        connection.close()


class Site:
    """gunicorn and an RQ worker on the deployment's settings, and their logs."""

    def __init__(self, folder: Path, database_url: str, redis_url: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"  # where nginx would proxy to
        self.public = f"https://127.0.0.1:{self.port}"  # what the browser would see
        self.folder = folder
        self.env = clean_environment(
            JOURNAL_ENV="production",
            JOURNAL_SECRET_KEY=uuid.uuid4().hex,
            JOURNAL_BASE_URL=self.public,
            JOURNAL_INSTANCE_PATH=str(folder / "instance"),
            JOURNAL_DATABASE_URL=database_url,
            JOURNAL_REDIS_URL=redis_url,
            JOURNAL_PROXIES="1",
            JOURNAL_LOG_FORMAT="json",
            WEB_CONCURRENCY="2",
            **typesetting_settings(),
        )
        self.web_log = folder / "gunicorn.log"
        self.worker_log = folder / "worker.log"
        self.processes = []

    def command(self, *args: str) -> str:
        return run([str(BIN / "journal"), *args], env=self.env, cwd=self.folder)

    def start(self) -> None:
        config = str(DEPLOY / "gunicorn.conf.py")
        web = start(
            [str(BIN / "gunicorn"), "--config", config, "--bind", f"127.0.0.1:{self.port}"],
            env=self.env,
            cwd=self.folder,
            log=self.web_log,
        )
        self.processes.append(web)
        worker = start(
            [str(BIN / "journal"), "worker"], env=self.env, cwd=self.folder, log=self.worker_log
        )
        self.processes.append(worker)
        wait_until_serving(self.base + "/", web, self.web_log)

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)

    def logs(self) -> str:
        tails = []
        for log in (self.web_log, self.worker_log):
            lines = log.read_text(errors="replace").splitlines() if log.exists() else []
            tails.append(f"--- {log.name}\n" + "\n".join(lines[-40:]))
        return "\n".join(tails)

    def json_lines(self, log: Path) -> list[dict]:
        entries = []
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                entries.append(json.loads(line))
        return entries


class _TerminatesTLS(requests.adapters.HTTPAdapter):
    """Stands in for nginx: the browser's https:// requests reach gunicorn over plain HTTP on
    the loopback, with X-Forwarded-Proto: https (the journal trusts one proxy). The client
    keeps seeing https:// addresses, so its Secure cookies go back as a browser's would."""

    def send(self, request, **kwargs):
        proxied = request.copy()
        proxied.url = "http://" + request.url.removeprefix("https://")
        proxied.headers["X-Forwarded-Proto"] = "https"
        response = super().send(proxied, **kwargs)
        response.request, response.url = request, request.url
        return response


class Browser:
    """A person's session: pages fetched, forms filled from what the page holds (its CSRF
    token included) and sent."""

    def __init__(self, site: Site):
        self.site = site
        self.http = requests.Session()
        self.http.mount(site.public, _TerminatesTLS())

    def _check(self, response, expected: int, what: str):
        if response.status_code != expected:
            raise AssertionError(
                f"{what}: {response.status_code}, expected {expected}\n"
                f"{response.text[:3000]}\n{self.site.logs()}"
            )
        return response

    def get(self, path: str, expected: int = 200, **kwargs):
        response = self.http.get(urljoin(self.site.public, path), timeout=30, **kwargs)
        return self._check(response, expected, f"GET {path}")

    def form(self, path: str, action: str):
        """The form on ``path`` that posts to an address ending with ``action``."""
        page = lxml.html.fromstring(self.get(path).text, base_url=urljoin(self.site.public, path))
        for form in page.forms:
            if (form.method or "").upper() == "POST" and urlsplit(form.action).path.endswith(
                action
            ):
                return form
        raise AssertionError(f"no form posting to …{action} on {path}")

    def submit(
        self, path: str, action: str, fields=None, upload=None, headers=None, expected: int = 200
    ):
        """Fill the form (its hidden fields, defaults and ``fields``; ``upload``, a
        (name, file, media type), in its file field) and send it; redirects are followed. The
        response, with ``.url`` where it landed."""
        form = self.form(path, action)
        data = dict(form.form_values())
        assert any(k.endswith("csrf_token") and v for k, v in data.items()), (
            f"the form on {path} has no CSRF token"
        )
        data.update(fields or {})
        files = None
        if upload is not None:
            (field,) = [i.name for i in form.inputs if i.get("type") == "file"]
            files = {field: upload}
        # The page's address, as a browser sends it (Flask-WTF checks it over HTTPS).
        headers = {"Referer": urljoin(self.site.public, path), **(headers or {})}
        response = self.http.post(form.action, data=data, files=files, headers=headers, timeout=60)
        return self._check(response, expected, f"POST {form.action}")

    def confirm(self, page, expected: int = 200):
        """Send the confirming form of a preview or confirmation page (its first form
        carrying ``confirmed`` or ``preview``), as a person clicking its button does."""
        html = lxml.html.fromstring(page.text, base_url=page.url)
        form = next(f for f in html.forms if {"confirmed", "preview"} & set(f.inputs.keys()))
        headers = {"Referer": page.url}
        response = self.http.post(
            form.action, data=dict(form.form_values()), headers=headers, timeout=60
        )
        return self._check(response, expected, f"POST {form.action} (confirmed)")

    def option(self, path: str, action: str, name: str, label: str) -> str:
        """The value of the option labelled ``label`` in the select ``name``."""
        select = self.form(path, action).inputs[name]
        for option in select.iter("option"):
            if option.text_content().strip() == label:
                return option.get("value")
        raise AssertionError(f"no option {label!r} in {name} on {path}")

    def log_in(self, email: str) -> None:
        landed = self.submit(
            "/account/login", "/account/login", {"email": email, "password": PASSWORD}
        )
        assert "/account/login" not in landed.url, f"{email} could not log in"


def _create_accounts(site: Site) -> None:
    """The accounts, with the CLI an administrator uses (the UI is not the point here)."""
    for email, name, *extra in (
        ("author@deploy.example.org", "Nguyễn Thị Hương"),
        ("editor.ct@deploy.example.org", "Lê Văn Cường", "--board", "CT:province_editor"),
        ("reviewer1@deploy.example.net", "Lý Thanh Tùng"),
        ("reviewer2@deploy.example.net", "Châu Ngọc Diễm"),
    ):
        site.command(
            "users", "create", "--email", email, "--name", name, "--password", PASSWORD, *extra
        )


@pytest.fixture
def site(own_database, own_redis, tmp_path):
    site = Site(tmp_path, own_database, own_redis)
    site.command("db", "upgrade")
    site.command("seed")
    _create_accounts(site)
    site.start()
    try:
        yield site
    finally:
        site.stop()


def _submit_through_the_wizard(author: Browser, manuscript: Path) -> int:
    started = author.submit(
        "/submissions/new",
        "/submissions/new",
        {
            "section_id": author.option(
                "/submissions/new", "/submissions/new", "section_id", "Nghiên cứu"
            ),
            "language": "vi",
        },
    )
    number = int(re.search(r"/submissions/(\d+)/metadata$", started.url).group(1))
    home = f"/submissions/{number}"
    author.submit(
        f"{home}/metadata",
        f"{home}/metadata",
        {
            "title_vi": TITLE_VI,
            "title_en": TITLE_EN,
            "abstract_vi": "Nghiên cứu đánh giá khả năng chịu mặn của giống lúa OM18.",
            "abstract_en": "We assess the salinity tolerance of rice variety OM18.",
            "keywords_vi": "lúa, chịu mặn, Cần Thơ",
            "keywords_en": "rice, salinity, Can Tho",
        },
    )
    author.submit(
        f"{home}/funding",
        f"{home}/funding",
        {
            "province_id": author.option(
                f"{home}/funding", f"{home}/funding", "province_id", "Cần Thơ"
            )
        },
    )
    with manuscript.open("rb") as upload:
        author.submit(
            f"{home}/files",
            f"{home}/files/manuscript",
            upload=(manuscript.name, upload, DOCX),
        )
    author.submit(
        f"{home}/letter",
        f"{home}/letter",
        {
            "cover_letter": "Kính gửi Ban biên tập Tập san.",
            "declares_originality": "y",
            "competing_interests": "Không có.",
            "licence_consent": "y",
        },
    )
    author.submit(f"{home}/review", f"{home}/submit")
    assert "Đã nộp" in author.get("/submissions/").text
    return number


# The questions of the review form by default (journal/config.py).
REVIEW_QUESTIONS = ("originality", "method", "significance", "presentation", "language")


def _review(site: Site, email: str, recommendation: str) -> None:
    reviewer = Browser(site)
    reviewer.log_in(email)
    listing = lxml.html.fromstring(reviewer.get("/reviews/").text)
    (invitation,) = [
        a.get("href") for a in listing.iter("a") if "/reviews/invitations/" in a.get("href", "")
    ]
    reviewer.submit(invitation, invitation + "/accept")
    (assignment,) = [
        a.get("href")
        for a in lxml.html.fromstring(reviewer.get("/reviews/").text).iter("a")
        if re.fullmatch(r"/reviews/\d+", a.get("href", ""))
    ]
    reviewer.submit(
        assignment,
        assignment,
        {
            "recommendation": recommendation,
            "comments_to_author": "Bài viết rõ ràng; kết quả thuyết phục.",
            "competing_interests": "Không có.",
            **{f"q_{key}": "good" for key in REVIEW_QUESTIONS},
        },
    )


def _typeset_by_the_worker(site: Site, editor: Browser, number: int) -> str:
    """Send to production; wait for the worker's run. The request id of the sending request."""
    request_id = f"send-to-production-{number}"
    sent = editor.submit(
        f"/production/{number}", f"/production/{number}/send", headers={"X-Request-Id": request_id}
    )
    assert sent.history[0].headers["X-Request-ID"] == request_id
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = editor.get(f"/production/{number}/status").json()["runs"]
        if runs and runs[0]["state"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert runs and runs[0]["state"] == "succeeded", f"{runs}\n{site.logs()}"
    return request_id


def test_a_submission_goes_from_upload_to_published_article_on_gunicorn_and_rq(site, tmp_path):
    manuscript = samples.docx("vi", tmp_path, samples.figure_png(tmp_path / "figure.png"))

    author = Browser(site)
    author.log_in("author@deploy.example.org")
    number = _submit_through_the_wizard(author, manuscript)

    editor = Browser(site)
    editor.log_in("editor.ct@deploy.example.org")
    assert TITLE_VI in editor.get("/editorial/").text  # routed to Cần Thơ's editor
    editor.submit(f"/editorial/submissions/{number}/send", f"/editorial/submissions/{number}/send")
    for email in ("reviewer1@deploy.example.net", "reviewer2@deploy.example.net"):
        editor.submit(
            f"/editorial/submissions/{number}/reviewers",
            f"/editorial/submissions/{number}/reviewers",
            {"email": email},
        )
    for email in ("reviewer1@deploy.example.net", "reviewer2@deploy.example.net"):
        _review(site, email, "accept")

    decision = f"/editorial/submissions/{number}/decision"
    preview = editor.submit(decision + "?decision=accept", decision)
    assert "accepted for publication" in preview.text or "chấp nhận" in preview.text
    editor.confirm(preview)

    request_id = _typeset_by_the_worker(site, editor, number)
    editor.submit(f"/production/{number}", f"/production/{number}/galleys/1/approve")

    asked = editor.submit(
        "/editorial/publishing", f"/editorial/submissions/{number}/publish-online"
    )
    published = editor.confirm(asked)
    article = re.search(r"/articles/(\d+)$", published.url)
    assert article, published.url

    reader = Browser(site)
    page = reader.get(f"/articles/{article.group(1)}")
    assert TITLE_VI in page.text and TITLE_EN in page.text
    pdf = reader.get(f"/articles/{article.group(1)}/pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")

    # The worker typeset it, under the id of the request that sent it to production.
    job_lines = [e for e in site.json_lines(site.worker_log) if e.get("job") == "typeset.run"]
    assert [e["message"].split(" ")[2] for e in job_lines] == ["started", "finished"]
    assert {e["request_id"] for e in job_lines} == {request_id}
    assert {e["runner"] for e in job_lines} == {"rq"}
    # gunicorn's workers logged each request as a JSON line; the rate limits are in Redis.
    requests_logged = [
        e for e in site.json_lines(site.web_log) if e.get("logger") == "journal.requests"
    ]
    assert any(e["path"] == f"/articles/{article.group(1)}/pdf" for e in requests_logged)
    from redis import Redis

    assert list(Redis.from_url(site.env["JOURNAL_REDIS_URL"]).scan_iter("LIMITS*"))
