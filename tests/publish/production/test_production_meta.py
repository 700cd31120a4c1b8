"""From a submission to the article's front matter (ArticleMeta): the journal's identity from
the settings, authors with their name order and ORCID, the funded task, the section, and
the history from the event log in Vietnam's dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from journal.events import record_event
from journal.extensions import db
from journal.publish import production_meta

from .support import accepted_submission


def _event(submission, action, from_stage, to_stage, at: datetime, actor):
    event = record_event(
        action, submission=submission, actor=actor, from_stage=from_stage, to_stage=to_stage
    )
    event.created_at = at
    db.session.commit()


def test_article_meta_from_the_submission(app, users, editor, tmp_path):
    app.config.update(JOURNAL_ID="mdjst", JOURNAL_PUBLISHER_LOC="Cần Thơ, Việt Nam")
    submission = accepted_submission(users["author"], tmp_path)
    author = users["author"]
    # Submitted late in the evening (UTC): already the next day in Vietnam.
    _event(
        submission, "submit", "draft", "submitted", datetime(2024, 10, 1, 20, 0, tzinfo=UTC), author
    )
    _event(
        submission,
        "send_to_review",
        "submitted",
        "in_review",
        datetime(2024, 10, 5, tzinfo=UTC),
        editor,
    )
    _event(
        submission,
        "request_revisions",
        "in_review",
        "revisions_requested",
        datetime(2024, 11, 1, tzinfo=UTC),
        editor,
    )
    _event(
        submission,
        "resubmit",
        "revisions_requested",
        "submitted",
        datetime(2024, 12, 20, 3, tzinfo=UTC),
        author,
    )
    _event(
        submission, "accept", "in_review", "accepted", datetime(2025, 1, 10, 9, tzinfo=UTC), editor
    )

    meta = production_meta.article_meta(submission)

    assert meta.journal.journal_id == "mdjst"
    assert (meta.journal.issn, meta.journal.eissn) == ("2815-5998", "2815-6005")
    assert meta.journal.title_vi == app.config["JOURNAL_TITLE_VI"]
    assert meta.journal.publisher_loc == "Cần Thơ, Việt Nam"
    assert meta.language == "vi" and meta.section == "Nghiên cứu"
    assert meta.title_en == "Salinity tolerance of the OM18 rice variety in the Mekong Delta"
    assert meta.keywords_vi == ("lúa", "chịu mặn", "đồng bằng sông Cửu Long")
    assert meta.keywords_en == ("rice", "salinity", "Mekong Delta")
    first, second = meta.authors
    assert (first.surname, first.given_names, first.name_style) == ("Nguyễn", "Văn An", "eastern")
    assert first.corresponding and first.email == "author@example.org"
    assert first.affiliation == "Đại học Cần Thơ"
    assert (second.surname, second.given_names, second.name_style) == ("Smith", "John", "western")
    assert second.orcid == "https://orcid.org/0000-0002-1825-0097" and not second.corresponding
    assert meta.funding.task_code == submission.funded_task.code
    assert meta.funding.agency == "Sở Khoa học và Công nghệ"
    assert meta.funding.province == "Cần Thơ"
    assert meta.funding.task_title == "Chọn tạo giống lúa chịu mặn cho vùng ven biển"
    assert meta.history.received == date(2024, 10, 2)
    assert meta.history.revised == date(2024, 12, 20)
    assert meta.history.accepted == date(2025, 1, 10)
    assert meta.doi is None and meta.volume is None  # known once scheduled into an issue


def test_publication_details_can_be_given_once_known(app, users, tmp_path):
    submission = accepted_submission(users["author"], tmp_path)

    meta = production_meta.article_meta(
        submission, doi="10.99999/mdj.2025.00001", volume="3", issue="1", pub_date=date(2025, 3, 1)
    )

    assert (meta.doi, meta.volume, meta.issue, meta.year) == (
        "10.99999/mdj.2025.00001",
        "3",
        "1",
        2025,
    )


def test_without_events_the_submission_date_is_the_received_date(app, users, tmp_path):
    submission = accepted_submission(users["author"], tmp_path)
    submission.submitted_at = datetime(2025, 2, 28, 18, 30, tzinfo=UTC)
    db.session.commit()

    history = production_meta.article_history(submission)

    assert (history.received, history.revised, history.accepted) == (date(2025, 3, 1), None, None)


@pytest.mark.parametrize(
    ("name", "eastern"),
    [
        ("Nguyễn Văn An", True),
        ("Tran Thi Binh", True),  # Vietnamese written without diacritics
        ("Đặng Thị Hoa", True),
        ("Danh Sơn", True),
        ("John Smith", False),
        ("Marie Curie", False),
        ("Lý", True),
    ],
)
def test_name_order(name, eastern):
    assert production_meta.is_eastern_name(name) is eastern
