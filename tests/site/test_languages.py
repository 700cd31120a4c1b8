"""Every page of the demo journal, as each role reaches it, in Vietnamese and in English:
no raw code (snake_case, a bare stored value), no English sentence in a Vietnamese page and
no Vietnamese sentence in an English page, except where marked with the other ``lang``."""

from __future__ import annotations

from journal.accounts.services import user_by_email
from journal.demo import DOMAIN, load_demo
from journal.review.models import AssignmentStatus, DecisionKind, Recommendation
from journal.workflow import Stage

from ..admin.clients import fast_password_hashing  # noqa: F401  (demo users hash fast)
from .crawl import DEMO_ROLES, crawl, problems

RAW_VALUES = frozenset(
    [
        *map(str, Stage),
        *map(str, AssignmentStatus),
        *map(str, Recommendation),
        *map(str, DecisionKind),
    ]
) | {"pending", "sent", "dead", "cancelled", "superseded"}


def test_every_page_speaks_the_readers_language_without_raw_codes(app):
    load_demo()
    found, crawled = [], 0
    for lang in ("vi", "en"):
        seen: set[str] = set()
        for role, account in DEMO_ROLES.items():
            user = user_by_email(f"{account}@{DOMAIN}") if account else None
            client = app.test_client(user=user) if user else app.test_client()
            client.set_cookie("lang", lang)
            pages = crawl(client, seen)
            crawled += len(pages)
            for path, body in pages.items():
                found += [f"{lang} {role} {path}: {p}" for p in problems(body, lang, RAW_VALUES)]
    assert crawled >= 120
    assert found == []
