"""Crawling the journal as a reader would: every page reachable by following links from the
home page and the signed-in menu, one page per address pattern, and the checks of what a
page shows in the wrong language or as a raw code."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

from lxml import html as lxml_html

# Addresses that are not pages (files, feeds, machine interfaces) or that act when followed.
SKIP = re.compile(
    r"^/(static|feeds|oai|api|embed|sitemap\.xml|robots\.txt|favicon\.ico|dev/mail)"
    r"|/galleys/\d+/html$"  # a galley's preview: in the article's language
    r"|/(pdf|jats\.xml|cite\.\w+|media/.*|download.*|preview.*|file.*|files/.*|atom|rss)$"
    r"|\.(docx|pdf|xml|csv|xlsx|json|zip|png|svg)$"
    r"|^/account/(logout|confirm|reset)"
)

# The demo's accounts by role (journal/demo.py) and the pages each starts from.
DEMO_ROLES = {
    "anonymous": None,
    "author": "author",
    "reviewer": "reviewer",
    "province_editor": "editor.ct",
    "board_member": "board.ct",
    "editor_in_chief": "eic",
    "admin": "admin",
}

# The home page (with the menu of the signed-in reader) and the pages linked from places
# that other roles reach first.
START = ("/", "/news", "/news/manage")

# Names a standard gives (OAI-PMH's metadata prefix), shown as they are.
STANDARD_NAMES = {"oai_dc"}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "for",
        "is",
        "are",
        "to",
        "your",
        "this",
        "not",
        "has",
        "have",
        "was",
        "be",
        "by",
        "from",
        "will",
        "an",
        "or",
        "you",
        "who",
        "which",
        "what",
        "when",
        "there",
        "their",
        "been",
        "it",
        "its",
    ]
)
VIETNAMESE_WORDS = frozenset(
    [
        "và",
        "của",
        "các",
        "những",
        "được",
        "cho",
        "không",
        "có",
        "là",
        "này",
        "trong",
        "với",
        "một",
        "đã",
        "chưa",
        "bài",
        "bản",
        "người",
        "khi",
        "để",
        "theo",
        "từ",
        "đến",
    ]
)
SKIPPED_TEXT = ["script", "style", "code", "pre", "textarea", "option"]
# What people wrote (comments, letters, reasons: shown as written, class "prewrap" or
# "letter") is in the language they wrote it in, whatever the reader's.
WRITTEN = "//*[contains(concat(' ', @class, ' '), ' prewrap ') or contains(@class, 'letter')]"


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, seen: set[str] | None = None, start=START, limit: int = 400) -> dict[str, bytes]:
    """Path → HTML of every page reached by links (GET, same site), one per pattern.

    ``seen`` holds the patterns crawled before (by another role): they are not fetched
    again, except the start pages, whose menu differs by role."""
    seen_patterns = seen if seen is not None else set()
    pages: dict[str, bytes] = {}
    queue = deque(start)
    starting = set(start)
    while queue and len(pages) < limit:
        path = queue.popleft()
        key = pattern(path)
        if key in seen_patterns and path not in starting:
            continue
        starting.discard(path)
        seen_patterns.add(key)
        response = client.get(path, follow_redirects=True)
        body = response.data
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        path = response.request.path + (
            f"?{response.request.query_string.decode()}" if response.request.query_string else ""
        )
        seen_patterns.add(pattern(path))
        pages[path] = body
        doc = lxml_html.fromstring(body)
        for href in doc.xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIP.search(parts.path) or "lang=" in parts.query:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if pattern(target) not in seen_patterns:
                queue.append(target)
    return pages


def _blocks(doc, page_lang: str):
    """The text of each element, without what is marked as the other language, code, or
    form values: what a reader of ``page_lang`` is expected to read in ``page_lang``."""
    for element in doc.xpath(
        "//*[@lang and @lang != $lang] | //" + " | //".join(SKIPPED_TEXT) + " | " + WRITTEN,
        lang=page_lang,
    ):
        element.drop_tree() if element.getparent() is not None else None
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        texts = [element.text or ""] + [child.tail or "" for child in element]
        text = " ".join(" ".join(texts).split())
        if text:
            yield element, text


def _clean(text: str) -> str:
    text = re.sub(r"\S+@\S+|https?://\S+|\b10\.\d{4,9}/\S+|/[\w./-]+|\S+\.[a-z]{2,4}\b", " ", text)
    return text


def problems(html: bytes, page_lang: str, raw_codes: frozenset[str]) -> list[str]:
    """What a page shows wrongly: snake_case codes, a bare enum value as a label, English
    sentences in a Vietnamese page, Vietnamese sentences in an English page."""
    doc = lxml_html.fromstring(html)
    if doc.get("lang") != page_lang:
        return [f"the page is not in {page_lang}"]
    found = []
    for element, text in _blocks(doc, page_lang):
        words = _clean(text)
        for code in set(SNAKE.findall(words)) - STANDARD_NAMES:
            found.append(f"raw code {code!r} in <{element.tag}>: {text[:80]}")
        if text in raw_codes:
            found.append(f"raw value {text!r} in <{element.tag}>")
        tokens = re.findall(r"\w+", words.lower())
        if page_lang == "vi":
            english = [t for t in tokens if t in ENGLISH_WORDS]
            if len(english) >= 2:
                found.append(f"English in <{element.tag}>: {text[:100]}")
        else:
            vietnamese = [t for t in tokens if t in VIETNAMESE_WORDS]
            if len(vietnamese) >= 2:
                found.append(f"Vietnamese in <{element.tag}>: {text[:100]}")
    return found
