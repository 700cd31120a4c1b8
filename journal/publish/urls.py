"""Absolute public addresses, always built from BASE_URL (never from the Host header), so
feeds, OAI-PMH, Crossref and the sitemap give the same links whoever asks, in a request or
from the command line."""

from __future__ import annotations

from ..mail import external_url as public_url


def article_url(article) -> str:
    return public_url("publish.article", article_id=article.id)


def pdf_url(article) -> str:
    return public_url("publish.article_pdf", article_id=article.id)


def jats_url(article) -> str:
    return public_url("publish.article_jats", article_id=article.id)


def issue_url(issue) -> str:
    return public_url("publish.issue", issue_id=issue.id)


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


__all__ = ["article_url", "doi_url", "issue_url", "jats_url", "pdf_url", "public_url"]
