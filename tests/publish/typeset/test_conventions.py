"""The article's language sets the typesetting conventions: citeproc's Vietnamese locale
("và" between two authors, "nnk." for more) and the cross-reference words ("Hình", "Bảng",
"Phương trình"), English ones for English articles."""

from __future__ import annotations

import pytest

from journal.publish.typeset import convert

from . import samples

MANUSCRIPT = """---
references:
- id: nguyen2021
  type: article-journal
  author: [{family: Nguyễn, given: Văn Khánh}, {family: Phạm, given: Thị Ngọc Hân}]
  title: Lúa chịu mặn
  container-title: Tạp chí Nông nghiệp
  issued: {date-parts: [[2021]]}
- id: le2020
  type: article-journal
  author: [{family: Lê, given: An}, {family: Trần, given: Bình}, {family: Võ, given: Cường},
    {family: Đỗ, given: Dũng}]
  title: Xâm nhập mặn
  container-title: Tạp chí Thủy lợi
  issued: {date-parts: [[2020]]}
---
# Kết quả

Như đã biết [@nguyen2021; @le2020], xem [@fig-ruong] và [@tbl-nangsuat; @tbl-man].

![Ruộng lúa](ruong.png){#fig-ruong}

| Tỉnh | Năng suất |
|---|---|
| Cà Mau | 4,2 |

: Năng suất {#tbl-nangsuat}

| Tỉnh | Độ mặn |
|---|---|
| Cà Mau | 4 |

: Độ mặn {#tbl-man}
"""


@pytest.mark.parametrize(
    ("lang", "citations", "figure", "tables"),
    [
        ("vi", ["Nguyễn và Phạm 2021", "Lê nnk. 2020"], "Hình 1", ["Bảng 1", "2"]),
        ("en", ["Nguyễn and Phạm 2021", "Lê et al. 2020"], "Figure 1", ["Table 1", "2"]),
    ],
)
def test_citations_and_cross_references_follow_the_article_language(
    tmp_path, lang, citations, figure, tables
):
    samples.figure_png(tmp_path / "ruong.png")
    path = tmp_path / "bai.md"
    path.write_text(MANUSCRIPT, encoding="utf-8")

    converted = convert(
        path, "md", tmp_path / "work", figures={"ruong.png": tmp_path / "ruong.png"}, lang=lang
    )

    body = converted.tree.find("body")

    def texts(ref_type: str) -> list[str]:
        return [
            " ".join("".join(x.itertext()).replace("\xa0", " ").split())
            for x in body.iter("xref")
            if x.get("ref-type") == ref_type
        ]

    assert texts("bibr") == citations
    assert texts("fig") == [figure]
    assert texts("table") == tables
