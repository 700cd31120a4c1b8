"""The bridge's figures for the journal's yearly report (journal/reports/): it answers
``report_figures_requested`` with counts per province and year. Connected by the app
factory next to ``init_app``; it answers only in an app where the bridge is registered.

- technology offers: offers listed now (approved, not withdrawn), by the day of approval;
- startups: startups listed now, by the day of approval;
- experts: public expert profiles of active accounts, by the day of consent, in the
  province of the person's account;
- requests matched: technology requests with at least one match, by the day posted.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import exists, select

from journal import signals
from journal.accounts.models import User
from journal.extensions import db
from journal.reports.figures import ExtraFigure

from .models import ExpertProfile, RequestMatch, Startup, TechnologyOffer, TechnologyRequest
from .receivers import EXTENSION

log = logging.getLogger(__name__)


def _counts(period) -> dict:
    matched = exists(select(RequestMatch.id).where(RequestMatch.request_id == TechnologyRequest.id))
    return {
        "technology_offers": period.count(
            TechnologyOffer.province_id,
            TechnologyOffer.approved_at,
            where=[TechnologyOffer.status == "approved"],
        ),
        "startups": period.count(
            Startup.province_id, Startup.approved_at, where=[Startup.status == "approved"]
        ),
        "experts": period.count(
            User.province_id,
            ExpertProfile.consented_at,
            source=ExpertProfile,
            joins=[(User, User.id == ExpertProfile.user_id)],
            where=[User.active.is_(True)],
        ),
        "requests_matched": period.count(
            TechnologyRequest.province_id, TechnologyRequest.created_at, where=[matched]
        ),
    }


NAMES = {
    "technology_offers": (
        "Công nghệ chào bán được niêm yết",
        "Technology offers listed",
        "Công nghệ chào bán từ kết quả nhiệm vụ được duyệt và niêm yết trong năm (không tính "
        "công nghệ đã rút).",
        "Technology offers from funded results approved and listed during the year "
        "(withdrawn ones are not counted).",
    ),
    "startups": (
        "Doanh nghiệp khởi nghiệp được niêm yết",
        "Startups listed",
        "Doanh nghiệp khởi nghiệp dựa trên kết quả đã công bố, được duyệt trong năm.",
        "Startups built on published results, approved during the year.",
    ),
    "experts": (
        "Chuyên gia tham gia cơ sở dữ liệu",
        "Experts in the database",
        "Tác giả và người phản biện đồng ý công khai hồ sơ chuyên gia trong năm (theo tỉnh "
        "của tài khoản).",
        "Authors and reviewers who agreed to a public expert profile during the year (by "
        "the province of their account).",
    ),
    "requests_matched": (
        "Yêu cầu công nghệ được kết nối",
        "Technology requests matched",
        "Yêu cầu công nghệ của doanh nghiệp gửi trong năm có ít nhất một kết quả phù hợp "
        "(công nghệ, bài báo hoặc chuyên gia).",
        "Enterprises' technology requests posted during the year with at least one match "
        "(an offer, an article or an expert).",
    ),
}


def on_report_figures_requested(app, period=None, **_extra):
    """The four figures; nothing (and a logged error) if they cannot be counted, so that
    the report still shows the journal's own."""
    if not (has_app_context() and EXTENSION in current_app.extensions) or period is None:
        return None
    try:
        counts = _counts(period)
    except Exception:
        db.session.rollback()
        log.exception("exchange bridge: the report's figures could not be counted")
        return None
    return [ExtraFigure(key, *NAMES[key], counts=counts[key]) for key in NAMES]


def connect() -> None:
    signals.report_figures_requested.connect(on_report_figures_requested)
