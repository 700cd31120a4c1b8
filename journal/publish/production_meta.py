"""From a submission to the article's front matter as the typesetting pipeline takes it
(``journal.publish.typeset.ArticleMeta``): the journal's identity from the settings, the
authors in their name order, the funded task, the section, and the history (received,
revised, accepted) from the event log, in Vietnam's dates."""

from __future__ import annotations

import unicodedata
from datetime import date

from flask import current_app

from ..dates import local_date
from ..events import events_for
from ..settings import journal_settings
from ..submissions.models import SubmissionAuthor
from ..workflow import Stage
from .typeset import ArticleMeta, Author, Funding, History, JournalIdentity


def journal_identity() -> JournalIdentity:
    settings = journal_settings()
    return JournalIdentity(
        journal_id=current_app.config["JOURNAL_ID"],
        title_vi=settings["JOURNAL_TITLE_VI"],
        title_en=settings["JOURNAL_TITLE_EN"],
        issn=settings["ISSN_PRINT"] or None,
        eissn=settings["ISSN_ONLINE"] or None,
        publisher=settings["JOURNAL_PUBLISHER"],
        publisher_loc=settings["JOURNAL_PUBLISHER_LOC"],
        abbrev_title=settings["JOURNAL_ABBREV_TITLE"] or None,
    )


# Family names that mark a name as written family name first (compared without diacritics).
_SURNAMES = (
    "au bach bui cao chau chu dang danh diep dinh do doan duong giang ha han ho "
    "hoang hua huynh khuu kieu la lai lam le lu luong luu ly mac mai ngo nghiem "
    "nguyen ong phan pham phung quach quan son ta tang thach thai tieu to tong tran "
    "trieu trinh truong vo vu vuong"
)
VIETNAMESE_SURNAMES = frozenset(_SURNAMES.split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def is_eastern_name(full_name: str) -> bool:
    """Vietnamese names are written family name first; "John Smith" is not."""
    parts = full_name.split()
    if not parts:
        return True
    return _fold(parts[0]) in VIETNAMESE_SURNAMES or not full_name.isascii()


def _author(author: SubmissionAuthor) -> Author:
    orcid = (author.orcid or "").strip() or None
    if orcid and not orcid.startswith("http"):
        orcid = f"https://orcid.org/{orcid}"
    return Author.from_full_name(
        author.full_name,
        eastern=is_eastern_name(author.full_name),
        affiliation=author.affiliation or "",
        orcid=orcid,
        email=author.email or None,
        corresponding=author.corresponding,
    )


def article_history(submission) -> History:
    """Received (first submission), revised (the last resubmission), accepted, from the
    event log; received falls back on the submission date."""
    events = events_for(submission)
    submitted = [e for e in events if e.to_stage == Stage.SUBMITTED]
    resubmitted = [e for e in submitted if e.from_stage != Stage.DRAFT]
    accepted = [e for e in events if e.to_stage == Stage.ACCEPTED]
    received = submitted[0].created_at if submitted else submission.submitted_at
    return History(
        received=local_date(received),
        revised=local_date(resubmitted[-1].created_at) if resubmitted else None,
        accepted=local_date(accepted[-1].created_at) if accepted else None,
    )


def _funding(submission) -> Funding | None:
    task = submission.funded_task
    if task is None:
        return None
    return Funding(
        agency=task.agency,
        task_code=task.code,
        programme=task.programme or "",
        province=task.province.name(submission.language) if task.province else "",
        task_title=task.title(submission.language),
    )


def article_meta(
    submission,
    *,
    doi: str | None = None,
    pub_date: date | None = None,
    volume: str | None = None,
    issue: str | None = None,
    fpage: str | None = None,
    lpage: str | None = None,
) -> ArticleMeta:
    """The front matter of ``submission`` as the typesetting pipeline takes it. DOI, issue
    and pages are known only once the article is scheduled; production leaves them out."""
    return ArticleMeta(
        journal=journal_identity(),
        language=submission.language,
        title_vi=submission.title_vi,
        title_en=submission.title_en,
        abstract_vi=submission.abstract_vi,
        abstract_en=submission.abstract_en,
        authors=tuple(_author(a) for a in submission.authors),
        keywords_vi=tuple(submission.keywords("vi")),
        keywords_en=tuple(submission.keywords("en")),
        doi=doi,
        pub_date=pub_date,
        volume=volume,
        issue=issue,
        fpage=fpage,
        lpage=lpage,
        history=article_history(submission),
        funding=_funding(submission),
        section=submission.section.name(submission.language) if submission.section else "",
    )


def _day(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"“{name}” must be a date written YYYY-MM-DD, not {value!r}") from None


def _words(value, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [w for w in (part.strip() for part in value.split(",")) if w]
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValueError(f"“{name}” must be a list of words")
    return tuple(value)


def meta_from_mapping(data: dict, *, default_title: str) -> ArticleMeta:
    """Front matter given as plain data (``journal typeset --metadata FILE.json``): the
    article's language, titles, abstracts, keywords, authors (``name``, ``affiliation``,
    ``orcid``, ``email``, ``corresponding``), and, for a version of record, ``doi``,
    ``volume``, ``issue``, ``fpage``, ``lpage``, ``pub_date`` and ``history``. The journal
    is this installation's. Raises ValueError with a plain message."""
    if not isinstance(data, dict):
        raise ValueError("the metadata must be a JSON object")
    texts = {}
    for key in ("title_vi", "title_en", "abstract_vi", "abstract_en"):
        value = data.get(key, "")
        if not isinstance(value, str):
            raise ValueError(f"“{key}” must be text")
        texts[key] = value.strip()
    title = texts["title_vi"] or texts["title_en"] or default_title
    authors = []
    for entry in data.get("authors") or [{"name": "Khuyết danh"}]:
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise ValueError("each author needs a “name”")
        name = str(entry["name"]).strip()
        orcid = str(entry.get("orcid") or "").strip() or None
        if orcid and not orcid.startswith("http"):
            orcid = f"https://orcid.org/{orcid}"
        authors.append(
            Author.from_full_name(
                name,
                eastern=is_eastern_name(name),
                affiliation=str(entry.get("affiliation") or ""),
                orcid=orcid,
                email=str(entry.get("email") or "") or None,
                corresponding=bool(entry.get("corresponding")),
            )
        )
    history = data.get("history") or {}
    if not isinstance(history, dict):
        raise ValueError("“history” must be an object with received, revised, accepted")
    optional = {k: data.get(k) for k in ("doi", "volume", "issue", "fpage", "lpage")}
    return ArticleMeta(
        journal=journal_identity(),
        language=str(data.get("language") or "vi"),
        title_vi=texts["title_vi"] or title,
        title_en=texts["title_en"] or title,
        abstract_vi=texts["abstract_vi"] or "(Chưa có tóm tắt.)",
        abstract_en=texts["abstract_en"] or "(No abstract given.)",
        authors=tuple(authors),
        keywords_vi=_words(data.get("keywords_vi") or [], "keywords_vi"),
        keywords_en=_words(data.get("keywords_en") or [], "keywords_en"),
        pub_date=_day(data.get("pub_date"), "pub_date"),
        history=History(
            **{k: _day(history.get(k), k) for k in ("received", "revised", "accepted")}
        ),
        section=str(data.get("section") or ""),
        **{k: str(v) for k, v in optional.items() if v not in (None, "")},
    )
