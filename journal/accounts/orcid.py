"""ORCID iDs: parsing, the ISO 7064 MOD 11-2 check digit, the canonical URL form."""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def check_digit(base_digits: str) -> str:
    total = 0
    for ch in base_digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str | None) -> str | None:
    """Return ``https://orcid.org/XXXX-XXXX-XXXX-XXXX``; None for empty; ValueError if invalid."""
    value = (value or "").strip()
    if not value:
        return None
    for prefix in PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    match = _PATTERN.match(value.upper())
    if not match:
        raise ValueError("malformed ORCID iD")
    digits = "".join(match.groups())
    if check_digit(digits[:15]) != digits[15]:
        raise ValueError("ORCID iD check digit does not match")
    return "https://orcid.org/" + "-".join(match.groups())
