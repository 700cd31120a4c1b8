"""Editorial services: sending a submission to review (the anonymised copies and the leak
check), decisions and their letters, revision rounds.

Each public function is one transaction: check, validate, mutate, ``workflow.transition``
when the stage changes, commit once, then side effects (mail, signals). The acting user is
always an argument. Reviewer services (invitations, reviews, reminders) are in
``reviewers.py``; routing to an editor in ``routing.py``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from .. import signals, workflow
from ..errors import InvalidUpload, JournalError, PermissionDenied, StaleError, WorkflowError
from ..events import record_event
from ..extensions import db
from ..filetypes import DOCX, LATEX, MARKDOWN, ODT, sniff_manuscript
from ..mail import deliver_after_commit, external_url, queue_mail, render_message
from ..models_base import utcnow
from ..storage import file_store
from ..submissions.models import Submission, SubmissionFile
from ..submissions.services import (
    author_recipients,
    check_upload,
    one_transaction,
    store_upload,
    touch,
    zip_limits,
)
from .anonymise import (
    Finding,
    Place,
    PlaceList,
    document_text,
    find_leaks,
    make_needles,
    scrub,
)
from .labels import decision_label
from .models import (
    DECISION_ACTIONS,
    OPEN_STATUSES,
    AssignmentStatus,
    Decision,
    DecisionKind,
    ReviewAssignment,
    ReviewRound,
)
from .permissions import (
    handling_editor,
    is_editor_in_chief,
    require_handling,
)

log = logging.getLogger(__name__)

EXTENSIONS = {DOCX: ".docx", ODT: ".odt", MARKDOWN: ".md", LATEX: ".tex"}
SLOTS = ("manuscript", "response_letter")
REASON_MAX = 2000


class LeakFound(WorkflowError):
    """The anonymised copies (or the title, abstract, keywords) still name an author."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(
            _l(
                "The copy for the reviewers still names an author in %(count)d place(s): "
                "%(places)s. Upload a corrected copy, or send it anyway with a reason.",
                count=len(findings),
                places=PlaceList(findings),
            )
        )


class NotEnoughReviews(WorkflowError):
    pass


class InvalidDecision(JournalError):
    status = 400
    default_message = _l("Choose a decision.")


class IncompleteRevision(JournalError):
    status = 400


