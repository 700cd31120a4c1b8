"""Staff search over submissions in every state after submission, limited to what the
searcher may see, through the search engine's submissions index (never public).

The database says which submissions the searcher may see, and in which of them the
authors' names and affiliations may be matched; the engine matches the words (accents
optional, as on the public search) within those.

Who sees what: the editor-in-chief every submission; a province editor or board member the
submissions of their provinces (and any they handle elsewhere); nobody the submissions they
are an author of (review is double-anonymous); reviewers and authors without a board seat
have no staff search.

Whose authors may be matched: only those of the submissions the searcher handles as an
editor (the editor-in-chief, the province's editor, the assigned editor), and never of a
submission they review or were invited to review. A board member without an editor's role
may be asked to review any submission of their province, so for them the names are never
matched: otherwise "q=33 phung" against "q=33 nguyen" would tell them who wrote
submission 33, letter by letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, not_, or_, true

from ..accounts.models import BoardRole
from ..extensions import db
from ..review.models import EditorAssignment, ReviewAssignment
from ..review.permissions import is_editor, is_editor_in_chief
from ..submissions.models import Submission, SubmissionAuthor
from ..workflow import Stage
from .engine import Notice, SearchRequest
from .query import parse_query
from .services import is_partial, search_staff_index

PAGE_SIZE = 20


@dataclass
class StaffResults:
    query: str
    submissions: list[Submission]
    total: int
    page: int
    pages: int
    partial: bool = False
    notices: tuple[Notice, ...] = ()


def can_search_submissions(user) -> bool:
    """Editors (the editor-in-chief, province editors) and board members."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return is_editor(user) or bool(user.province_ids())


def _email(actor) -> str:
    return (actor.email or "").strip().lower()


def visible_submissions(actor):
    """The query of the submissions ``actor`` may find (drafts are the authors' own)."""
    query = db.select(Submission).where(Submission.stage != Stage.DRAFT.value)
    email = _email(actor)
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
    in_provinces = Submission.province_id.in_(provinces) if provinces else false()
    return query.where(or_(in_provinces, _handled(actor)))


def _handled(actor):
    return exists().where(
        EditorAssignment.submission_id == Submission.id,
        EditorAssignment.editor_id == actor.id,
        EditorAssignment.ended_at.is_(None),
    )


def names_visible_submissions(actor):
    """Of the submissions ``actor`` may find, those whose authors they may find by name:
    the ones they handle as an editor, unless they review (or were invited to review) it."""
    email = _email(actor)
    reviews = exists().where(
        ReviewAssignment.submission_id == Submission.id,
        or_(
            ReviewAssignment.reviewer_id == actor.id,
            and_(email != "", func.lower(func.trim(ReviewAssignment.invitee_email)) == email),
        ),
    )
    if is_editor_in_chief(actor):
        edits = true()
    else:
        edited = actor.province_ids(BoardRole.PROVINCE_EDITOR)
        in_edited = Submission.province_id.in_(edited) if edited else false()
        edits = or_(in_edited, _handled(actor))
    return visible_submissions(actor).where(edits, not_(reviews))


def _ids(query) -> frozenset[str]:
    rows = db.session.execute(query.with_only_columns(Submission.id)).scalars()
    return frozenset(str(i) for i in rows)


def search_submissions(actor, text: str, *, page: int = 1, page_size: int = PAGE_SIZE):
    """Submissions ``actor`` may see whose number, titles, keywords or (where they may)
    authors match every word of ``text`` (accents ignored); the newest first. Without
    words: every submission they may see."""
    if parse_query(text).is_empty:
        return _listing(actor, text, page, page_size)
    request = SearchRequest(
        text=text or "",
        sort="newest",
        page=max(1, page),
        page_size=page_size,
        within=_ids(visible_submissions(actor)),
        names_within=_ids(names_visible_submissions(actor)),
    )
    results = search_staff_index(request)
    wanted = [int(hit.id) for hit in results.hits]
    found = {
        s.id: s
        for s in db.session.execute(db.select(Submission).where(Submission.id.in_(wanted)))
        .scalars()
        .all()
    }
    submissions = [found[i] for i in wanted if i in found]
    error = (Notice(results.error),) if results.error else ()
    return StaffResults(
        text,
        submissions,
        results.total,
        min(results.page, results.pages),
        results.pages,
        partial=is_partial(results),
        notices=error + tuple(results.notices),
    )


def _listing(actor, text: str, page: int, page_size: int) -> StaffResults:
    query = visible_submissions(actor)
    total = db.session.execute(
        query.with_only_columns(func.count(Submission.id)).order_by(None)
    ).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).scalars()
    return StaffResults(text, list(rows), total, page, pages)
