"""DOIs, ORCID iDs, ISSNs and URLs: normal forms and the checks Crossref applies."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .text import clean_line

_DOI = re.compile(r"10\.[0-9]{4,9}/\S.{0,199}")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
_ORCID = re.compile(r"([0-9]{4})-?([0-9]{4})-?([0-9]{4})-?([0-9]{3}[0-9X])")
_ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
_ISSN = re.compile(r"([0-9]{4})-?([0-9]{3}[0-9X])")


def normalize_doi(value: str | None) -> str:
    """``10.xxxx/suffix`` without a resolver prefix or ``doi:``; empty for nothing."""
    doi = clean_line(value)
    lowered = doi.lower()
    for prefix in (*_DOI_PREFIXES, "doi:"):
        if lowered.startswith(prefix):
            return doi[len(prefix) :].strip()
    return doi


def is_doi(value: str) -> bool:
    """Matches Crossref's ``doi_t`` pattern (and holds no white space)."""
    return bool(_DOI.fullmatch(value)) and not re.search(r"\s", value) and len(value) <= 2048


def orcid_check_digit(first_fifteen: str) -> str:
    """ISO 7064 MOD 11-2, as ORCID computes it."""
    total = 0
    for ch in first_fifteen:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str | None) -> str | None:
    """``https://orcid.org/XXXX-XXXX-XXXX-XXXX``, or None when absent or not a valid iD."""
    orcid = clean_line(value).upper()
    if not orcid:
        return None
    for prefix in _ORCID_PREFIXES:
        if orcid.lower().startswith(prefix):
            orcid = orcid[len(prefix) :]
            break
    match = _ORCID.fullmatch(orcid)
    if not match:
        return None
    digits = "".join(match.groups())
    if orcid_check_digit(digits[:15]) != digits[15]:
        return None
    return "https://orcid.org/" + "-".join(match.groups())


def normalize_issn(value: str | None) -> str | None:
    """``NNNN-NNNC`` when the check digit is right, else None."""
    issn = clean_line(value).upper()
    match = _ISSN.fullmatch(issn)
    if not match:
        return None
    digits = "".join(match.groups())
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    if digits[7] != ("X" if check == 10 else str(check)):
        return None
    return f"{digits[:4]}-{digits[4:]}"


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host and no white space, at most 2048 characters."""
    if not value or len(value) > 2048 or re.search(r"\s", value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
