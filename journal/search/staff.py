"""Staff search over submissions in every state after submission, limited to what the
searcher may see.

A database query, not the engine: the rows a person may see are few (their provinces'
submissions) and must reflect every change at once, including confidential work in progress
that never goes into the public index. The database selects the visible submissions; their
titles, keywords and author names are folded (no diacritics, đ → d) and matched here, so
"lua chiu man" finds "lúa chịu mặn" on SQLite and PostgreSQL alike.

Who sees what: the editor-in-chief every submission; a province editor or board member the
submissions of their provinces (and any they handle elsewhere); nobody the submissions they
are an author of (review is double-anonymous); reviewers and authors without a board seat
have no staff search.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, not_, or_
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..review.models import EditorAssignment
from ..review.permissions import is_editor, is_editor_in_chief
from ..submissions.models import Submission, SubmissionAuthor
from ..workflow import Stage
from . import analysis

MAX_QUERY_CHARS = 256
MAX_WORDS = 16
PAGE_SIZE = 20


@dataclass
class StaffResults:
    query: str
    submissions: list[Submission]
    total: int
    page: int
    pages: int
    truncated: bool = False


def can_search_submissions(user) -> bool:
    """Editors (the editor-in-chief, province editors) and board members."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return is_editor(user) or bool(user.province_ids())


def visible_submissions(actor):
    """The query of the submissions ``actor`` may find (drafts are the authors' own)."""
    query = db.select(Submission).where(Submission.stage != Stage.DRAFT.value)
    email = (actor.email or "").strip().lower()
    authored = exists().where(
        SubmissionAuthor.submission_id == Submission.id,
        or_(
            SubmissionAuthor.user_id == actor.id,
            and_(email != "", func.lower(func.trim(SubmissionAuthor.email)) == email),
        ),
    )
    query = query.where(Submission.owner_id != actor.id, not_(authored))
    if is_editor_in_chief(actor):
        return query
    provinces = actor.province_ids()
    handled = exists().where(
        EditorAssignment.submission_id == Submission.id,
        EditorAssignment.editor_id == actor.id,
        EditorAssignment.ended_at.is_(None),
    )
    in_provinces = Submission.province_id.in_(provinces) if provinces else false()
    return query.where(or_(in_provinces, handled))


def _folded_words(text: str) -> list[str]:
    return [analysis.fold_word(w) for w in analysis.words(text)]


def _haystack(submission: Submission) -> set[str]:
    parts = [
        submission.title_vi,
        submission.title_en,
        submission.keywords_vi,
        submission.keywords_en,
        *(a.full_name for a in submission.authors),
        *(a.affiliation for a in submission.authors),
    ]
    words = set(_folded_words(" ".join(p for p in parts if p)))
    words.add(str(submission.id))
    return words


def _matches(words: list[str], haystack: set[str]) -> bool:
    return all(any(token.startswith(w) for token in haystack) for w in words)


def search_submissions(actor, text: str, *, page: int = 1, page_size: int = PAGE_SIZE):
    """Submissions ``actor`` may see whose titles, keywords, authors or number match every
    word of ``text`` (word prefixes, accents ignored); the newest first."""
    text = (text or "")[:MAX_QUERY_CHARS]
    words = _folded_words(text)
    truncated = len(words) > MAX_WORDS
    words = words[:MAX_WORDS]
    query = visible_submissions(actor).options(selectinload(Submission.authors))
    query = query.order_by(Submission.submitted_at.desc(), Submission.id.desc())
    found = [
        s for s in db.session.execute(query).scalars() if not words or _matches(words, _haystack(s))
    ]
    pages = max(1, -(-len(found) // page_size))
    page = min(max(1, page), pages)
    start = (page - 1) * page_size
    return StaffResults(text, found[start : start + page_size], len(found), page, pages, truncated)
