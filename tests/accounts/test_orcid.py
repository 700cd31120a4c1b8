"""ORCID iDs: ISO 7064 MOD 11-2 check digit, accepted spellings, errors."""

import pytest

from journal.accounts.orcid import (
    MalformedOrcid,
    OrcidCheckDigitError,
    check_digit,
    normalize_orcid,
)


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_valid_orcids_are_kept_as_urls(orcid):
    assert normalize_orcid(orcid) == f"https://orcid.org/{orcid}"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://orcid.org/0000-0002-1694-233X",
        "http://orcid.org/0000-0002-1694-233X",
        "orcid.org/0000-0002-1694-233X",
        "HTTPS://ORCID.ORG/0000-0002-1694-233x",
        "  0000000216942 33X ".replace(" 33", "33"),
        "0000-0002-1694-233x",
    ],
)
def test_url_and_compact_spellings_are_accepted(spelling):
    assert normalize_orcid(spelling) == "https://orcid.org/0000-0002-1694-233X"


def test_check_digit_x_stands_for_ten():
    assert check_digit("000000021694233") == "X"
    assert check_digit("000000021825009") == "7"


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0098", "0000-0001-5109-3701", "0000-0002-1694-2330"]
)
def test_wrong_check_digit(orcid):
    with pytest.raises(OrcidCheckDigitError):
        normalize_orcid(orcid)


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825",
        "0000-0002-1825-00977",
        "0000-0002-1825-009",
        "X000-0002-1825-0097",
        "0000_0002_1825_0097",
        "https://example.org/0000-0002-1825-0097",
        "٠٠٠٠-٠٠٠٢-١٨٢٥-٠٠٩٧",  # Arabic-Indic digits are not ORCID digits
        "0000-0002-1825-0097\n0000",
    ],
)
def test_malformed(orcid):
    with pytest.raises(MalformedOrcid):
        normalize_orcid(orcid)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_means_none(empty):
    assert normalize_orcid(empty) is None


def test_both_errors_are_value_errors():
    assert issubclass(MalformedOrcid, ValueError)
    assert issubclass(OrcidCheckDigitError, ValueError)