def _check_version(submission: Submission, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != submission.version:
        raise StaleError()


def _reason(text: str | None, too_long) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX:
        raise InvalidDecision(too_long)
    return text


# --- rounds and their files ---------------------------------------------------------------


def round_of(submission: Submission, number: int) -> ReviewRound | None:
    return db.session.execute(
        db.select(ReviewRound).filter_by(submission_id=submission.id, number=number)
    ).scalar_one_or_none()


def _current_round(submission: Submission) -> ReviewRound:
    review_round = round_of(submission, submission.round)
    if review_round is None:
        review_round = ReviewRound(submission_id=submission.id, number=submission.round)
        db.session.add(review_round)
        db.session.flush()
    return review_round


def _latest(submission: Submission, kind: str, number: int | None = None):
    files = [
        f for f in submission.files if f.kind == kind and (number is None or f.round == number)
    ]
    return files[-1] if files else None


def manuscript_for_round(submission: Submission, number: int) -> SubmissionFile | None:
    """The author's manuscript of round ``number``: the submitted one, then the revisions."""
    if number <= 1:
        return submission.manuscript
    return _latest(submission, "revision", number)


def response_letter_for_round(submission: Submission, number: int) -> SubmissionFile | None:
    return _latest(submission, "response_letter", number) if number > 1 else None


def copy_name(submission: Submission, slot: str, number: int, media_type: str) -> str:
    """What reviewers see as the file name: never the author's own."""
    stem = "manuscript" if slot == "manuscript" else "response-letter"
    return f"{stem}-{submission.id}-r{number}{EXTENSIONS.get(media_type, '')}"


def _read(record: SubmissionFile) -> bytes:
    with file_store().open(record.sha256) as f:
        return f.read()


def author_identities(submission: Submission) -> list[tuple[str, str, str | None]]:
    """(name, e-mail, ORCID) of every author, as listed and as registered."""
    from ..accounts.models import User

    people = [(a.full_name, a.email, a.orcid) for a in submission.authors]
    ids = {submission.owner_id} | {a.user_id for a in submission.authors if a.user_id}
    users = db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()
    people += [(u.full_name, u.email, u.orcid) for u in users]
    return people


def metadata_places(submission: Submission) -> list[Place]:
    """The title, abstract and keywords reviewers read in the invitation."""
    labels = {
        "title": (_l("Title (Vietnamese)"), _l("Title (English)")),
        "abstract": (_l("Abstract (Vietnamese)"), _l("Abstract (English)")),
        "keywords": (_l("Keywords (Vietnamese)"), _l("Keywords (English)")),
    }
    return [
        Place(label, getattr(submission, f"{name}_{lang}") or "")
        for name, pair in labels.items()
        for label, lang in zip(pair, ("vi", "en"), strict=True)
    ]


@dataclass
class PreparedCopy:
    slot: str
    name: str
    media_type: str
    data: bytes
    fix: SubmissionFile | None


@dataclass
class AnonymityReport:
    copies: list[PreparedCopy] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def prepare_copies(submission: Submission) -> AnonymityReport:
    """The copies reviewers would get for the current round, and what the leak check finds
    in them (and in the title, abstract and keywords). Stores nothing."""
    number = submission.round
    review_round = round_of(submission, number)
    sources = {
        "manuscript": (
            manuscript_for_round(submission, number),
            review_round.manuscript_fix if review_round else None,
        ),
        "response_letter": (
            response_letter_for_round(submission, number),
            review_round.letter_fix if review_round else None,
        ),
    }
    report, places = AnonymityReport(), metadata_places(submission)
    limits = zip_limits()
    for slot in SLOTS:
        original, fix = sources[slot]
        source = fix or original
        if source is None:
            if slot == "manuscript":
                raise WorkflowError(_l("There is no manuscript to send to the reviewers."))
            continue
        name = copy_name(submission, slot, number, source.media_type)
        data = scrub(_read(source), source.media_type, limits)
        report.copies.append(PreparedCopy(slot, name, source.media_type, data, fix))
        places.append(Place(_l("File name"), name))
        places.extend(document_text(data, source.media_type, limits, name))
    report.findings = find_leaks(places, make_needles(author_identities(submission)))
    return report


def _store_copy(submission: Submission, copy: PreparedCopy, actor) -> SubmissionFile:
    if copy.fix is not None:
        return copy.fix
    blob = file_store().put_bytes(copy.data)
    record = SubmissionFile(
        kind="anonymised_manuscript",
        round=submission.round,
        original_name=copy.name,
        media_type=copy.media_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=actor.id,
    )
    submission.files.append(record)
    return record


@one_transaction
def send_to_review(
    submission: Submission, actor, *, override_reason: str = "", expected_version=None
) -> ReviewRound:
    """Make the anonymised copies of the round, check them for the authors' names and move
    the submission to review. Names found block it (LeakFound, with the places) unless
    ``override_reason`` says why it may go anyway."""
    require_handling(actor, submission)
    _check_version(submission, expected_version)
    workflow.check_transition(submission, "send_to_review", actor)
    report = prepare_copies(submission)
    reason = _reason(override_reason, _l("The reason is too long (at most 2000 characters)."))
    if report.findings and not reason:
        raise LeakFound(report.findings)
    review_round = _current_round(submission)
    for copy in report.copies:
        record = _store_copy(submission, copy, actor)
        if copy.slot == "manuscript":
            review_round.manuscript_copy = record
        else:
            review_round.letter_copy = record
    if report.findings:
        review_round.leak_override_reason = reason
        places = str(PlaceList(report.findings))
        record_event(
            "override_leak_check", submission=submission, actor=actor, note=f"{reason} [{places}]"
        )
    review_round.sent_at = utcnow()
    review_round.sent_by_id = actor.id
    workflow.transition(submission, "send_to_review", actor, note=f"round {submission.round}")
    touch(submission)
    queue_mail(
        submission.owner,
        "review_under_review",
        submission=submission,
        link=external_url("submissions.detail", submission_id=submission.id),
    )
    db.session.commit()
    deliver_after_commit()
    signals.submission_transitioned.send(submission, action="send_to_review")
    return review_round


@one_transaction
def upload_anonymised_copy(
    submission: Submission, actor, *, slot: str, stream, filename: str | None
) -> SubmissionFile:
    """The editor's corrected copy for the reviewers (scrubbed too, renamed), used instead
    of the automatic one when the round is sent."""
    require_handling(actor, submission)
    if submission.stage != workflow.Stage.SUBMITTED:
        raise WorkflowError(
            _l("A corrected copy can only be uploaded before the round is sent to review.")
        )
    if slot not in SLOTS:
        raise InvalidUpload(_l("Unknown kind of file."))
    _name, media_type = check_upload(stream, filename, sniff_manuscript)
    data = scrub(stream.read(), media_type, zip_limits())
    blob = file_store().put_bytes(data)
    record = SubmissionFile(
        kind="anonymised_manuscript",
        round=submission.round,
        original_name=copy_name(submission, slot, submission.round, media_type),
        media_type=media_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=actor.id,
    )
    submission.files.append(record)
    db.session.flush()
    review_round = _current_round(submission)
    if slot == "manuscript":
        review_round.manuscript_fix = record
    else:
        review_round.letter_fix = record
    record_event(
        "upload_anonymised_copy", submission=submission, actor=actor, note=record.original_name
    )
    touch(submission)
    db.session.commit()
    return record


# --- decisions ----------------------------------------------------------------------------


def assignments_of(submission: Submission, number: int | None = None) -> list[ReviewAssignment]:
    query = db.select(ReviewAssignment).filter_by(submission_id=submission.id)
    if number is not None:
        query = query.filter_by(round=number)
    return list(
        db.session.execute(query.order_by(ReviewAssignment.round, ReviewAssignment.id)).scalars()
    )


def completed_reviews(submission: Submission, number: int) -> list[ReviewAssignment]:
    done = [a for a in assignments_of(submission, number) if a.status == AssignmentStatus.COMPLETED]
    return sorted(done, key=lambda a: (a.completed_at, a.id))


def decisions_of(submission: Submission) -> list[Decision]:
    return list(
        db.session.execute(
            db.select(Decision).filter_by(submission_id=submission.id).order_by(Decision.id)
        ).scalars()
    )


def _revision_due():
    return utcnow() + timedelta(days=current_app.config["REVIEW_REVISION_DAYS"])


def draft_letters(submission: Submission, decision: str, editor) -> dict[str, str]:
    """The decision letter in Vietnamese and English from the bilingual template, quoting
    the round's reviews meant for the authors (reviewers numbered, never named)."""
    kind = DecisionKind(decision)
    reviews = []
    if kind != DecisionKind.DESK_REJECT:
        reviews = [
            {"number": n, "comments": a.comments_to_author}
            for n, a in enumerate(completed_reviews(submission, submission.round), start=1)
        ]
    letters = {}
    for lang in ("vi", "en"):
        with force_locale(lang):
            letters[lang] = render_template(
                "review/letters/decision.txt",
                submission=submission,
                decision=kind.value,
                title=submission.title(lang),
                reviews=reviews,
                editor=editor,
                revision_due=_revision_due(),
            ).strip()
    return letters


def _cancel_open_assignments(submission: Submission, reason: str) -> int:
    """End the round's open invitations and reviews (``reason``: "decision" or
    "withdrawn"), telling each reviewer. Returns how many."""
    cancelled = 0
    for assignment in assignments_of(submission, submission.round):
        if assignment.status in OPEN_STATUSES:
            assignment.status = AssignmentStatus.CANCELLED.value
            assignment.cancelled_at = utcnow()
            assignment.cancel_reason = reason
            queue_mail(
                assignment.reviewer or assignment.invitee_email,
                "review_cancelled",
                locale=None if assignment.reviewer else submission.language,
                assignment=assignment,
                submission=submission,
                title=_anonymous_title(submission),
                why=reason,
            )
            cancelled += 1
    return cancelled


@one_transaction
def close_reviews_of_withdrawn(submission: Submission) -> int:
    """The author withdrew the submission: its open invitations and reviews end."""
    cancelled = _cancel_open_assignments(submission, "withdrawn")
    db.session.commit()
    if cancelled:
        deliver_after_commit()
    return cancelled


def cancel_on_withdraw(submission, **_extra) -> None:
    """``submission_withdrawn`` listener (the withdrawal is committed already)."""
    try:
        close_reviews_of_withdrawn(submission)
    except Exception:
        log.exception("could not close the reviews of submission %s", submission.id)


def _anonymous_title(submission: Submission) -> str:
    return submission.title_vi or submission.title_en


# Stricter first: when the reviewers' recommendations tie, the default is the stricter one.
_STRICTNESS = (
    DecisionKind.REJECT,
    DecisionKind.MAJOR_REVISIONS,
    DecisionKind.MINOR_REVISIONS,
    DecisionKind.ACCEPT,
)


class LetterMismatch(InvalidDecision):
    """The letter was drafted from the template of another decision."""


class PreviewExpired(JournalError):
    status = 409
    default_message = _l(
        "The decision or its letter changed after the preview: check the new preview and "
        "confirm again."
    )


def decision_action(submission: Submission, kind: DecisionKind) -> str:
    """The workflow action ``kind`` takes on the submission now: after a review round, or
    on a revised manuscript decided without one."""
    actions = DECISION_ACTIONS[kind]
    return next((a for a in actions if workflow.TRANSITIONS[a].possible(submission)), actions[0])


def decision_choices(submission: Submission) -> list[str]:
    """The decisions possible at the submission's stage and round."""
    return [
        kind.value
        for kind in DecisionKind
        if workflow.TRANSITIONS[decision_action(submission, kind)].possible(submission)
    ]


def suggested_decision(submission: Submission) -> str | None:
    """The decision the form opens on: what most reviewers of the round recommend (the
    stricter one on a tie), else the first decision possible."""
    choices = decision_choices(submission)
    if not choices:
        return None
    counts = Counter(a.recommendation for a in completed_reviews(submission, submission.round))
    if counts:
        best = max(_STRICTNESS, key=lambda kind: (counts[kind.value], -_STRICTNESS.index(kind)))
        if best.value in choices:
            return best.value
    return choices[0]


def _decision_mails(submission: Submission, kind: DecisionKind, letters: dict) -> list[dict]:
    """Every message of the decision to the authors: recipient, template and context."""
    mails = []
    for recipient, locale, is_owner, name in author_recipients(submission):
        mails.append(
            {
                "recipient": recipient,
                "template": "review_decision",
                "locale": locale,
                "submission": submission,
                "name": name,
                "decision_text": decision_label(kind.value),
                "letters": letters,
                "link": external_url("review.revisions", submission_id=submission.id)
                if is_owner
                else None,
            }
        )
    return mails


def _queue_decision_mail(submission: Submission, decision: Decision) -> None:
    letters = {"vi": decision.letter("vi"), "en": decision.letter("en")}
    for message in _decision_mails(submission, DecisionKind(decision.decision), letters):
        queue_mail(message.pop("recipient"), message.pop("template"), **message)
    for assignment in completed_reviews(submission, decision.round):
        queue_mail(
            assignment.reviewer,
            "review_decision_reviewer",
            submission=submission,
            assignment=assignment,
            title=_anonymous_title(submission),
            decision_text=decision_label(decision.decision),
            link=external_url("review.review", assignment_id=assignment.id),
        )


@dataclass
class CheckedDecision:
    kind: DecisionKind
    action: str
    letter_vi: str
    letter_en: str
    override_reason: str

    @property
    def letters(self) -> dict[str, str]:
        return {"vi": self.letter_vi or self.letter_en, "en": self.letter_en or self.letter_vi}


def check_decision(
    submission: Submission,
    actor,
    *,
    decision: str,
    letter_for: str,
    letter_vi: str,
    letter_en: str,
    override_reason: str = "",
    expected_version: int | None = None,
) -> CheckedDecision:
    """Everything ``record_decision`` checks, changing nothing: who decides, the stage, the
    completed reviews, and a letter drafted for this very decision."""
    require_handling(actor, submission)
    try:
        kind = DecisionKind(decision)
    except ValueError:
        raise InvalidDecision() from None
    _check_version(submission, expected_version)
    action = decision_action(submission, kind)
    workflow.check_transition(submission, action, actor)
    if letter_for != kind.value:
        try:
            drafted = decision_label(letter_for)
        except ValueError:
            drafted = "—"
        raise LetterMismatch(
            _l(
                "The letter was drafted for the decision “%(drafted)s”, not “%(chosen)s”. "
                "Start the letter again from the template of the decision you chose.",
                drafted=drafted,
                chosen=decision_label(kind.value),
            )
        )
    reason = _reason(override_reason, _l("The reason is too long (at most 2000 characters)."))
    if submission.stage == workflow.Stage.IN_REVIEW:
        needed = current_app.config["REVIEW_MIN_COMPLETED"]
        done = len(completed_reviews(submission, submission.round))
        if done < needed:
            if not is_editor_in_chief(actor):
                raise NotEnoughReviews(
                    _l(
                        "A decision needs at least %(needed)d completed reviews; this round "
                        "has %(done)d. Wait for the reviews, or ask the editor-in-chief.",
                        needed=needed,
                        done=done,
                    )
                )
            if not reason:
                raise NotEnoughReviews(
                    _l(
                        "This round has %(done)d of the %(needed)d completed reviews a "
                        "decision needs: give the reason for deciding now.",
                        needed=needed,
                        done=done,
                    )
                )
        else:
            reason = ""
    else:
        reason = ""
    letter_vi, letter_en = (letter_vi or "").strip(), (letter_en or "").strip()
    maximum = current_app.config["REVIEW_LETTER_MAX_CHARS"]
    if not letter_vi and not letter_en:
        raise InvalidDecision(_l("Write the decision letter."))
    if len(letter_vi) > maximum or len(letter_en) > maximum:
        raise InvalidDecision(
            _l("The decision letter may be at most %(max)d characters long.", max=maximum)
        )
    return CheckedDecision(kind, action, letter_vi, letter_en, reason)


@dataclass
class MessagePreview:
    recipient: str
    subject: str
    body: str


def preview_decision(submission: Submission, actor, **values) -> list[MessagePreview]:
    """The exact e-mails the decision would send to the authors (both languages), after
    every check ``record_decision`` makes. Changes nothing."""
    checked = check_decision(submission, actor, **values)
    previews = []
    for message in _decision_mails(submission, checked.kind, checked.letters):
        recipient = message.pop("recipient")
        subject, body = render_message(recipient, message.pop("template"), **message)
        previews.append(MessagePreview(getattr(recipient, "email", recipient), subject, body))
    return previews


def _preview_digest(submission: Submission, checked: CheckedDecision) -> str:
    text = "\x1f".join(
        [
            str(submission.id),
            str(submission.version),
            checked.kind.value,
            checked.letter_vi,
            checked.letter_en,
            checked.override_reason,
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _preview_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="decision-preview")


def preview_token(submission: Submission, actor, **values) -> str:
    """Proof that the editor saw the preview of exactly this decision and letter."""
    checked = check_decision(submission, actor, **values)
    return _preview_serializer().dumps(_preview_digest(submission, checked))


@one_transaction
def record_decision(
    submission: Submission,
    actor,
    *,
    decision: str,
    letter_for: str,
    letter_vi: str,
    letter_en: str,
    override_reason: str = "",
    expected_version: int | None = None,
    preview: str | None = None,
) -> Decision:
    """Decide on the current round: accept, minor or major revisions, reject (after
    review) or desk reject (before); accept or reject a revised manuscript without a new
    round. A decision after review needs REVIEW_MIN_COMPLETED completed reviews, unless
    the editor-in-chief gives a reason. The letter must have been drafted for the decision
    (``letter_for``); with ``preview`` (the token of the preview page), the decision and
    letter must be the ones previewed."""
    checked = check_decision(
        submission,
        actor,
        decision=decision,
        letter_for=letter_for,
        letter_vi=letter_vi,
        letter_en=letter_en,
        override_reason=override_reason,
        expected_version=expected_version,
    )
    if preview is not None:
        try:
            seen = _preview_serializer().loads(preview)
        except BadSignature:
            seen = None
        if seen != _preview_digest(submission, checked):
            raise PreviewExpired()
    kind, reason = checked.kind, checked.override_reason
    record = Decision(
        submission_id=submission.id,
        round=submission.round,
        editor_id=actor.id,
        decision=kind.value,
        letter_vi=checked.letter_vi,
        letter_en=checked.letter_en,
        override_reason=reason,
        revision_due_at=_revision_due()
        if kind in (DecisionKind.MINOR_REVISIONS, DecisionKind.MAJOR_REVISIONS)
        else None,
    )
    db.session.add(record)
    _cancel_open_assignments(submission, "decision")
    note = f"round {submission.round}" + (
        f"; fewer reviews than required: {reason}" if reason else ""
    )
    workflow.transition(submission, checked.action, actor, note=note)
    touch(submission)
    _queue_decision_mail(submission, record)
    db.session.commit()
    deliver_after_commit()
    signals.submission_decided.send(submission, decision=kind.value)
    return record


# --- revisions ----------------------------------------------------------------------------

REVISION_KINDS = ("revision", "response_letter")


def _require_owner(actor, submission: Submission) -> None:
    from ..submissions.permissions import require_view

    require_view(actor, submission)
    if submission.owner_id != getattr(actor, "id", None):
        raise PermissionDenied()


def revision_files(submission: Submission) -> dict[str, SubmissionFile | None]:
    """The revised manuscript and response letter uploaded for the next round."""
    number = submission.round + 1
    return {kind: _latest(submission, kind, number) for kind in REVISION_KINDS}


def revision_missing(submission: Submission) -> list:
    files = revision_files(submission)
    missing = []
    if files["revision"] is None:
        missing.append(_l("Upload the revised manuscript."))
    if files["response_letter"] is None:
        missing.append(_l("Upload the response letter to the reviewers."))
    return missing


@one_transaction
def upload_revision_file(
    submission: Submission, actor, *, kind: str, stream, filename: str | None
) -> SubmissionFile:
    """The author's revised manuscript or response letter for the next round (checked by
    content like every manuscript; every version is kept)."""
    _require_owner(actor, submission)
    if submission.stage != workflow.Stage.REVISIONS_REQUESTED:
        raise WorkflowError(
            _l("Revised files can be uploaded once the editor has asked for revisions.")
        )
    if kind not in REVISION_KINDS:
        raise InvalidUpload(_l("Unknown kind of file."))
    name, media_type = check_upload(stream, filename, sniff_manuscript)
    blob = store_upload(stream)
    record = SubmissionFile(
        kind=kind,
        round=submission.round + 1,
        original_name=name,
        media_type=media_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=actor.id,
    )
    submission.files.append(record)
    record_event("upload_revision", submission=submission, actor=actor, note=kind)
    touch(submission)
    db.session.commit()
    return record


@one_transaction
def resubmit_revision(submission: Submission, actor, *, expected_version=None) -> Submission:
    """Send the revised manuscript: round n+1 starts, back to the handling editor."""
    from .routing import route_submission

    _require_owner(actor, submission)
    _check_version(submission, expected_version)
    workflow.check_transition(submission, "resubmit", actor)
    missing = revision_missing(submission)
    if missing:
        raise IncompleteRevision(
            _l(
                "The revision is not complete: %(missing)s",
                missing=" ".join(str(m) for m in missing),
            )
        )
    submission.round += 1
    route_submission(submission)
    workflow.transition(submission, "resubmit", actor, note=f"round {submission.round}")
    touch(submission)
    editor = handling_editor(submission)
    if editor is not None:
        queue_mail(
            editor,
            "review_resubmitted",
            submission=submission,
            link=external_url("review.submission", submission_id=submission.id),
        )
    db.session.commit()
    deliver_after_commit()
    signals.submission_transitioned.send(submission, action="resubmit")
    return submission


def released_attachments(submission: Submission) -> list[ReviewAssignment]:
    """Completed reviews with an attachment, in rounds that have a decision: what the
    authors may download (scrubbed, named by number)."""
    decided = {d.round for d in decisions_of(submission)}
    return [
        a
        for a in assignments_of(submission)
        if a.status == AssignmentStatus.COMPLETED and a.attachment_id and a.round in decided
    ]


@dataclass
class RoundView:
    number: int
    manuscript: SubmissionFile | None
    response_letter: SubmissionFile | None
    review_round: ReviewRound | None
    assignments: list[ReviewAssignment]
    decisions: list[Decision]


def rounds_overview(submission: Submission) -> list[RoundView]:
    """Every round, newest first, with its files, reviewers and decisions (the editor's
    view: earlier rounds stay readable)."""
    assignments = assignments_of(submission)
    decisions = decisions_of(submission)
    return [
        RoundView(
            number=n,
            manuscript=manuscript_for_round(submission, n),
            response_letter=response_letter_for_round(submission, n),
            review_round=round_of(submission, n),
            assignments=[a for a in assignments if a.round == n],
            decisions=[d for d in decisions if d.round == n],
        )
        for n in range(submission.round, 0, -1)
    ]
