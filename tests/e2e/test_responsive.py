"""Every page of the demo journal, as each role reaches it (one demo for all the checks: it
takes a while to load):

- in Vietnamese and in English, no raw code (snake_case, a bare stored value), no English
  sentence in a Vietnamese page and no Vietnamese sentence in an English page, except where
  marked with the other ``lang`` (test clients);
- in a real headless Chromium at 390 px, nothing wider than the screen (no horizontal
  scroll), and axe-core finds no serious or critical accessibility violation on the public
  pages;

and the menu folds away behind a button that works without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from journal.accounts.services import user_by_email
from journal.demo import DEMO_PASSWORD, DOMAIN, load_demo
from journal.review.models import AssignmentStatus, DecisionKind, Recommendation
from journal.workflow import Stage

from ..admin.clients import fast_password_hashing  # noqa: F401  (demo users hash fast)
from ..site.crawl import DEMO_ROLES, crawl, problems
from .conftest import CHROMIUM, screenshot

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOWN = {  # pages kept as screenshots at both widths (test-artifacts/)
    "anonymous": ["/", "/about", "/about/board", "/about/guidelines", "/articles/1"],
    "editor_in_chief": ["/editorial/", "/admin/"],
}


def _browser(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
    )


STATIC_IMAGES = Path(__file__).resolve().parents[2] / "journal" / "static" / "img"


def _icons_from_disk(context, base: str) -> None:
    """The logo and icons come from the files themselves: the browser drops icon requests
    when it moves on, and the test server would leave those files open."""
    context.route(
        f"{base}/static/img/*",
        lambda route: route.fulfill(path=STATIC_IMAGES / route.request.url.rsplit("/", 1)[-1]),
    )
    context.route(
        f"{base}/favicon.ico", lambda route: route.fulfill(path=STATIC_IMAGES / "favicon.ico")
    )


def _log_in(context, base: str, account: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/account/login")
    page.fill("#email", f"{account}@{DOMAIN}")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.close()


RAW_VALUES = frozenset(
    [
        *map(str, Stage),
        *map(str, AssignmentStatus),
        *map(str, Recommendation),
        *map(str, DecisionKind),
    ]
) | {"pending", "sent", "dead", "cancelled", "superseded"}


def _crawl_as_each_role(app, lang: str) -> tuple[dict[str, list[str]], list[str]]:
    """Each role's pages in ``lang`` (test clients following links, every address pattern
    once), and what they show wrongly."""
    seen: set[str] = set()
    paths: dict[str, list[str]] = {}
    found: list[str] = []
    for role, account in DEMO_ROLES.items():
        user = user_by_email(f"{account}@{DOMAIN}") if account else None
        client = app.test_client(user=user) if user else app.test_client()
        client.set_cookie("lang", lang)
        pages = crawl(client, seen)
        paths[role] = list(pages)
        for path, body in pages.items():
            found += [f"{lang} {role} {path}: {p}" for p in problems(body, lang, RAW_VALUES)]
    return paths, found


def _too_wide(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _axe_problems(page, base: str) -> list[str]:
    # Served from the site's own origin, so the page's CSP (script-src 'self') allows it.
    page.add_script_tag(url=f"{base}/__axe.min.js")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    return list(result)


def test_every_page_in_both_languages_at_phone_width_and_accessible(app, live_server):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: `make test` runs `npm ci` (package.json)")
    load_demo()
    paths, wrong_language = _crawl_as_each_role(app, "vi")
    english_paths, wrong_in_english = _crawl_as_each_role(app, "en")
    assert wrong_language + wrong_in_english == []
    assert len(paths["anonymous"]) >= 15 and sum(map(len, paths.values())) >= 60
    assert sum(map(len, english_paths.values())) >= 60
    base = live_server.base_url
    axe_source = AXE.read_bytes()
    too_wide, inaccessible = [], []
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            for role, role_paths in paths.items():
                context = browser.new_context(viewport=PHONE, locale="vi-VN")
                _icons_from_disk(context, base)
                context.route(
                    f"{base}/__axe.min.js",
                    lambda route: route.fulfill(body=axe_source, content_type="text/javascript"),
                )
                if DEMO_ROLES[role]:
                    _log_in(context, base, DEMO_ROLES[role])
                page = context.new_page()
                for path in role_paths:
                    page.goto(base + path)
                    if (extra := _too_wide(page)) > 0:
                        too_wide.append(f"{role} {path}: {extra}px too wide")
                    if role == "anonymous":
                        inaccessible += [f"{path}: {p}" for p in _axe_problems(page, base)]
                    if path in SHOWN.get(role, ()):
                        name = f"{role}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}"
                        screenshot(page, f"phone-{name}")
                        page.set_viewport_size(DESKTOP)
                        screenshot(page, f"desktop-{name}")
                        page.set_viewport_size(PHONE)
                context.close()
        finally:
            browser.close()
    assert (too_wide, inaccessible) == ([], [])


def test_the_menu_folds_away_on_a_phone_and_opens_without_javascript(live_server):
    base = live_server.base_url
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            phone = browser.new_context(viewport=PHONE, java_script_enabled=False)
            _icons_from_disk(phone, base)
            page = phone.new_page()
            page.goto(f"{base}/about")
            archive = page.locator("header nav a[href='/archive']")
            assert not archive.is_visible()
            page.click("header details.menu > summary")
            assert archive.is_visible()
            desktop = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
            _icons_from_disk(desktop, base)
            page = desktop.new_page()
            page.goto(f"{base}/about")
            assert page.locator("header nav a[href='/archive']").is_visible()
            assert not page.locator("header details.menu > summary").is_visible()
        finally:
            browser.close()
