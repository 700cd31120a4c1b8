"""Missing or broken metadata is reported by article name before anything is deposited."""

from __future__ import annotations

from datetime import date

import pytest

from crossref import (
    Citation,
    Contributor,
    Funding,
    MetadataError,
    build_deposit,
    check_batch,
    check_deposit,
    check_issue,
    check_journal,
    check_required,
)

from .samples import (
    make_articles,
    make_batch,
    make_english_article,
    make_issue,
    make_journal,
    make_short_article,
    make_vietnamese_article,
)

VI_LABEL = (
    "Article 'Đánh giá chất lượng nước mặt vùng ven biển tỉnh Cà Mau' (DOI 10.32013/mdj.2025.0001)"
)


@pytest.mark.parametrize("article", make_articles(), ids=["vi", "en", "short"])
def test_complete_articles_have_no_problems(article):
    assert check_required(article) == []


def test_missing_publication_date_is_reported_by_name():
    article = make_vietnamese_article(published_online=None, published_print=None)
    assert check_required(article) == [f"{VI_LABEL}: no publication date"]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"doi": ""}, "no DOI"),
        ({"doi": "mdj-2025-1"}, "'mdj-2025-1' is not a DOI (10.prefix/suffix)"),
        ({"landing_url": ""}, "no landing page URL"),
        ({"landing_url": "javascript:alert(1)"}, "the landing page URL is not an http(s) URL"),
        ({"pdf_url": "file:///etc/passwd"}, "the PDF URL is not an http(s) URL"),
        ({"licence_url": "CC BY"}, "the licence URL is not an http(s) URL"),
        ({"language": "fr"}, "language 'fr' is neither vi nor en"),
        ({"first_page": None, "last_page": "9"}, "a last page without a first page"),
        ({"first_page": "20", "last_page": "3"}, "last page 3 comes before first page 20"),
        ({"published_online": date(1066, 1, 1)}, "date 1066-01-01 is out of range"),
        (
            {"funding": (Funding(funder_name="  ", award_number="X-1"),)},
            "a funding entry has no funder name",
        ),
    ],
)
def test_each_problem_names_the_article(changes, problem):
    article = make_vietnamese_article(**changes)
    problems = check_required(article)
    assert len(problems) == 1
    assert problems[0].endswith(f": {problem}")
    assert "Đánh giá chất lượng nước mặt" in problems[0]


def test_missing_title_in_article_language_names_the_other_title_and_doi():
    article = make_vietnamese_article(title_vi="")
    assert check_required(article) == [
        "Article 'Assessing surface water quality in the coastal zone of Cà M…' "
        "(DOI 10.32013/mdj.2025.0001): no title in Vietnamese, the article's language"
    ]


def test_article_without_any_title_or_doi_is_still_identifiable():
    article = make_short_article(title_vi="", doi="", published_print=None)
    assert check_required(article) == [
        "Article without a title (no DOI): no DOI",
        "Article without a title (no DOI): no title in Vietnamese, the article's language",
        "Article without a title (no DOI): no publication date",
    ]


def test_long_titles_are_shortened_in_the_label():
    article = make_english_article(title_en="Shrimp " * 40, doi="bad")
    (problem,) = check_required(article)
    assert problem.startswith("Article 'Shrimp Shrimp")
    assert "…' (DOI bad): 'bad' is not a DOI" in problem
    assert len(problem) < 140


def test_contributor_problems_name_the_author():
    article = make_english_article(
        contributors=(
            Contributor("Jane Smith", orcid="0000-0002-1825-0098"),  # wrong check digit
            Contributor("   "),
            Contributor("Nguyễn " + "A" * 70),
            Contributor("? ?Bo"),
            Contributor("Lê Văn Tám", affiliations=("x" * 1025,)),
        )
    )
    label = "Article 'IoT sensors in shrimp farming' (DOI 10.32013/mdj.2025.0002)"
    assert check_required(article) == [
        f"{label}: author 1 (Jane Smith): '0000-0002-1825-0098' is not a valid ORCID iD",
        f"{label}: author 2 has no name",
        f"{label}: author 3 (Nguyễn AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…): "
        "given name is longer than 60 characters",
        f"{label}: author 4 (? ?Bo): given name '?' is not a name Crossref accepts",
        f"{label}: author 4 (? ?Bo): family name '?Bo' is not a name Crossref accepts",
        f"{label}: author 5 (Lê Văn Tám): an affiliation is longer than 1024 characters",
    ]


def test_citation_problems():
    article = make_english_article(
        citations=(
            Citation("a", doi="10.1/x"),
            Citation("b"),
            Citation("b", unstructured="Text."),
            Citation(" ", unstructured="Keyless."),
        )
    )
    problems = [p.split("): ", 1)[1] for p in check_required(article)]
    assert problems == [
        "reference key 'b' is used 2 times",
        "reference 1 (a): '10.1/x' is not a DOI",
        "reference 2 (b) has neither a DOI nor text",
        "reference 4 has no key",
    ]


def test_journal_issue_and_batch_checks():
    assert check_journal(make_journal()) == []
    assert check_journal(make_journal(issn_print=None, issn_electronic="1234-5678")) == [
        "Journal: '1234-5678' is not a valid ISSN"
    ]
    assert check_journal(
        make_journal(issn_print="", issn_electronic=None, title_vi="", title_en="")
    ) == [
        "Journal: no title",
        "Journal: no ISSN (print or electronic)",
    ]
    assert check_issue(make_issue(volume="v" * 33, year=99)) == [
        "Issue: volume is longer than 32 characters",
        "Issue: year 99 is out of range",
    ]
    assert check_batch(make_batch(depositor_email="nobody", batch_id="x")) == [
        "Batch: batch id must be 4 to 100 characters",
        "Batch: depositor e-mail address is not valid",
    ]


def test_duplicate_dois_in_a_batch():
    articles = [make_vietnamese_article(), make_english_article(doi="10.32013/MDJ.2025.0001")]
    assert check_deposit(make_batch(), make_journal(), make_issue(), articles) == [
        "DOI 10.32013/mdj.2025.0001 appears 2 times in the batch"
    ]


def test_build_refuses_and_lists_every_problem_before_any_xml():
    articles = [
        make_vietnamese_article(published_online=None, published_print=None),
        make_english_article(),
        make_short_article(doi="10.32013/"),
    ]
    with pytest.raises(MetadataError) as caught:
        build_deposit(
            make_batch(),
            make_journal(issn_print=None, issn_electronic=None),
            make_issue(),
            articles,
        )
    assert caught.value.problems == [
        "Journal: no ISSN (print or electronic)",
        f"{VI_LABEL}: no publication date",
        "Article 'Ghi chú về giống lúa chịu mặn OM5451' (DOI 10.32013/): "
        "'10.32013/' is not a DOI (10.prefix/suffix)",
    ]
    assert "no publication date" in str(caught.value)


def test_build_refuses_an_empty_batch():
    with pytest.raises(MetadataError, match="no articles"):
        build_deposit(make_batch(), make_journal(), make_issue(), [])
