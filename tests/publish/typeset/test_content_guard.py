"""The content guard on every run: what pandoc read in the manuscript is counted by the
filter, and a run whose JATS, HTML or PDF lost words, tables, pictures or equations fails
with a message naming what went missing."""

from __future__ import annotations

import pytest

from journal.publish.typeset import TypesetError, convert, pipeline, typeset
from journal.publish.typeset.counts import ContentCounts, check_kept

from . import samples

MANUSCRIPT = """# Kết quả

Độ mặn tăng theo mùa khô, $S = a + bt$, và năng suất giảm.[^1]

| Tỉnh | Năng suất |
|---|---|
| Cà Mau | 4,2 |

![Hình 1. Ruộng lúa](ruong.png)

[^1]: Số liệu năm 2024.
"""


@pytest.fixture
def manuscript(tmp_path):
    samples.figure_png(tmp_path / "ruong.png")
    path = tmp_path / "bai.md"
    path.write_text(MANUSCRIPT, encoding="utf-8")
    return path


def test_pandoc_reading_is_counted(manuscript, tmp_path):
    converted = convert(
        manuscript, "md", tmp_path / "w", figures={"ruong.png": tmp_path / "ruong.png"}
    )

    counts = converted.source_counts
    assert (counts.tables, counts.figures, counts.equations, counts.footnotes) == (1, 1, 1, 1)
    # Kết quả / Độ mặn … giảm, less the equation / the table / the caption (a note's words
    # are left out: the guard may only be lenient about them, never count them twice)
    assert counts.words == 2 + 10 + 7 + 4
    assert not any("typeset-counts" in w for w in converted.warnings)


def test_a_galley_that_lost_content_fails_the_run_naming_it(manuscript, tmp_path, monkeypatch):
    real = pipeline.render_html

    def without_tables(tree, **kwargs):
        for wrap in list(tree.iter("table-wrap")):
            wrap.getparent().remove(wrap)
        return real(tree, **kwargs)

    monkeypatch.setattr(pipeline, "render_html", without_tables)
    stages: list[str] = []

    with pytest.raises(TypesetError) as caught:
        typeset(
            manuscript,
            "md",
            samples.article_meta("vi"),
            tmp_path / "w",
            xsd_path=None,
            figures={"ruong.png": tmp_path / "ruong.png"},
            progress=stages.append,
        )
    message = str(caught.value.message)
    assert "1 of 1 tables" in message and "words" in message and "HTML galley" in message
    assert stages[-1] == "html"


def test_words_within_the_tolerance_pass_and_a_lost_equation_does_not():
    source = ContentCounts(words=1000, equations=3)

    check_kept(source, ContentCounts(words=985, equations=3), "jats", compare=("words",))
    with pytest.raises(TypesetError, match="1 of 3 equations"):
        check_kept(source, ContentCounts(words=1000, equations=2), "jats", compare=("equations",))
    with pytest.raises(TypesetError, match="30 of 1000 words"):
        check_kept(source, ContentCounts(words=970), "pdf", compare=("words",))
