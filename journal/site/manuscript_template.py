"""The manuscript template authors download from the guidelines page: a .docx built with
python-docx, in the styles the typesetting pipeline reads (headings, captions, a real table,
numbered references). The title, abstracts, keywords and authors are entered in the
submission form, so the template holds the body of the article only."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

TEXT = {
    "vi": {
        "note": (
            "Hướng dẫn: tên bài, tóm tắt, từ khóa (tiếng Việt và tiếng Anh) và tác giả được "
            "nhập trong biểu mẫu nộp bài, không ghi trong tệp này. Tệp này chỉ chứa nội dung "
            "bài báo. Giữ các kiểu định dạng (Heading 1, Heading 2, Caption); xóa đoạn hướng "
            "dẫn này trước khi nộp. Bản thảo gửi phản biện không ghi tên tác giả."
        ),
        "sections": [
            ("Giới thiệu", "Nêu vấn đề nghiên cứu, tổng quan ngắn và mục tiêu của bài [1]."),
            (
                "Vật liệu và phương pháp",
                "Mô tả vật liệu, địa điểm, thời gian và phương pháp đủ để người khác lặp lại.",
            ),
            ("Kết quả và thảo luận", "Trình bày kết quả theo thứ tự logic; so sánh với [2]."),
            ("Kết luận", "Tóm lược các kết quả chính và ý nghĩa thực tiễn."),
            ("Lời cảm ơn", "Ghi nhiệm vụ khoa học và công nghệ tài trợ (mã số, cơ quan)."),
        ],
        "subsection": "Tiểu mục (Heading 2)",
        "table_caption": "Bảng 1. Tên bảng đặt phía trên bảng",
        "table": [("Chỉ tiêu", "Đơn vị", "Giá trị"), ("Năng suất", "tấn/ha", "6,8")],
        "references": "Tài liệu tham khảo",
    },
    "en": {
        "note": (
            "Guidance: the title, abstracts, keywords (in Vietnamese and in English) and the "
            "authors are entered in the submission form, not in this file, which holds the "
            "body of the article only. Keep the styles (Heading 1, Heading 2, Caption); "
            "delete this paragraph before submitting. The manuscript sent for review names "
            "no author."
        ),
        "sections": [
            (
                "Introduction",
                "State the research problem, a short review and the aims of the study [1].",
            ),
            (
                "Materials and methods",
                "Describe materials, sites, dates and methods well enough to be repeated.",
            ),
            ("Results and discussion", "Present the results in a logical order; compare [2]."),
            ("Conclusions", "Sum up the main results and what they mean in practice."),
            ("Acknowledgements", "Name the funded science and technology task (code, agency)."),
        ],
        "subsection": "A subsection (Heading 2)",
        "table_caption": "Table 1. The table's title goes above the table",
        "table": [("Variable", "Unit", "Value"), ("Yield", "t/ha", "6.8")],
        "references": "References",
    },
}

REFERENCES = [
    "Nguyễn, V. A., & Trần, T. B. (2021). Tên bài báo. Tên tạp chí, 5(2), 10–20. "
    "https://doi.org/10.1234/example.2021.5",
    "Smith, J. (2020). Book title (2nd ed.). Publisher. https://doi.org/10.5555/example.2020",
]


def manuscript_template(lang: str) -> bytes:
    """The template in ``lang`` (vi or en) as .docx bytes."""
    t = TEXT["en" if lang == "en" else "vi"]
    document = Document()
    document.styles["Normal"].font.size = Pt(12)
    note = document.add_paragraph()
    note.add_run(t["note"]).italic = True
    for number, (heading, body) in enumerate(t["sections"], 1):
        document.add_heading(heading, level=1)
        document.add_paragraph(body)
        if number == 2:
            document.add_heading(t["subsection"], level=2)
            document.add_paragraph(t["table_caption"], style="Caption")
            rows = t["table"]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    document.add_heading(t["references"], level=1)
    for number, reference in enumerate(REFERENCES, 1):
        document.add_paragraph(f"[{number}] {reference}")
    document.core_properties.title = t["sections"][0][0]
    document.core_properties.author = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
