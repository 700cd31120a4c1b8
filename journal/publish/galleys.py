"""The published galleys, read from the file store: the HTML galley's body shown inside the
landing page (sanitised again), the references of the JATS, and the JATS ``<article>``.

Files are content-addressed and never change, so what is derived from them is cached by
digest."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from lxml import etree
from markupsafe import Markup

from ..storage import file_store
from .typeset.htmlgalley import sanitise

log = logging.getLogger(__name__)
_MEDIA_SRC = re.compile(r"^media/([^/?#]+)$")


def read_blob(sha256: str) -> bytes:
    with file_store().open(sha256) as stream:
        return stream.read()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@lru_cache(maxsize=128)
def _inline_html(html_sha: str, media_base: str) -> str:
    document = lxml.html.document_fromstring(read_blob(html_sha))
    parts = document.xpath(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]"
        " | //div[contains(concat(' ', normalize-space(@class), ' '), ' article-back ')]"
    )
    for part in parts:
        for image in part.iter("img"):
            match = _MEDIA_SRC.match(image.get("src", ""))
            if match:
                image.set("src", media_base + match.group(1))
    fragment = "".join(lxml.html.tostring(p, encoding="unicode") for p in parts)
    return sanitise(fragment)


def inline_html(galley, media_base: str) -> Markup:
    """The HTML galley's body and back matter, sanitised, images pointing at
    ``media_base``<name>."""
    try:
        return Markup(_inline_html(galley.html_sha256, media_base))  # noqa: S704 (sanitised)
    except FileNotFoundError:
        log.error("HTML galley %s is missing from the file store", galley.html_sha256)
        return Markup("")


@dataclass(frozen=True)
class Reference:
    key: str
    text: str
    doi: str | None


@lru_cache(maxsize=256)
def _references(jats_sha: str) -> tuple[Reference, ...]:
    root = etree.fromstring(read_blob(jats_sha), _parser())
    found = []
    for position, ref in enumerate(root.iterfind(".//back/ref-list/ref"), start=1):
        citation = ref.find("mixed-citation")
        if citation is None:
            citation = ref.find("element-citation")
        if citation is None:
            continue
        text = " ".join("".join(citation.itertext()).split())
        doi = citation.findtext(".//pub-id[@pub-id-type='doi']")
        found.append(
            Reference(ref.get("id") or f"ref{position}", text, (doi or "").strip() or None)
        )
    return tuple(found)


def references(galley) -> tuple[Reference, ...]:
    """The reference list of the galley's JATS."""
    return _references(galley.jats_sha256)


def jats_article(galley) -> etree._Element:
    """The JATS ``<article>`` element of the galley (a fresh tree: callers may change it)."""
    return etree.fromstring(read_blob(galley.jats_sha256), _parser())


def public_jats_article(galley) -> etree._Element:
    """The galley's ``<article>`` as the public gets it (the JATS download, OAI-PMH): the
    corresponding authors' e-mail addresses only, the others' left out."""
    article = jats_article(galley)
    for contrib in article.iter("contrib"):
        corresponding = contrib.get("corresp") == "yes" or any(
            x.get("ref-type") == "corresp" for x in contrib.iter("xref")
        )
        if not corresponding:
            for email in contrib.findall("email"):
                contrib.remove(email)
    return article


def public_jats(galley) -> bytes:
    return etree.tostring(public_jats_article(galley), xml_declaration=True, encoding="UTF-8")


def media_names(galley) -> dict[str, str]:
    return dict(galley.media or {})


def media_url_base(article_id: int) -> str:
    from flask import url_for

    return url_for("publish.article_media", article_id=article_id, name="x")[:-1]
