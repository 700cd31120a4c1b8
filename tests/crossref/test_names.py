"""Given and family names from names as printed."""

from __future__ import annotations

import pytest

from crossref import Contributor, split_name


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Nguyễn Văn An", ("Văn An", "Nguyễn")),
        ("Nguyen Van An", ("Van An", "Nguyen")),  # without diacritics
        ("ĐẶNG THỊ HOA", ("THỊ HOA", "ĐẶNG")),
        ("Lê Thị Hồng", ("Thị Hồng", "Lê")),
        ("Thạch Thị Sa Rươl", ("Thị Sa Rươl", "Thạch")),  # Khmer-Vietnamese
        ("Jane M. Smith", ("Jane M.", "Smith")),
        ("Tom Le", ("Tom", "Le")),  # written the Western way
        ("Mai Nguyen", ("Mai", "Nguyen")),  # Mai could be a family name; Nguyen decides
        ("Smith, Jane", ("Jane", "Smith")),
        ("Nguyễn, Văn An", ("Văn An", "Nguyễn")),
        ("Suharto", ("", "Suharto")),
        ("  Trần   Thị\tBé  ", ("Thị Bé", "Trần")),
    ],
)
def test_automatic_split(full_name, expected):
    assert split_name(full_name) == expected


def test_explicit_order_overrides_the_guess():
    assert split_name("Kim Smith") == ("Smith", "Kim")  # Kim is a Mekong Delta family name
    assert split_name("Kim Smith", "given-first") == ("Kim", "Smith")
    assert split_name("An Nguyen Van", "family-first") == ("Nguyen Van", "An")


def test_contributor_uses_explicit_names_when_given():
    assert Contributor("Kim Smith", name_order="given-first").names() == ("Kim", "Smith")
    assert Contributor("Nguyễn Văn An", given_name="An", family_name="Nguyễn Văn").names() == (
        "An",
        "Nguyễn Văn",
    )
    assert Contributor("Nguyễn Văn An", family_name="  ").names() == ("Văn An", "Nguyễn")
