"""The demo's finished production page: an accepted Markdown manuscript (Vietnamese, with a
figure, a table, equations, a footnote and references), sent to production by Cần Thơ's
editor, typeset, and its galley approved. Called by ``journal.demo.load_demo``.

Typesetting runs in the command itself (a few seconds; the JATS schema, when installed,
takes longer to load the first time). A journal without an ISSN cannot make valid JATS:
``load_demo`` stores a placeholder ISSN in the journal settings first when none is set.
"""

from __future__ import annotations

import io
from contextlib import contextmanager

from flask import current_app

from ..extensions import db
from ..filetypes import MARKDOWN
from ..storage import file_store
from ..submissions.models import Section, Submission, SubmissionAuthor, SubmissionFile
from ..workflow import transition
from . import production

FIGURE_NAME = "diem-thi-nghiem.png"

TITLE_VI = "Năng suất và khả năng chịu mặn của giống lúa OM18 trên đất nhiễm mặn ven biển"
SPEC = {
    "section": "research",
    "task": "CT.2023-07/ĐT",
    "coauthors": [("Lý Thanh Tùng", "Viện Lúa Đồng bằng sông Cửu Long")],
    "title_vi": TITLE_VI,
    "title_en": "Yield and salinity tolerance of the OM18 rice variety on saline coastal soils",
    "abstract_vi": "Thí nghiệm đồng ruộng tại sáu điểm ven biển trong hai vụ Đông Xuân cho thấy "
    "giống lúa OM18 giữ năng suất trên 5 tấn/ha ở độ mặn đến 4 ‰, cao hơn đối chứng 18 %. "
    "Bài báo đề xuất vùng khuyến cáo gieo trồng theo bản đồ độ mặn.",
    "abstract_en": "Field trials at six coastal sites over two winter–spring seasons show the "
    "OM18 rice variety keeping yields above 5 t/ha at salinities up to 4 ‰, 18 % above the "
    "control. We propose planting zones based on the salinity map.",
    "keywords_vi": "lúa OM18, chịu mặn, năng suất, vùng ven biển",
    "keywords_en": "OM18 rice, salinity tolerance, yield, coastal zone",
}

MANUSCRIPT = """# Mở đầu

Xâm nhập mặn ngày càng ảnh hưởng đến sản xuất lúa ở các tỉnh ven biển Đồng bằng sông Cửu
Long [@nguyen2021]. Giống lúa OM18 được chọn tạo cho vùng nhiễm mặn nhẹ; nghiên cứu này
đánh giá năng suất của giống trên đất nhiễm mặn trong điều kiện đồng ruộng.[^1]

# Vật liệu và phương pháp

Thí nghiệm bố trí tại sáu điểm (Hình 1) theo khối đầy đủ ngẫu nhiên, ba lần lặp lại. Độ mặn
trung bình của mỗi điểm được tính theo công thức

$$\\bar{S} = \\frac{1}{n}\\sum_{i=1}^{n} S_i$$

và năng suất được mô hình hóa theo độ mặn $Y = a \\cdot e^{-bS}$ [@smith2020].

![Hình 1. Vị trí sáu điểm thí nghiệm ven biển](diem-thi-nghiem.png){#fig-sites}

# Kết quả

| Độ mặn (‰) | OM18 (tấn/ha) | Đối chứng (tấn/ha) |
|---|---|---|
| 0 | 6,8 | 6,5 |
| 2 | 6,1 | 5,4 |
| 4 | 5,2 | 4,4 |

: Bảng 1. Năng suất lúa theo độ mặn của nước ruộng

Năng suất của OM18 giảm chậm hơn đối chứng khi độ mặn tăng (Bảng 1, [@fig-sites]).

# Kết luận

Giống OM18 phù hợp cho vùng có độ mặn đến 4 ‰ trong mùa khô.

[^1]: Số liệu được thu thập trong vụ Đông Xuân 2023–2024 và 2024–2025.

# Tài liệu tham khảo
"""

