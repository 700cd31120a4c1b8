"""The demo's editorial side: a submission in every editorial state, taken there through the
services (routing, anonymised copies, invitations, reviews, decisions, a revision round).
Called by ``journal.demo.load_demo``; idempotent (each submission is looked up by its owner
and title and made only when missing).

- in review: one reviewer invited, one writing, one done;
- in review again, round 2, after minor revisions (the earlier reviewers invited again);
- revisions requested (major), accepted, rejected after review, rejected without review.

The manuscripts are Markdown whose front matter names the author: the anonymised copies
show it removed.
"""

from __future__ import annotations

import io

from ..extensions import db
from ..filetypes import MARKDOWN
from ..storage import file_store
from ..submissions.models import Section, Submission, SubmissionAuthor, SubmissionFile
from ..submissions.services import submit_manuscript
from . import reviewers, services
from .permissions import handling_editor
from .routing import assign_handling_editor

COMMON = {
    "language": "vi",
    "cover_letter": "Kính gửi Ban biên tập Tập san Khoa học và Công nghệ ĐBSCL.",
    "declares_originality": True,
    "competing_interests": "Không có.",
    "licence_consent": True,
}

# owner, section, task, what happens to it (see ``_take``), texts
SUBMISSIONS = [
    {
        "owner": "author3",
        "task": "AG.2023-04/ĐT",
        "path": "in_review",
        "reviewers": [
            ("reviewer2", "completed"),
            ("reviewer", "accepted"),
            ("board.cm", "invited"),
        ],
        "title_vi": "Chất lượng nước kênh nội đồng vùng trồng lúa ba vụ tại huyện Châu Phú",
        "title_en": "Water quality of field canals in the triple-rice area of Chau Phu district",
        "abstract_vi": "Mẫu nước ở 30 điểm kênh nội đồng được phân tích trong hai mùa. Hàm lượng "
        "đạm và lân vượt ngưỡng ở cuối vụ Đông Xuân; bài báo đề xuất lịch bón phân phù hợp.",
        "abstract_en": "Water from 30 field-canal sites was analysed over two seasons. Nitrogen "
        "and phosphorus exceed the limits at the end of the winter–spring crop; we propose a "
        "fertiliser schedule.",
        "keywords_vi": "chất lượng nước, kênh nội đồng, lúa ba vụ, An Giang",
        "keywords_en": "water quality, field canals, triple rice, An Giang",
    },
    {
        "owner": "author2",
        "task": "CM.2022-03/ĐT",
        "path": "round_two",
        "reviewers": [("reviewer", "completed"), ("reviewer2", "completed")],
        "title_vi": "Mật độ thả tôm sú thích hợp trong mô hình tôm – rừng tại Năm Căn",
        "title_en": "Suitable black tiger shrimp stocking density in shrimp–mangrove farms of "
        "Nam Can",
        "abstract_vi": "Ba mật độ thả được so sánh tại 45 ao trong hai năm; mật độ 2 con/m² cho "
        "tỷ lệ sống và lợi nhuận cao nhất.",
        "abstract_en": "Three stocking densities were compared in 45 ponds over two years; two "
        "post-larvae per m² gave the best survival and profit.",
        "keywords_vi": "tôm sú, mật độ thả, tôm – rừng, Cà Mau",
        "keywords_en": "black tiger shrimp, stocking density, shrimp–mangrove, Ca Mau",
    },
    {
        "owner": "author2",
        "task": "CM.2024-01/ĐT",
        "path": "major_revisions",
        "reviewers": [("reviewer", "completed"), ("reviewer2", "completed")],
        "title_vi": "Tốc độ bồi lắng trầm tích dưới tán rừng đước trồng ven biển Tây Cà Mau",
        "title_en": "Sediment accretion under planted Rhizophora on the western coast of Ca Mau",
        "abstract_vi": "Cọc đo bồi lắng đặt tại 12 ô cho thấy tốc độ bồi 1,8–3,2 cm/năm, tăng "
        "theo tuổi rừng.",
        "abstract_en": "Accretion stakes in 12 plots show 1.8–3.2 cm a year, rising with stand "
        "age.",
        "keywords_vi": "rừng ngập mặn, bồi lắng, cây đước, Cà Mau",
        "keywords_en": "mangroves, sediment accretion, Rhizophora, Ca Mau",
    },
    {
        "owner": "author",
        "task": "CT.2023-07/ĐT",
        "path": "accept",
        "reviewers": [("reviewer2", "completed"), ("board.ag", "completed")],
        "title_vi": "Biểu hiện gen chịu mặn SKC1 ở các dòng lúa lai tạo tại Cần Thơ",
        "title_en": "Expression of the SKC1 salt-tolerance gene in rice lines bred in Can Tho",
        "abstract_vi": "Mức biểu hiện gen SKC1 của 20 dòng lúa được đo bằng qPCR ở 0 và 8 ‰; "
        "năm dòng có mức tăng trên ba lần.",
        "abstract_en": "SKC1 expression in 20 rice lines was measured by qPCR at 0 and 8 ‰; five "
        "lines rose more than threefold.",
        "keywords_vi": "lúa, gen SKC1, chịu mặn, qPCR",
        "keywords_en": "rice, SKC1 gene, salinity tolerance, qPCR",
    },
    {
        "owner": "author3",
        "task": "AG.2024-02/ĐT",
        "path": "reject",
        "reviewers": [("reviewer", "completed"), ("reviewer2", "completed")],
        "title_vi": "Dự báo ranh mặn bằng mạng nơ-ron cho vùng Tứ giác Long Xuyên",
        "title_en": "Forecasting the salinity front with a neural network in the Long Xuyen "
        "Quadrangle",
        "abstract_vi": "Mô hình mạng nơ-ron được huấn luyện với số liệu 10 năm để dự báo ranh "
        "mặn 4 ‰ trước 7 ngày.",
        "abstract_en": "A neural network trained on ten years of records forecasts the 4 ‰ "
        "salinity front seven days ahead.",
        "keywords_vi": "xâm nhập mặn, mạng nơ-ron, dự báo",
        "keywords_en": "saline intrusion, neural network, forecasting",
    },
    {
        "owner": "author2",
        "task": None,
        "province": "KG",
        "path": "desk_reject",
        "reviewers": [],
        "title_vi": "Tổng quan về du lịch sinh thái biển đảo Kiên Giang",
        "title_en": "An overview of island ecotourism in Kien Giang",
        "abstract_vi": "Bài viết tổng hợp các tài liệu về du lịch sinh thái tại Phú Quốc và "
        "Nam Du.",
        "abstract_en": "A summary of the literature on ecotourism in Phu Quoc and Nam Du.",
        "keywords_vi": "du lịch sinh thái, biển đảo, Kiên Giang",
        "keywords_en": "ecotourism, islands, Kien Giang",
    },
]

