"""Cleaning typed text and the folded form the listings search in."""

from __future__ import annotations

import re

from journal.search.analysis import fold, normalize

from .errors import BridgeError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+().\s-]{0,40}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
QUERY_MAX = 200


def clean(
    value: str | None, maximum: int, message, *, required: bool = False, required_message=None
) -> str:
    """Stripped text without control characters (PostgreSQL refuses NUL bytes)."""
    value = _CONTROL.sub("", value or "").strip()
    if len(value) > maximum:
        raise BridgeError(message)
    if required and not value:
        raise BridgeError(required_message or message)
    return value


def clean_email(value: str | None, message, *, required: bool = True) -> str:
    value = clean(value, 254, message)
    if not value and not required:
        return ""
    if not _EMAIL.match(value):
        raise BridgeError(message)
    return value


def clean_phone(value: str | None, message) -> str:
    value = clean(value, 40, message)
    if not _PHONE.match(value):
        raise BridgeError(message)
    return value


def clean_url(value: str | None, message) -> str:
    value = clean(value, 300, message)
    if value and not _URL.match(value):
        raise BridgeError(message)
    return value


def folded(*parts: str) -> str:
    """Lower-case words without diacritics, separated by single spaces."""
    text = " ".join(p for p in parts if p)
    return " ".join(re.findall(r"\w+", fold(normalize(text))))


def query_terms(query: str | None) -> list[str]:
    """The folded words of a search box (at most 10)."""
    return folded((query or "")[:QUERY_MAX]).split()[:10]


def matches_terms(column, terms: list[str]):
    """SQL conditions: every term occurs in the folded ``column``."""
    return [column.contains(term, autoescape=True) for term in terms]
