"""The bridge's part of the demo journal (``journal demo`` sends ``demo_loaded``).

Idempotent, like the journal's demo: every record is looked up by its natural key and
made only when missing, through the same services the pages use. It adds

* the technology offer of a published article reporting Cà Mau's shrimp–mangrove task
  (drafted when the journal's demo issue was published; without that issue the bridge
  typesets and publishes its own article), completed and approved by Cà Mau's editor;
* a startup built on it, flagged by its author and approved by Cà Mau's editor;
* two reviewers who opted in to the expert database;
* an enterprise's technology request, matched and listed.

The other funded articles of the demo issue keep their drafted offers, for a visitor to
complete and approve.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app

from journal.extensions import db
from journal.filetypes import MARKDOWN
from journal.provinces import province_by_code
from journal.storage import file_store
from journal.submissions.models import Section, Submission, SubmissionAuthor, SubmissionFile
from journal.workflow import transition

from . import demand, experts, offers, startups
from .models import Startup, TechnologyRequest

TASK = "CM.2022-03/ĐT"
TITLE_VI = "Quy trình nuôi tôm sú kết hợp rừng ngập mặn đạt năng suất ổn định tại Ngọc Hiển"
SPEC = {
    "title_vi": TITLE_VI,
    "title_en": "A shrimp–mangrove farming protocol with stable yields in Ngoc Hien",
    "abstract_vi": "Quy trình nuôi tôm sú quảng canh cải tiến dưới tán rừng ngập mặn được thử "
    "nghiệm tại 30 hộ trong hai năm: năng suất đạt 450 kg/ha/năm, tỷ lệ che phủ rừng duy trì "
    "trên 60 % và không dùng thức ăn công nghiệp. Quy trình sẵn sàng chuyển giao cho hợp tác xã.",
    "abstract_en": "An improved extensive black tiger shrimp protocol under mangrove cover was "
    "trialled on 30 farms over two years: yields reached 450 kg/ha/year, forest cover stayed "
    "above 60 % and no industrial feed was used. The protocol is ready for transfer to "
    "cooperatives.",
    "keywords_vi": "tôm – rừng, tôm sú, rừng ngập mặn, nuôi trồng thủy sản, Cà Mau",
    "keywords_en": "shrimp–mangrove, black tiger shrimp, mangroves, aquaculture, Ca Mau",
}
MANUSCRIPT = """# Mở đầu

Mô hình tôm – rừng là sinh kế chính của vùng ven biển Cà Mau. Bài báo trình bày quy trình
nuôi tôm sú quảng canh cải tiến dưới tán rừng ngập mặn và kết quả thử nghiệm.

# Phương pháp

Ba mươi hộ tại huyện Ngọc Hiển áp dụng quy trình trong hai năm; năng suất, tỷ lệ sống và
độ che phủ rừng được theo dõi hằng tháng.

# Kết quả

| Chỉ tiêu | Năm 1 | Năm 2 |
|---|---|---|
| Năng suất (kg/ha) | 430 | 470 |
| Che phủ rừng (%) | 62 | 64 |

: Bảng 1. Kết quả thử nghiệm

# Kết luận

Quy trình cho năng suất ổn định và giữ được rừng; có thể chuyển giao cho các hợp tác xã.
"""
EXPERTS = ("reviewer", "reviewer2")
STARTUP_NAME = "Tôm Rừng Xanh Ngọc Hiển"
REQUEST = {
    "organisation": "Công ty TNHH Thủy sản Đất Mũi (demo)",
    "contact_name": "Nguyễn Thị Thu Trang",
    "contact_email": "thutrang@datmui.demo.mekongjournal.vn",
    "contact_phone": "0290 3 555 010",
    "title": "Quy trình nuôi tôm sú dưới tán rừng ngập mặn cho vùng nguyên liệu",
    "need": "Chúng tôi cần quy trình nuôi tôm – rừng đạt năng suất ổn định và chuyên gia tư "
    "vấn phục hồi rừng ngập mặn cho 200 ha vùng nguyên liệu tôm sinh thái tại Cà Mau.",
    "field": "aquaculture",
    "province": "CM",
}


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


def _published_article(people, tasks):
    """A published article reporting Cà Mau's shrimp–mangrove task: the journal's demo
    issue has one; without it, the bridge's own is typeset and published online first."""
    from journal.publish import issues, production
    from journal.publish.records import Article

    owner, editor, chief = people["author2"], people["editor.cm"], people["eic"]
    published = db.session.execute(
        db.select(Article)
        .join(Submission, Submission.id == Article.submission_id)
        .where(
            Submission.funded_task_id == tasks[TASK].id,
            Article.published_at.is_not(None),
            Article.unpublished_at.is_(None),
        )
        .order_by(Article.id)
        .limit(1)
    ).scalar_one_or_none()
    if published is not None:  # the journal's demo issue has one already
        return published
    submission = db.session.execute(
        db.select(Submission).filter_by(owner_id=owner.id, title_vi=TITLE_VI)
    ).scalar_one_or_none()
    if submission is None:
        submission = _submission(owner, tasks[TASK], people)
        transition(submission, "submit", owner)
        transition(submission, "send_to_review", chief)
        transition(submission, "accept", chief)
        db.session.commit()
        with _typesetting_here():
            run = production.send_to_production(submission, editor)
        if run.galley is None:
            raise RuntimeError(f"the bridge demo article could not be typeset: {run.error}")
        production.approve_galley(run.galley, editor)
    article = db.session.execute(
        db.select(Article).filter_by(submission_id=submission.id)
    ).scalar_one_or_none()
    if article is None or article.published_at is None:
        article = issues.publish_online_first(submission, chief)
    return article


