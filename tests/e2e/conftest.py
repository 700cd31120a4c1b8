"""A live server and a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from journal import create_app

from ..conftest import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_server(app, app_config):
    """The journal served over HTTP on a free port, CSRF on, as in production."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = dict(app_config, WTF_CSRF_ENABLED=True, BASE_URL=base, TRUSTED_HOSTS=["127.0.0.1"])
    served = create_app(config)
    server = make_server("127.0.0.1", port, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.base_url = base
    try:
        yield served
    finally:
        server.shutdown()
        thread.join(timeout=5)
        from journal.extensions import db
        from journal.jobs import wait_all

        wait_all(served)  # background jobs the pages started
        with served.app_context():
            db.engine.dispose()  # its own pool: closed now, not when collected


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
