"""List numbering as the author wrote it: a list starting at 3 and a lettered "a)" list keep
their labels in JATS, HTML and PDF (they used to print as "1.")."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from journal.publish.typeset import typeset

from . import samples


def test_written_list_labels_reach_every_galley(tmp_path):
    manuscript = tmp_path / "thuat-toan.md"
    manuscript.write_text(
        "# Thuật toán\n\n3. Đo độ mặn tại cống.\n4. Ghi số liệu.\n\nSau đó:\n\n"
        "a) Lọc nhiễu.\nb) Tính trung bình.\n",
        encoding="utf-8",
    )

    result = typeset(manuscript, "md", samples.article_meta("vi"), tmp_path / "w", xsd_path=None)

    assert b"<label>3.</label>" in result.jats and b"<label>b)</label>" in result.jats
    labels = re.findall(r'<span class="list-label">([^<]+)</span>', result.html)
    assert labels == ["3.", "4.", "a)", "b)"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert re.search(r"3\.\s*Đo độ mặn", text) and re.search(r"b\)\s*Tính trung bình", text)
    assert not re.search(r"1\.\s*Đo độ mặn", text)
