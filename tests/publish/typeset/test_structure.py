"""The structural checks that run with or without the official JATS schema: a real article
passes them; a dangling link, a duplicate or malformed id, or missing front matter is refused;
and without the schema the whole pipeline still typesets, saying it checked structure only."""

from __future__ import annotations

import copy

import pytest

from journal.publish.typeset import TypesetError, typeset, validate
from journal.publish.typeset.safexml import ALI, HREF, parse_xml
from journal.publish.typeset.validate import REQUIRED_FRONT_MATTER

from . import samples


@pytest.fixture
def article(galleys):
    """The sample Markdown article's JATS, as the pipeline made it (a fresh copy)."""
    result, _, _ = galleys("md", "vi")
    return copy.deepcopy(parse_xml(result.jats))


def test_a_real_article_passes_the_structural_checks_and_the_schema(article, xsd_path):
    validate(article, None)
    validate(article, xsd_path)


def test_a_dangling_cross_reference_is_refused_without_the_schema(article):
    xref = next(x for x in article.iter("xref") if x.get("ref-type") == "bibr")
    xref.set("rid", "ref-nobody2020")

    with pytest.raises(TypesetError, match="links to nothing") as caught:
        validate(article, None)
    assert "#ref-nobody2020" in str(caught.value.message)


@pytest.mark.parametrize(
    ("new_id", "message"),
    [("1-số-đầu", "not valid XML names"), ("has space", "not valid XML names"), (None, "same id")],
)
def test_malformed_and_duplicate_ids_are_refused(article, new_id, message):
    fig = next(article.iter("fig"))
    table = next(article.iter("table-wrap"))
    if new_id is None:  # the table takes the figure's id
        table.set("id", fig.get("id"))
    else:
        for xref in article.iter("xref"):
            if xref.get("rid") == fig.get("id"):
                xref.set("rid", new_id)
        fig.set("id", new_id)

    with pytest.raises(TypesetError, match=message):
        validate(article, None)


@pytest.mark.parametrize(("path", "name"), REQUIRED_FRONT_MATTER)
def test_missing_front_matter_is_refused(article, path, name):
    for element in article.findall(path):
        element.getparent().remove(element)

    with pytest.raises(TypesetError, match="lacks required front matter") as caught:
        validate(article, None)
    assert name in str(caught.value.message)


def test_an_empty_article_title_counts_as_missing(article):
    article.find("front/article-meta/title-group/article-title").text = "  "

    with pytest.raises(TypesetError, match="article title"):
        validate(article, None)


def test_a_licence_without_its_address_is_refused(article):
    licence = article.find("front/article-meta/permissions/license")
    del licence.attrib[HREF]
    licence.remove(licence.find(f"{{{ALI}}}license_ref"))

    with pytest.raises(TypesetError, match="licence address"):
        validate(article, None)


def test_without_the_schema_the_pipeline_typesets_and_says_so(tmp_path, sample_dir):
    manuscript = tmp_path / "bai-bao.md"
    manuscript.write_text(samples.markdown("vi"), encoding="utf-8")

    result = typeset(
        manuscript,
        "md",
        samples.article_meta("vi"),
        tmp_path / "work",
        xsd_path=None,
        figures={"figure.png": sample_dir / "figure.png"},
    )

    assert result.schema_validated is False
    assert result.pdf.startswith(b"%PDF") and "<figure" in result.html
    assert b"<issn" in result.jats


def test_without_the_schema_a_dangling_citation_is_repaired_and_reported(tmp_path):
    """No `references` metadata: the citation would link to a reference-list entry that
    does not exist; it is kept as text and the repair is listed for the editor."""
    manuscript = tmp_path / "thieu-tai-lieu.md"
    manuscript.write_text("# Mở đầu\n\nKết quả trước đây [@nobody2020].\n", encoding="utf-8")

    result = typeset(manuscript, "md", samples.article_meta("vi"), tmp_path / "work", xsd_path=None)

    tree = parse_xml(result.jats)
    validate(tree, None)
    assert tree.find("body//xref") is None
    assert "nobody2020" in "".join(tree.find("body").itertext())
    assert [r.kind for r in result.repairs] == ["link"]
    assert "“nobody2020” → ref-nobody2020" in str(result.repairs[0])


def test_schema_errors_are_plain_sentences_with_their_place(app, article, xsd_path):
    from flask_babel import force_locale

    sec = next(s for s in article.iter("sec") if s.find("p") is not None)
    title = " ".join(sec.findtext("title").split())
    paragraph = sec.find("p")
    etree_list = paragraph.makeelement("list", {})
    etree_list.append(paragraph.makeelement("list-item", {}))
    paragraph.addnext(etree_list)

    with pytest.raises(TypesetError) as caught:
        validate(article, xsd_path)

    with app.test_request_context(), force_locale("en"):
        english = str(caught.value.message)
    with app.test_request_context(), force_locale("vi"):
        vietnamese = str(caught.value.message)
    assert f"a list item is empty or incomplete, in the section “{title}”" in english
    assert "line" not in english and "Expected is" not in english
    assert f"mục “{title}”" in vietnamese and "mục danh sách" in vietnamese