def _submission(owner, task, people) -> Submission:
    section = db.session.execute(db.select(Section).filter_by(code="results")).scalar_one()
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
        **SPEC,
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
    coauthor = people["reviewer2"]
    submission.authors.append(
        SubmissionAuthor(
            position=2,
            full_name=coauthor.full_name,
            email=coauthor.email,
            affiliation=coauthor.affiliation,
            user_id=coauthor.id,
        )
    )
    blob = file_store().put_bytes(MANUSCRIPT.encode("utf-8"))
    submission.files.append(
        SubmissionFile(
            kind="manuscript",
            round=1,
            original_name="quy-trinh-tom-rung.md",
            media_type=MARKDOWN,
            size=blob.size,
            sha256=blob.sha256,
            uploaded_by_id=owner.id,
        )
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def _listed_offer(article, people):
    editor = people["editor.cm"]
    offer = offers.offer_for(article) or offers.draft_offer(article)
    if offer.status != "draft":
        return offer
    fields = offers.OfferFields(
        title_vi=offer.title_vi,
        title_en=offer.title_en,
        summary_vi=offer.summary_vi,
        summary_en=offer.summary_en,
        field=offer.field or "aquaculture",
        trl=7,
        ip_status="not_protected",
        transfer_modes=("licence", "joint_development"),
        contact_name=offer.contact_name,
        contact_organisation=offer.contact_organisation,
        contact_email=offer.contact_email,
        contact_phone="0290 3 831 000",
    )
    offers.update_offer(offer, editor, fields)
    return offers.approve_offer(offer, editor)


def _startup(article, offer, people):
    found = db.session.execute(db.select(Startup).filter_by(name=STARTUP_NAME)).scalar_one_or_none()
    if found is None:
        found = startups.flag_startup(
            people["author2"],
            startups.StartupFields(
                name=STARTUP_NAME,
                founders="Trần Thị Mai Anh\nChâu Ngọc Diễm",
                province_id=province_by_code("CM").id,
                field="aquaculture",
                stage="prototype",
                support_centre="Trung tâm Hỗ trợ khởi nghiệp tỉnh Cà Mau",
                website="https://tomrungxanh.demo.mekongjournal.vn",
                description_vi="Cung cấp con giống và dịch vụ kỹ thuật theo quy trình tôm – rừng.",
                description_en="Seed and technical services for the shrimp–mangrove protocol.",
                article_ids=(article.id,),
                offer_ids=(offer.id,),
            ),
        )
    if found.status == "pending":
        startups.approve_startup(found, people["editor.cm"])
    return found


def _request(people):
    found = db.session.execute(
        db.select(TechnologyRequest).filter_by(
            organisation=REQUEST["organisation"], title=REQUEST["title"]
        )
    ).scalar_one_or_none()
    if found is None:
        values = {k: v for k, v in REQUEST.items() if k != "province"}
        found = demand.post_request(
            demand.RequestFields(province_id=province_by_code(REQUEST["province"]).id, **values)
        )
    if found.status == "new":
        demand.list_request(found, people["editor.cm"])
    return found


def load_bridge_demo(people: dict, tasks: dict) -> None:
    for key in EXPERTS:
        user = people[key]
        if experts.profile_of(user) is None:
            experts.opt_in(user, user)
    article = _published_article(people, tasks)
    offer = _listed_offer(article, people)
    _startup(article, offer, people)
    _request(people)
