"""The demo's published issue: four short manuscripts (two in Vietnamese, two in English,
three reporting funded tasks) go through review, production and typesetting, then join the
production demo's article in volume 1, number 1, which the editor-in-chief publishes at
once. Called by ``journal.demo.load_demo``; idempotent (looked up by owner and title, and
by volume and number).
"""

from __future__ import annotations

from ..extensions import db
from ..filetypes import MARKDOWN
from ..submissions.models import Section, Submission, SubmissionAuthor
from ..workflow import Stage, transition
from . import issues, production
from .models import approved_galley
from .production_demo import TITLE_VI as PRODUCTION_DEMO_TITLE
from .production_demo import _add_file, _typesetting_here
from .records import Issue

ISSUE = {
    "volume": 1,
    "number": 1,
    "year": 2025,
    "title_vi": "Số 1 năm 2025",
    "title_en": "Issue 1, 2025",
}
EXAMPLE_ORCID = "0000-0002-1825-0097"

ARTICLES = [
    {
        "owner": "author2",
        "language": "vi",
        "section": "results",
        "task": "CM.2022-03/ĐT",
        "coauthors": [("Tô Văn Lực", "Sở Khoa học và Công nghệ tỉnh Cà Mau")],
        "orcid": EXAMPLE_ORCID,
        "title_vi": "Mật độ thả giống tôm sú phù hợp cho mô hình tôm – rừng tại Ngọc Hiển",
        "title_en": "Stocking densities of black tiger shrimp for shrimp–mangrove farms in "
        "Ngoc Hien",
        "abstract_vi": "Ba mật độ thả giống (1, 2 và 3 con/m²) được so sánh tại 30 ao tôm – rừng "
        "trong hai vụ. Mật độ 2 con/m² cho lợi nhuận cao nhất mà không làm giảm độ che phủ "
        "rừng.",
        "abstract_en": "Three stocking densities (1, 2 and 3 post-larvae/m²) were compared in 30 "
        "shrimp–mangrove ponds over two seasons. Two per m² gave the highest profit without "
        "reducing forest cover.",
        "keywords_vi": "tôm sú, tôm – rừng, mật độ thả, Cà Mau",
        "keywords_en": "black tiger shrimp, shrimp–mangrove, stocking density, Ca Mau",
        "body": "# Mở đầu\n\nMô hình tôm – rừng là sinh kế chính của vùng ven biển Cà Mau.\n\n"
        "# Kết quả\n\n| Mật độ (con/m²) | Lợi nhuận (triệu đồng/ha) |\n|---|---|\n"
        "| 1 | 38 |\n| 2 | 52 |\n| 3 | 41 |\n\n: Bảng 1. Lợi nhuận theo mật độ thả\n\n"
        "# Kết luận\n\nMật độ 2 con/m² được khuyến cáo cho vùng Ngọc Hiển.\n",
    },
    {
        "owner": "author3",
        "language": "en",
        "section": "research",
        "task": "AG.2024-02/ĐT",
        "coauthors": [("Đoàn Minh Tâm", "Trường Đại học An Giang")],
        "title_vi": "Mô phỏng xâm nhập mặn vùng Tứ giác Long Xuyên bằng mô hình thủy lực một chiều",
        "title_en": "One-dimensional hydraulic modelling of saline intrusion in the Long Xuyen "
        "Quadrangle",
        "abstract_vi": "Mô hình thủy lực một chiều được hiệu chỉnh với số liệu 18 trạm mặn mùa "
        "khô 2024; sai số trung bình 0,3 ‰. Kịch bản vận hành cống giảm 40 % diện tích bị ảnh "
        "hưởng.",
        "abstract_en": "A one-dimensional hydraulic model was calibrated on 18 salinity stations "
        "in the 2024 dry season, with a mean error of 0.3 ‰. A sluice operation scenario cuts "
        "the affected area by 40 %.",
        "keywords_vi": "xâm nhập mặn, mô hình thủy lực, vận hành cống",
        "keywords_en": "saline intrusion, hydraulic model, sluice operation",
        "body": "# Introduction\n\nSaline intrusion reached record levels in 2024.\n\n"
        "# Method\n\nThe model solves the Saint-Venant equations with advection–dispersion "
        "of salt, $\\partial_t (AS) + \\partial_x (QS) = \\partial_x (A D \\partial_x S)$.\n\n"
        "# Results\n\nThe sluice schedule keeps the 4 ‰ line 12 km further seaward.\n",
    },
    {
        "owner": "author",
        "language": "en",
        "section": "short",
        "task": None,
        "province": "CT",
        "coauthors": [],
        "title_vi": "Ghi nhận sớm bệnh đạo ôn trên giống lúa chịu mặn tại Cần Thơ",
        "title_en": "Early record of rice blast on salt-tolerant varieties in Can Tho",
        "abstract_vi": "Bệnh đạo ôn được ghi nhận trên hai giống lúa chịu mặn ở giai đoạn đẻ "
        "nhánh trong vụ Đông Xuân 2024–2025; tỷ lệ bệnh dưới 5 %.",
        "abstract_en": "Rice blast was recorded on two salt-tolerant varieties at tillering in "
        "the 2024–2025 winter–spring season, with incidence below 5 %.",
        "keywords_vi": "đạo ôn, lúa chịu mặn, Cần Thơ",
        "keywords_en": "rice blast, salt-tolerant rice, Can Tho",
        "body": "# Observation\n\nLesions typical of *Pyricularia oryzae* were found on "
        "12 of 300 hills.\n\n# Note\n\nMonitoring continues through heading.\n",
    },
    {
        "owner": "author3",
        "language": "vi",
        "section": "research",
        "task": "KG.2023-02/ĐT",
        "coauthors": [("Danh Sơn", "Trường Đại học Kiên Giang")],
        "title_vi": "Thành phần sản lượng khai thác hải sản bằng lưới kéo tại vùng biển Kiên Giang",
        "title_en": "Catch composition of trawl fisheries in the Kien Giang sea",
        "abstract_vi": "Phân tích 420 chuyến biển năm 2024 cho thấy cá tạp chiếm 46 % sản lượng "
        "lưới kéo; đề xuất điều chỉnh kích thước mắt lưới.",
        "abstract_en": "An analysis of 420 fishing trips in 2024 shows trash fish making up 46 % "
        "of the trawl catch; a larger mesh size is proposed.",
        "keywords_vi": "lưới kéo, sản lượng, biển Kiên Giang",
        "keywords_en": "trawl, catch composition, Kien Giang sea",
        "body": "# Mở đầu\n\nNghề lưới kéo chiếm phần lớn sản lượng khai thác của tỉnh.\n\n"
        "# Kết quả\n\nCá tạp chiếm 46 % sản lượng; mực và tôm chiếm 21 %.\n",
    },
]


