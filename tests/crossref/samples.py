"""Sample records for the Crossref and DOAJ tests: a Vietnamese article reporting a funded
task, an English one without funding, and a short Vietnamese one without an ORCID."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crossref import (
    ArticleRecord,
    Citation,
    Contributor,
    DepositBatch,
    Funding,
    IssueInfo,
    JournalInfo,
)

from ..conftest import SCHEMAS_DIR

PREFIX = "10.32013"  # Crossref's demonstration prefix
SITE = "https://tapsan.example.vn"


def make_journal(**changes) -> JournalInfo:
    values = {
        "title_vi": "Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long",
        "title_en": "Mekong Delta Journal of Science and Technology",
        "abbrev_title": "Mekong Delta J. Sci. Technol.",
        "issn_print": "2049-3630",
        "issn_electronic": "0317-8471",
        "publisher": "Sở Khoa học và Công nghệ thành phố Cần Thơ",
        "language": "vi",
    }
    return JournalInfo(**(values | changes))


def make_issue(**changes) -> IssueInfo:
    values = {"volume": "3", "number": "2", "year": 2025, "publication_date": date(2025, 6, 30)}
    return IssueInfo(**(values | changes))


def make_batch(**changes) -> DepositBatch:
    values = {
        "batch_id": "mdj-20250630-0001",
        "timestamp": 20250630120000000,
        "depositor_name": "Tập san KH&CN ĐBSCL",
        "depositor_email": "crossref@tapsan.example.vn",
        "registrant": "Sở Khoa học và Công nghệ thành phố Cần Thơ",
    }
    return DepositBatch(**(values | changes))


def article_url(number: int) -> str:
    return f"{SITE}/articles/2025/{number:04d}"


def make_vietnamese_article(**changes) -> ArticleRecord:
    values = {
        "doi": f"{PREFIX}/mdj.2025.0001",
        "landing_url": article_url(1),
        "pdf_url": article_url(1) + ".pdf",
        "language": "vi",
        "title_vi": "Đánh giá chất lượng nước mặt vùng ven biển tỉnh Cà Mau",
        "title_en": "Assessing surface water quality in the coastal zone of Cà Mau province",
        "abstract_vi": (
            "Nghiên cứu đánh giá chất lượng nước mặt tại 24 điểm quan trắc.\n\n"
            "Kết quả cho thấy độ mặn tăng vào mùa khô."
        ),
        "abstract_en": (
            "The study assesses surface water quality at 24 monitoring sites.\n\n"
            "Salinity rises in the dry season."
        ),
        "contributors": (
            Contributor(
                "Nguyễn Văn An",
                orcid="0000-0002-1825-0097",
                affiliations=("Trường Đại học Cần Thơ",),
                orcid_authenticated=True,
            ),
            Contributor(
                "Trần Thị Bích Ngọc",
                orcid="https://orcid.org/0000-0001-5109-3700",
                affiliations=("Trường Đại học Cần Thơ", "Sở Khoa học và Công nghệ tỉnh Cà Mau"),
            ),
        ),
        "published_online": date(2025, 6, 15),
        "published_print": date(2025, 6, 30),
        "first_page": "1",
        "last_page": "14",
        "funding": (
            Funding(
                funder_name="Sở Khoa học và Công nghệ tỉnh Cà Mau",
                award_number="CM-2023-07",
                programme="Chương trình KH&CN cấp tỉnh",
            ),
        ),
        "citations": (
            Citation("ref1", doi="10.32013/abcdef"),
            Citation(
                "ref2",
                unstructured="Lê Văn Bình (2020). Xâm nhập mặn ở ĐBSCL. NXB Nông nghiệp.",
            ),
            Citation("ref3", doi="https://doi.org/10.32013/xyz.12", unstructured="Smith J. 2019."),
        ),
        "keywords_vi": ("chất lượng nước", "xâm nhập mặn"),
        "keywords_en": ("water quality", "salinity intrusion"),
    }
    return ArticleRecord(**(values | changes))


def make_english_article(**changes) -> ArticleRecord:
    values = {
        "doi": f"{PREFIX}/mdj.2025.0002",
        "landing_url": article_url(2),
        "pdf_url": article_url(2) + ".pdf",
        "language": "en",
        "title_vi": "Ứng dụng cảm biến IoT trong nuôi tôm",
        "title_en": "IoT sensors in shrimp farming",
        "abstract_vi": "Bài báo trình bày hệ thống cảm biến.",
        "abstract_en": "We present a low-cost sensor network for shrimp ponds.",
        "contributors": (
            Contributor("Jane M. Smith", orcid="0000-0003-1415-9269", affiliations=("RMIT",)),
            Contributor("Lê Hoàng Phúc", affiliations=("Trường Đại học Kiên Giang",)),
        ),
        "published_online": date(2025, 6, 20),
        "first_page": 15,
        "last_page": 27,
        "citations": (Citation("c1", unstructured="Doe, A. (2018). Ponds. Aquaculture 1."),),
        "keywords_en": ("IoT", "shrimp"),
    }
    return ArticleRecord(**(values | changes))


def make_short_article(**changes) -> ArticleRecord:
    values = {
        "doi": f"{PREFIX}/mdj.2025.0003",
        "landing_url": article_url(3),
        "language": "vi",
        "title_vi": "Ghi chú về giống lúa chịu mặn OM5451",
        "contributors": (Contributor("Thạch Thị Sa Rươl"),),
        "published_print": date(2025, 6, 30),
        "first_page": "28",
    }
    return ArticleRecord(**(values | changes))


def make_articles() -> list[ArticleRecord]:
    return [make_vietnamese_article(), make_english_article(), make_short_article()]


def schema_or_skip(relative: str) -> Path:
    """The schema file under SCHEMAS_DIR (tests/conftest.py), or skip when it is absent."""
    path = SCHEMAS_DIR / relative
    if not path.is_file():
        pytest.skip(f"schemas not found: {path} (set JOURNAL_SCHEMAS_DIR)")
    return path
