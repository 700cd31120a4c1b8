"""``make_*`` factories: small, explicit, committing."""

from __future__ import annotations

from journal.accounts.services import create_user
from journal.extensions import db
from journal.provinces import add_board_member, province_by_code

PASSWORD = "correct horse battery staple"


def make_user(email, full_name="Người Dùng", *, password=PASSWORD, confirmed=True, **kwargs):
    return create_user(email, password, full_name, confirmed=confirmed, **kwargs)


def make_board_member(user, province_code, role):
    return add_board_member(user, province_by_code(province_code), role)


def make_funded_task(code="CT-2024-01", province_code="CT", **kwargs):
    from journal.funded_tasks.models import FundedTask

    values = {
        "title_vi": "Chọn tạo giống lúa chịu mặn cho vùng ven biển",
        "title_en": "Breeding salt-tolerant rice for coastal areas",
        "agency": "Sở Khoa học và Công nghệ",
        "programme": "Chương trình KH&CN cấp tỉnh",
        "start_year": 2023,
        "end_year": 2025,
        "budget_vnd": 1_500_000_000,
        "principal_investigator": "PGS.TS. Nguyễn Văn An",
    }
    values.update(kwargs)
    task = FundedTask(code=code, province=province_by_code(province_code), **values)
    db.session.add(task)
    db.session.commit()
    return task


def make_submission(owner, *, stage=None, **kwargs):
    """A complete draft (every wizard step filled) owned by ``owner``."""
    from journal.submissions.models import Section, Submission, SubmissionAuthor

    section = db.session.execute(db.select(Section).filter_by(code="research")).scalar_one()
    values = {
        "section": section,
        "language": "vi",
        "title_vi": "Đánh giá khả năng chịu mặn của giống lúa OM18",
        "title_en": "Salinity tolerance of the OM18 rice variety",
        "abstract_vi": "Nghiên cứu đánh giá khả năng chịu mặn của giống lúa OM18 tại Cà Mau.",
        "abstract_en": "We assess the salinity tolerance of rice variety OM18 in Ca Mau.",
        "keywords_vi": "lúa, chịu mặn, đồng bằng sông Cửu Long",
        "keywords_en": "rice, salinity, Mekong Delta",
        "province": province_by_code("CT"),
        "cover_letter": "Kính gửi Ban biên tập.",
        "declares_originality": True,
        "competing_interests": "Không có.",
        "licence_consent": True,
    }
    values.update(kwargs)
    submission = Submission(owner=owner, **values)
    submission.authors.append(
        SubmissionAuthor(
            position=1,
            full_name=owner.full_name,
            email=owner.email,
            affiliation=owner.affiliation or "Đại học Cần Thơ",
            corresponding=True,
            user_id=owner.id,
        )
    )
    db.session.add(submission)
    db.session.commit()
    if stage is not None:
        from journal.models_base import utcnow

        submitted_at = submission.submitted_at or utcnow()
        submission.stage = stage
        submission.submitted_at = submitted_at
        db.session.commit()
    return submission


def fresh_settings():
    """The journal settings as the database holds them now (a test's application context
    lives across requests, so what it read before may be out of date)."""
    from journal.settings import forget_cached_settings, journal_settings

    forget_cached_settings()
    return journal_settings()