def _submission(spec: dict, people: dict, tasks: dict) -> Submission:
    from ..provinces import province_by_code

    owner = people[spec["owner"]]
    existing = db.session.execute(
        db.select(Submission).filter_by(owner_id=owner.id, title_vi=spec["title_vi"])
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    task = tasks[spec["task"]] if spec["task"] else None
    section = db.session.execute(db.select(Section).filter_by(code=spec["section"])).scalar_one()
    submission = Submission(
        owner=owner,
        section=section,
        language=spec["language"],
        funded_task=task,
        province_id=task.province_id if task else province_by_code(spec["province"]).id,
        cover_letter="Kính gửi Ban biên tập.",
        declares_originality=True,
        competing_interests="Không có.",
        licence_consent=True,
        **{k: spec[k] for k in spec if k.split("_")[0] in ("title", "abstract", "keywords")},
    )
    submission.authors.append(
        SubmissionAuthor(
            position=1,
            full_name=owner.full_name,
            email=owner.email,
            affiliation=owner.affiliation,
            orcid=spec.get("orcid"),
            corresponding=True,
            user_id=owner.id,
        )
    )
    for position, (name, affiliation) in enumerate(spec["coauthors"], start=2):
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
    name = f"ban-thao-{spec['owner']}-{spec['language']}.md"
    _add_file(submission, owner, "manuscript", name, spec["body"].encode("utf-8"), MARKDOWN)
    db.session.flush()
    chief = people["eic"]
    transition(submission, "submit", owner)
    transition(submission, "send_to_review", chief)
    transition(submission, "accept", chief)
    db.session.commit()
    return submission


def _typeset(submission: Submission, editor) -> None:
    if submission.stage != Stage.ACCEPTED:
        return
    with _typesetting_here():
        run = production.send_to_production(submission, editor)
    if run.galley is not None:
        production.approve_galley(run.galley, editor)


def ensure_publishing_demo(people: dict, tasks: dict) -> Issue | None:
    """Publish the demo issue unless it is published already."""
    chief = people["eic"]
    issue = db.session.execute(
        db.select(Issue).filter_by(volume=ISSUE["volume"], number=ISSUE["number"])
    ).scalar_one_or_none()
    if issue is not None and issue.is_published:
        return issue
    ready = [_submission(spec, people, tasks) for spec in ARTICLES]
    for submission in ready:
        _typeset(submission, chief)
    first = db.session.execute(
        db.select(Submission).filter_by(
            owner_id=people["author"].id, title_vi=PRODUCTION_DEMO_TITLE
        )
    ).scalar_one_or_none()
    if first is not None:
        ready.insert(0, first)
    if issue is None:
        issue = issues.create_issue(chief, **ISSUE)
    with _typesetting_here():  # now, in this process
        for submission in ready:
            if submission.stage == Stage.PRODUCTION and approved_galley(submission):
                issues.schedule_article(submission, issue, chief)
        if issues.issue_articles(issue):
            issues.publish_issue(issue, chief)
    return issue