REFERENCES = """---
references:
- id: nguyen2021
  type: article-journal
  author: [{family: Nguyễn, given: Văn Khánh}, {family: Phạm, given: Thị Ngọc Hân}]
  title: Xâm nhập mặn và sản xuất lúa ở ven biển Đồng bằng sông Cửu Long
  container-title: Tạp chí Nông nghiệp và Phát triển nông thôn
  issued: {date-parts: [[2021]]}
  volume: 12
  page: 15-24
- id: smith2020
  type: article-journal
  author: [{family: Smith, given: John}]
  title: Salinity response curves of rice
  container-title: Field Crops Research
  issued: {date-parts: [[2020]]}
  volume: 250
  page: 107-115
  DOI: 10.5555/fcr.2020.107
---

"""


def _figure_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (236, 244, 250))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 250), (640, 210), (640, 360), (0, 360)], fill=(170, 205, 230))
    draw.line([(0, 250), (640, 210)], fill=(11, 79, 138), width=3)
    for n, (x, y) in enumerate(
        [(70, 200), (170, 170), (270, 190), (370, 150), (470, 175), (570, 140)]
    ):
        draw.ellipse((x - 10, y - 10, x + 10, y + 10), fill=(11, 110, 79))
        draw.text((x - 4, y + 14), str(n + 1), fill=(0, 0, 0))
    return _png(image)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _add_file(submission, owner, kind: str, name: str, data: bytes, media_type: str) -> None:
    blob = file_store().put_bytes(data)
    submission.files.append(
        SubmissionFile(
            kind=kind,
            round=submission.round,
            original_name=name,
            media_type=media_type,
            size=blob.size,
            sha256=blob.sha256,
            uploaded_by_id=owner.id,
        )
    )


@contextmanager
def _typesetting_here():
    """Run the typesetting job in this process, now."""
    cfg = current_app.config
    saved = cfg["JOBS_INLINE"]
    cfg["JOBS_INLINE"] = True
    try:
        yield
    finally:
        cfg["JOBS_INLINE"] = saved


def ensure_production_demo(people: dict, tasks: dict) -> Submission:
    """Create the demo's typeset and approved article unless it exists (idempotent)."""
    owner, editor, chief = people["author"], people["editor.ct"], people["eic"]
    existing = db.session.execute(
        db.select(Submission).filter_by(owner_id=owner.id, title_vi=TITLE_VI)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    task = tasks[SPEC["task"]]
    section = db.session.execute(db.select(Section).filter_by(code=SPEC["section"])).scalar_one()
    submission = Submission(
        owner=owner,
        section=section,
        language="vi",
        funded_task=task,
        province_id=task.province_id,
        cover_letter="Kính gửi Ban biên tập Tập san Khoa học và Công nghệ ĐBSCL.",
        declares_originality=True,
        competing_interests="Không có.",
        licence_consent=True,
        **{k: SPEC[k] for k in SPEC if k.split("_")[0] in ("title", "abstract", "keywords")},
    )
    submission.authors.append(
        SubmissionAuthor(
            position=1,
            full_name=owner.full_name,
            email=owner.email,
            affiliation=owner.affiliation,
            corresponding=True,
            user_id=owner.id,
        )
    )
    for position, (name, affiliation) in enumerate(SPEC["coauthors"], start=2):
        coauthor = next((p for p in people.values() if p.full_name == name), None)
        submission.authors.append(
            SubmissionAuthor(
                position=position,
                full_name=name,
                email=coauthor.email if coauthor else "",
                affiliation=affiliation,
                user_id=coauthor.id if coauthor else None,
            )
        )
    db.session.add(submission)
    manuscript = (REFERENCES + MANUSCRIPT).encode("utf-8")
    _add_file(submission, owner, "manuscript", "ban-thao-OM18.md", manuscript, MARKDOWN)
    _add_file(submission, owner, "figure", FIGURE_NAME, _figure_png(), "image/png")
    db.session.flush()
    transition(submission, "submit", owner)
    transition(submission, "send_to_review", chief)
    transition(submission, "accept", chief)
    db.session.commit()
    with _typesetting_here():
        run = production.send_to_production(submission, editor)
    if run.galley is not None:
        production.approve_galley(run.galley, editor)
    return submission