COMMENTS = {
    "reviewer": "Phương pháp lấy mẫu cần mô tả rõ hơn; bảng 2 thiếu đơn vị đo.",
    "reviewer2": "Kết quả có giá trị thực tiễn. Đề nghị bổ sung so sánh với các nghiên cứu "
    "trước ở Đồng bằng sông Cửu Long.",
    "board.ag": "Bài viết rõ ràng; phần thảo luận nên nêu hạn chế của nghiên cứu.",
    "board.cm": "",
}
RECOMMENDATIONS = {
    "in_review": "minor_revisions",
    "round_two": "minor_revisions",
    "major_revisions": "major_revisions",
    "accept": "accept",
    "reject": "reject",
}


def _manuscript(owner, spec) -> bytes:
    return (
        "---\n"
        f"title: {spec['title_vi']}\n"
        f"author:\n  - name: {owner.full_name}\n    affiliation: {owner.affiliation}\n"
        f"    email: {owner.email}\n"
        "lang: vi\n---\n\n"
        f"# Mở đầu\n\n{spec['abstract_vi']}\n\n# Kết luận\n\nKết quả được thảo luận ở trên.\n"
    ).encode()


def _create(spec, people, tasks) -> Submission:
    from ..provinces import province_by_code

    owner = people[spec["owner"]]
    task = tasks[spec["task"]] if spec["task"] else None
    section = db.session.execute(db.select(Section).filter_by(code="research")).scalar_one()
    submission = Submission(
        owner=owner,
        section=section,
        funded_task=task,
        province_id=task.province_id if task else province_by_code(spec["province"]).id,
        **COMMON,
        **{k: spec[k] for k in spec if k.split("_")[0] in ("title", "abstract", "keywords")},
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
    data = _manuscript(owner, spec)
    blob = file_store().put_bytes(data)
    submission.files.append(
        SubmissionFile(
            kind="manuscript",
            original_name="ban-thao.md",
            media_type=MARKDOWN,
            size=blob.size,
            sha256=blob.sha256,
            uploaded_by_id=owner.id,
        )
    )
    db.session.add(submission)
    db.session.commit()
    submit_manuscript(submission, owner)  # routed to the province's editor
    return submission


def _ratings(*values: str) -> dict[str, str]:
    keys = ("originality", "method", "significance", "presentation", "language")
    return dict(zip(keys, values, strict=True))


# Ratings of the default review questions, in line with each recommendation.
DEMO_ANSWERS = {
    "accept": _ratings("excellent", "good", "excellent", "good", "good"),
    "minor_revisions": _ratings("good", "good", "good", "fair", "good"),
    "major_revisions": _ratings("fair", "poor", "good", "fair", "fair"),
    "reject": _ratings("poor", "poor", "fair", "fair", "fair"),
}


def _review_round(submission, editor, people, plan, recommendation) -> None:
    """Invite each planned reviewer and take them as far as planned."""
    for key, state in plan:
        user = people[key]
        assignment = reviewers.invite_reviewer(submission, editor, email=user.email)
        if state == "invited":
            continue
        reviewers.accept_invitation(assignment, user)
        if state == "completed":
            reviewers.submit_review(
                assignment,
                user,
                recommendation=recommendation,
                answers=DEMO_ANSWERS[recommendation],
                comments_to_author=COMMENTS[key],
                comments_to_editor="",
                competing_interests="Không có.",
            )


def _decide(submission, editor, decision) -> None:
    letters = services.draft_letters(submission, decision, editor)
    services.record_decision(
        submission,
        editor,
        decision=decision,
        letter_for=decision,
        letter_vi=letters["vi"],
        letter_en=letters["en"],
    )


def _take(submission, spec, people) -> None:
    editor = handling_editor(submission)
    path = spec["path"]
    if path == "desk_reject":
        _decide(submission, editor, "desk_reject")
        return
    services.send_to_review(submission, editor)
    _review_round(submission, editor, people, spec["reviewers"], RECOMMENDATIONS[path])
    if path in ("accept", "reject", "major_revisions"):
        _decide(submission, editor, path)
    elif path == "round_two":
        _decide(submission, editor, "minor_revisions")
        owner = people[spec["owner"]]
        for kind, text in (
            ("revision", spec["abstract_vi"] + "\n\nBản đã sửa theo góp ý."),
            ("response_letter", "Chúng tôi cảm ơn và đã sửa theo từng góp ý."),
        ):
            services.upload_revision_file(
                submission,
                owner,
                kind=kind,
                stream=io.BytesIO(f"# {kind}\n\n{text}\n".encode()),
                filename=f"{kind}.md",
            )
        services.resubmit_revision(submission, owner)
        services.send_to_review(submission, editor)
        reviewers.reinvite_reviewers(submission, editor)


def ensure_review_demo(people: dict, tasks: dict) -> None:
    """Route the demo's submitted manuscripts, and add one in every editorial state."""
    for submission in db.session.execute(
        db.select(Submission).filter_by(stage="submitted").order_by(Submission.id)
    ).scalars():
        if handling_editor(submission) is None:
            assign_handling_editor(submission)
    for spec in SUBMISSIONS:
        owner = people[spec["owner"]]
        exists = db.session.execute(
            db.select(Submission.id).filter_by(owner_id=owner.id, title_vi=spec["title_vi"])
        ).first()
        if exists is None:
            _take(_create(spec, people, tasks), spec, people)
