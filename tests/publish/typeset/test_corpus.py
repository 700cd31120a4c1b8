"""Real manuscripts no one here wrote (tests/publish/typeset/corpus; the whole corpus and its
table: bench/corpus.py): valid JATS 1.3 with ≥ 98 % of their words and every table, figure,
equation and reference pandoc read in them."""

from __future__ import annotations

import pytest

from journal.publish.typeset import convert, enrich, validate
from journal.publish.typeset.repair import repair_against_schema
from journal.publish.typeset.validate import load_schema

from . import samples
from .corpus import build, content_counts, source_counts

# One of each kind: a PLOS article as .docx, as .odt and as .tex with its .bib, an eLife
# article as .docx, and pandoc's own Word, ODF and LaTeX test documents.
SAMPLE = [
    "journal.pone.0117014",
    "journal.pmed.0030445",
    "journal.pone.0008519",
    "elife-02833-v2",
    "docx-sdt_elements",
    "odt-orderedListRoman",
    "tables",
]


@pytest.fixture(scope="module")
def manuscripts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return {m.name: m for m in build(folder, set(SAMPLE))}


@pytest.mark.parametrize("name", SAMPLE)
def test_real_manuscript_is_valid_and_complete(manuscripts, xsd_path, tmp_path, name):
    manuscript = manuscripts[name]
    before = source_counts(manuscript)

    converted = convert(
        manuscript.path,
        manuscript.fmt,
        tmp_path,
        figures=manuscript.figures,
        bibliography=manuscript.bibliography,
    )
    tree = enrich(converted.tree, samples.article_meta("en"))
    tree = repair_against_schema(tree, load_schema(str(xsd_path.resolve())), converted.repairs)
    validate(tree, xsd_path)
    after = content_counts(tree)

    assert after.words >= 0.98 * before.words, (before, after)
    assert after.tables >= before.tables
    assert after.figures >= before.figures
    assert after.equations >= before.equations
    assert after.references >= before.references
