"""ORCID iDs: parsing, the ISO 7064 MOD 11-2 check digit, the canonical URL form."""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^([0-9]{4})-?([0-9]{4})-?([0-9]{4})-?([0-9]{3}[0-9X])$")
PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


class MalformedOrcid(ValueError):
    """Not four groups of four characters (digits, the last one may be X)."""


class OrcidCheckDigitError(ValueError):
    """Well formed, but the last character does not match the other fifteen."""


def check_digit(base_digits: str) -> str:
    total = 0
    for ch in base_digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str | None) -> str | None:
    """Return ``https://orcid.org/XXXX-XXXX-XXXX-XXXX``; None for empty.

    Raises ``MalformedOrcid`` or ``OrcidCheckDigitError`` (both ValueError) if invalid.
    """
    value = (value or "").strip()
    if not value:
        return None
    for prefix in PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    match = _PATTERN.match(value.upper())
    if not match:
        raise MalformedOrcid("malformed ORCID iD")
    digits = "".join(match.groups())
    if check_digit(digits[:15]) != digits[15]:
        raise OrcidCheckDigitError("ORCID iD check digit does not match")
    return "https://orcid.org/" + "-".join(match.groups())
