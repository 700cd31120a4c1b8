"""Content after the "References" heading: only the reference list becomes references; its
sub-bibliographies stay lists of references; legends, appendices and acknowledgements go to
the JATS back matter and into the HTML galley, with every word and equation."""

from __future__ import annotations

from journal.publish.typeset import convert, enrich, render_html, validate
from journal.publish.typeset.safexml import MML

from . import samples

MANUSCRIPT = """# Mở đầu

Năng suất lúa giảm theo độ mặn [1].

# Tài liệu tham khảo

1. Nguyễn Văn A. 2020. Lúa chịu mặn. Tạp chí Nông nghiệp 12: 15–24.
2. Trần Thị B. 2019. Xâm nhập mặn. Tạp chí Thủy lợi 3: 1–9.

## Sách

- Lê Văn C. 2018. Cây lúa đồng bằng. Nhà xuất bản Nông nghiệp.

Hình 1. Ruộng lúa ở Cần Thơ sau đợt mặn.

# Phụ lục A

Mô hình hồi quy $y = a e^{-bS}$ cho từng tỉnh.

# Lời cảm ơn

Chúng tôi cảm ơn nông dân Sóc Trăng.
"""


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_back_matter_after_the_references_is_kept(tmp_path, xsd_path):
    path = tmp_path / "bai.md"
    path.write_text(MANUSCRIPT, encoding="utf-8")

    converted = convert(path, "md", tmp_path / "work")
    tree = enrich(converted.tree, samples.article_meta("vi"))
    validate(tree, xsd_path)

    back = tree.find("back")
    ref_list = back.find("ref-list")
    assert [words(r.find("mixed-citation"))[:9] for r in ref_list.iter("ref")] == [
        "Nguyễn Vă",
        "Trần Thị ",
        "Lê Văn C.",
    ]
    assert ref_list.findtext("ref-list/title") == "Sách"
    legend = back.find("notes")
    assert words(legend) == "Hình 1. Ruộng lúa ở Cần Thơ sau đợt mặn."
    app = back.find("app-group/app")
    assert app.findtext("title") == "Phụ lục A" and app.find(f".//{{{MML}}}math") is not None
    assert back.find("ack/title").text == "Lời cảm ơn"
    assert "nông dân Sóc Trăng" in words(back.find("ack"))
    assert [s.findtext("title") for s in tree.findall("body/sec")] == ["Mở đầu"]

    html = render_html(tree)
    for text in ("Phụ lục A", "nông dân Sóc Trăng", "Ruộng lúa ở Cần Thơ", "Cây lúa đồng bằng"):
        assert text in html
