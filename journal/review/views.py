"""Editorial review pages.

- ``/editorial/…``: the queues, the editorial page of a submission (rounds, reviewers,
  decisions, timeline), sending to review, inviting reviewers, decisions. 403 for people
  without an editorial role, 404 for editors who cannot see the submission.
- ``/reviews/…``: the reviewer's list, the invitation link (works signed out), the review
  form and the anonymised files. Another reviewer's assignment answers 404.
- ``/revisions/…``: the author's decision letters, revised files and resubmission. Only the
  owner; others get 404.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user

from .. import workflow
from ..accounts.models import User
from ..accounts.services import AccountError
from ..admin.permissions import permission_required
from ..errors import InvalidUpload, JournalError
from ..events import events_for
from ..extensions import db
from ..models_base import utcnow
from ..provinces import all_provinces, province_by_code
from ..settings import review_questions
from ..storage import file_store
from ..submissions.models import Submission
from . import queues, reviewers, routing, services
from .forms import (
    AcceptForm,
    CopyUploadForm,
    DecisionForm,
    DeclineForm,
    DueDateForm,
    InviteForm,
    ReassignForm,
    ReinviteForm,
    RevisionFileForm,
    RevokeForm,
    SendToReviewForm,
    VersionedForm,
    question_field,
    review_form,
)
from .labels import (
    decision_label,
    event_label,
    rating_label,
    recommendation_label,
    review_answers,
    status_label,
)
from .models import AssignmentStatus, ReviewAssignment
from .permissions import (
    can_open_review,
    can_reassign,
    can_view_all_queues,
    can_view_editor_queue,
    can_view_province_queue,
    handles_submission,
    handling_editor,
    is_editor,
    require_editorial_view,
    require_handling,
    require_reviewer,
    reviewer_files,
)
from .tokens import assignment_for_token, invitation_token

bp = Blueprint("review", __name__)
_FROM_REQUEST = object()


class FormError(JournalError):
    """A small action form (hidden fields, one reason) sent back invalid."""

    status = 400
    default_message = _l("The form could not be read. Go back, reload the page and try again.")


@bp.context_processor
def _template_helpers():
    return {
        "stage_label": lambda stage: workflow.STAGE_LABELS[workflow.Stage(stage)],
        "status_label": status_label,
        "recommendation_label": recommendation_label,
        "decision_label": decision_label,
        "rating_label": rating_label,
        "review_answers": lambda a: review_answers(a, get_locale()),
        "event_label": event_label,
        "invitation_token": invitation_token,
        "now": utcnow(),
    }


def _first_error(form) -> None:
    for errors in form.errors.values():
        if errors:
            raise FormError(errors[0])
    raise FormError()


def _submission(submission_id: int) -> Submission:
    return db.session.get(Submission, submission_id) or abort(404)


def _editorial(submission_id: int) -> Submission:
    submission = _submission(submission_id)
    require_editorial_view(current_user, submission)
    return submission


def _handled(submission_id: int) -> Submission:
    submission = _submission(submission_id)
    require_handling(current_user, submission)
    return submission


def _assignment(assignment_id: int) -> ReviewAssignment:
    return db.session.get(ReviewAssignment, assignment_id) or abort(404)


def _send(record):
    response = send_file(
        file_store().path_for(record.sha256),
        mimetype=record.media_type,
        as_attachment=True,
        download_name=record.original_name,
        etag=record.sha256,
        max_age=None,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- queues -------------------------------------------------------------------------------


def _queue_page(title, rows, **context):
    return render_template(
        "review/queue.html",
        title=title,
        rows=rows,
        decided=request.args.get("show") == "decided",
        provinces=[p for p in all_provinces() if can_view_province_queue(current_user, p)],
        **context,
    )


@bp.get("/editorial/")
@login_required
def queue_home():
    if can_view_all_queues(current_user):
        return redirect(url_for(".queue_all"))
    if is_editor(current_user):
        return redirect(url_for(".queue_editor", user_id=current_user.id))
    abort(403)


@bp.get("/editorial/all")
@permission_required(can_view_all_queues)
def queue_all():
    decided = request.args.get("show") == "decided"
    return _queue_page(_("All provinces"), queues.all_queue(current_user, decided=decided))


@bp.get("/editorial/provinces/<code>")
@permission_required(is_editor)
def queue_province(code: str):
    province = province_by_code(code) or abort(404)
    if not can_view_province_queue(current_user, province):
        abort(403)
    decided = request.args.get("show") == "decided"
    rows = queues.province_queue(province, current_user, decided=decided)
    return _queue_page(province.name(str(get_locale())), rows, province=province)


@bp.get("/editorial/editors/<int:user_id>")
@permission_required(is_editor)
def queue_editor(user_id: int):
    editor = db.session.get(User, user_id) or abort(404)
    if not can_view_editor_queue(current_user, editor):
        abort(403)
    decided = request.args.get("show") == "decided"
    rows = queues.editor_queue(editor, current_user, decided=decided)
    return _queue_page(_("Handled by %(name)s", name=editor.full_name), rows, editor=editor)


# --- the editorial page -------------------------------------------------------------------


@bp.get("/editorial/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    s = _editorial(submission_id)
    candidates = routing.editor_candidates(s) if can_reassign(current_user, s) else []
    editor = handling_editor(s)
    return render_template(
        "review/submission.html",
        submission=s,
        editor=editor,
        rounds=services.rounds_overview(s),
        events=events_for(s),
        actions=workflow.allowed_actions(current_user, s),
        handles=handles_submission(current_user, s),
        reassign_form=ReassignForm(
            formdata=None,
            candidates=candidates,
            data={"version": s.version, "editor_id": editor.id if editor else None},
        ),
        earlier=reviewers.earlier_reviewers(s) if s.round > 1 else [],
        reinvite_form=ReinviteForm(formdata=None, data={"due_date": reviewers.default_due_date()}),
    )


@bp.post("/editorial/submissions/<int:submission_id>/editor")
@login_required
def reassign(submission_id: int):
    s = _editorial(submission_id)
    if not can_reassign(current_user, s):
        abort(403)
    form = ReassignForm(candidates=routing.editor_candidates(s))
    if not form.validate_on_submit():
        _first_error(form)
    editor = db.session.get(User, form.editor_id.data)
    routing.reassign_editor(
        s, current_user, editor, reason=form.reason.data, expected_version=form.version.data
    )
    flash(_("%(name)s now handles this submission.", name=editor.full_name), "success")
    return redirect(url_for(".submission", submission_id=s.id))


# --- sending to review --------------------------------------------------------------------


def _send_page(s: Submission, form, status: int = 200, error=None, upload_error=None):
    workflow.check_transition(s, "send_to_review", current_user)
    report = services.prepare_copies(s)
    page = render_template(
        "review/send.html",
        submission=s,
        report=report,
        form=form,
        error=error,
        upload_error=upload_error,
        upload_form=CopyUploadForm(formdata=None),
    )
    return page, status


@bp.route("/editorial/submissions/<int:submission_id>/send", methods=["GET", "POST"])
@login_required
def send(submission_id: int):
    s = _handled(submission_id)
    if request.method == "GET":
        return _send_page(s, SendToReviewForm(formdata=None, data={"version": s.version}))
    form = SendToReviewForm()
    if not form.validate_on_submit():
        return _send_page(s, form, status=400)
    try:
        services.send_to_review(
            s,
            current_user,
            override_reason=form.override_reason.data or "",
            expected_version=form.version.data,
        )
    except services.LeakFound as error:
        return _send_page(s, form, status=error.status, error=error.message)
    flash(_("The submission is in review. Invite the reviewers now."), "success")
    return redirect(url_for(".reviewers_page", submission_id=s.id))


@bp.post(
    "/editorial/submissions/<int:submission_id>/copies/<any(manuscript, response_letter):slot>"
)
@login_required
def upload_copy(submission_id: int, slot: str):
    s = _handled(submission_id)
    form = CopyUploadForm()
    version_form = SendToReviewForm(formdata=None, data={"version": s.version})
    if not form.validate_on_submit():
        return _send_page(s, version_form, status=400, upload_error=form.file.errors[0])
    upload = form.file.data
    try:
        services.upload_anonymised_copy(
            s, current_user, slot=slot, stream=upload.stream, filename=upload.filename
        )
    except InvalidUpload as error:
        return _send_page(s, version_form, status=error.status, upload_error=error.message)
    flash(_("The corrected copy has been checked again below."), "success")
    return redirect(url_for(".send", submission_id=s.id))


# --- reviewers ----------------------------------------------------------------------------


def _reviewers_page(s: Submission, form, status: int = 200, error=None):
    page = render_template(
        "review/reviewers.html",
        submission=s,
        form=form,
        error=error,
        suggestions=reviewers.suggest_reviewers(s),
        assignments=services.assignments_of(s, s.round),
        earlier=reviewers.earlier_reviewers(s) if s.round > 1 else [],
        reinvite_form=ReinviteForm(formdata=None, data={"due_date": reviewers.default_due_date()}),
        default_due=reviewers.default_due_date(),
    )
    return page, status


@bp.route("/editorial/submissions/<int:submission_id>/reviewers", methods=["GET", "POST"])
@login_required
def reviewers_page(submission_id: int):
    """Invite a reviewer: the invitation's text can be edited and previewed (the "Preview"
    button) before it is sent."""
    s = _handled(submission_id)
    if request.method == "GET":
        texts = reviewers.invitation_texts(s)
        data = {
            "email": request.args.get("email", "")[:254],
            "full_name": request.args.get("name", "")[:200],
            "due_date": reviewers.default_due_date(),
            "message_vi": texts["vi"],
            "message_en": texts["en"],
        }
        return _reviewers_page(s, InviteForm(formdata=None, data=data))
    form = InviteForm()
    if not form.validate_on_submit():
        return _reviewers_page(s, form, status=400)
    if form.step.data == "edit":
        return _reviewers_page(s, form)
    values = {
        "email": form.email.data,
        "full_name": form.full_name.data or "",
        "due_at": reviewers.due_at_end_of(form.due_date.data),
        "conflict_reason": form.conflict_reason.data or "",
        "message_vi": form.message_vi.data or "",
        "message_en": form.message_en.data or "",
    }
    try:
        if form.step.data == "preview":
            recipient, subject, body = reviewers.preview_invitation(s, current_user, **values)
            return render_template(
                "review/invitation_preview.html",
                submission=s,
                form=form,
                message={"recipient": recipient, "subject": subject, "body": body},
            )
        assignment = reviewers.invite_reviewer(s, current_user, **values)
    except (reviewers.ConflictOfInterest, reviewers.InvitationError) as error:
        return _reviewers_page(s, form, status=error.status, error=error.message)
    flash(_("%(name)s has been invited.", name=assignment.reviewer_name), "success")
    return redirect(url_for(".reviewers_page", submission_id=s.id))


@bp.post("/editorial/submissions/<int:submission_id>/reviewers/again")
@login_required
def reinvite(submission_id: int):
    s = _handled(submission_id)
    form = ReinviteForm()
    if not form.validate_on_submit():
        _first_error(form)
    created = reviewers.reinvite_reviewers(
        s, current_user, due_at=reviewers.due_at_end_of(form.due_date.data)
    )
    flash(_("%(n)d earlier reviewer(s) invited to this round.", n=len(created)), "success")
    return redirect(url_for(".reviewers_page", submission_id=s.id))


@bp.get("/editorial/assignments/<int:assignment_id>")
@login_required
def assignment(assignment_id: int):
    a = _assignment(assignment_id)
    require_editorial_view(current_user, a.submission)
    return render_template(
        "review/assignment.html",
        assignment=a,
        submission=a.submission,
        handles=handles_submission(current_user, a.submission),
        due_form=DueDateForm(formdata=None, data={"due_date": a.due_at.date()}),
        revoke_form=RevokeForm(formdata=None),
    )


@bp.post("/editorial/assignments/<int:assignment_id>/revoke")
@login_required
def revoke(assignment_id: int):
    a = _assignment(assignment_id)
    require_handling(current_user, a.submission)
    form = RevokeForm()
    if not form.validate_on_submit():
        _first_error(form)
    reviewers.revoke_invitation(a, current_user, reason=form.reason.data or "")
    flash(_("The invitation of %(name)s has been withdrawn.", name=a.reviewer_name), "success")
    return redirect(url_for(".submission", submission_id=a.submission_id))


@bp.post("/editorial/assignments/<int:assignment_id>/due")
@login_required
def change_due(assignment_id: int):
    a = _assignment(assignment_id)
    require_handling(current_user, a.submission)
    form = DueDateForm()
    if not form.validate_on_submit():
        _first_error(form)
    reviewers.change_due_date(a, current_user, due_at=reviewers.due_at_end_of(form.due_date.data))
    flash(_("The due date has been changed."), "success")
    return redirect(url_for(".assignment", assignment_id=a.id))


# --- decisions ----------------------------------------------------------------------------


def _decision_page(s: Submission, form, status: int = 200, error=None):
    choices = services.decision_choices(s)
    if not choices:
        workflow.check_transition(s, "accept", current_user)  # the clear 409
    form.step.data = "preview"
    page = render_template(
        "review/decision.html",
        submission=s,
        form=form,
        error=error,
        choices=choices,
        reviews=services.completed_reviews(s, s.round),
        needed=current_app.config["REVIEW_MIN_COMPLETED"],
    )
    return page, status


def _drafted_decision(s: Submission, wanted: str | None) -> DecisionForm:
    """The form with the letter drafted from the template of ``wanted`` (else the decision
    the reviewers' recommendations point to)."""
    choices = services.decision_choices(s) or ["accept"]
    kind = wanted if wanted in choices else services.suggested_decision(s) or choices[0]
    letters = services.draft_letters(s, kind, current_user)
    data = {
        "version": s.version,
        "decision": kind,
        "letter_for": kind,
        "letter_vi": letters["vi"],
        "letter_en": letters["en"],
    }
    return DecisionForm(formdata=None, data=data)


def _decision_values(form) -> dict:
    return {
        "decision": form.decision.data,
        "letter_for": form.letter_for.data or "",
        "letter_vi": form.letter_vi.data or "",
        "letter_en": form.letter_en.data or "",
        "override_reason": form.override_reason.data or "",
        "expected_version": form.version.data,
    }


def _decision_preview(s: Submission, form, values: dict, status: int = 200, error=None):
    page = render_template(
        "review/decision_preview.html",
        submission=s,
        form=form,
        messages=services.preview_decision(s, current_user, **values),
        token=services.preview_token(s, current_user, **values),
        error=error,
    )
    return page, status


@bp.route("/editorial/submissions/<int:submission_id>/decision", methods=["GET", "POST"])
@login_required
def decide(submission_id: int):
    """The letter drafted for the chosen decision; sent here, it is previewed as the
    authors will get it, and recorded only from the preview's confirmation."""
    s = _handled(submission_id)
    if request.method == "GET":
        return _decision_page(s, _drafted_decision(s, request.args.get("decision")))
    form = DecisionForm()
    if not form.validate_on_submit():
        return _decision_page(s, form, status=400)
    if form.step.data == "edit":
        return _decision_page(s, form)
    values = _decision_values(form)
    try:
        if form.step.data != "confirm":
            return _decision_preview(s, form, values)
        services.record_decision(s, current_user, preview=form.preview.data or "", **values)
    except services.PreviewExpired as error:
        return _decision_preview(s, form, values, status=error.status, error=error.message)
    except (services.NotEnoughReviews, services.InvalidDecision) as error:
        return _decision_page(s, form, status=error.status, error=error.message)
    flash(_("The decision has been recorded and sent to the authors."), "success")
    return redirect(url_for(".submission", submission_id=s.id))


# --- reviewers' pages ---------------------------------------------------------------------


@bp.get("/reviews/")
@login_required
def my_reviews():
    return render_template(
        "review/my_reviews.html",
        assignments=reviewers.assignments_of_reviewer(current_user),
        invitations=reviewers.invitations_for(current_user),
    )


def _invitation_assignment(token: str) -> ReviewAssignment:
    """InvalidInvitation (400, the bilingual error page) for a bad or tampered link."""
    return assignment_for_token(token)


def _invitation_page(a: ReviewAssignment, token: str, accept_form=None, status=200, error=None):
    try:
        reviewers.invitation_state(a)
    except reviewers.InvitationClosed as closed:
        return render_template(
            "review/invitation_closed.html", message=closed.message, assignment=a
        ), 410
    account = reviewers.invitee_account(a)
    signed_in = current_user.is_authenticated
    if signed_in and (account is None or account.id != current_user.id):
        raise reviewers.WrongAccount()
    if a.status == AssignmentStatus.ACCEPTED and signed_in:
        return redirect(url_for(".review", assignment_id=a.id))
    page = render_template(
        "review/invitation.html",
        assignment=a,
        submission=a.submission,
        token=token,
        account=account,
        accept_form=accept_form or AcceptForm(formdata=None, data={"full_name": a.invitee_name}),
        decline_form=DeclineForm(formdata=None),
        error=error,
    )
    return page, status


@bp.get("/reviews/invitations/<token>")
def invitation(token: str):
    return _invitation_page(_invitation_assignment(token), token)


@bp.post("/reviews/invitations/<token>/accept")
def accept(token: str):
    a = _invitation_assignment(token)
    form = AcceptForm(new_account=reviewers.invitee_account(a) is None)
    if not form.validate_on_submit():
        return _invitation_page(a, token, accept_form=form, status=400)
    actor = current_user if current_user.is_authenticated else None
    try:
        reviewer, created = reviewers.accept_invitation(
            a,
            actor,
            full_name=form.full_name.data,
            password=form.password.data,
            locale=str(get_locale() or "vi"),
        )
    except reviewers.LoginRequired:
        return redirect(url_for("accounts.login", next=url_for(".invitation", token=token)))
    except (AccountError, reviewers.InvitationError) as error:
        return _invitation_page(
            a, token, accept_form=form, status=error.status, error=error.message
        )
    if created:
        login_user(reviewer)
    flash(_("Thank you for accepting to review this manuscript."), "success")
    return redirect(url_for(".review", assignment_id=a.id))


@bp.post("/reviews/invitations/<token>/decline")
def decline(token: str):
    a = _invitation_assignment(token)
    form = DeclineForm()
    if not form.validate_on_submit():  # the CSRF token; the service checks the reason
        _first_error(form)
    actor = current_user if current_user.is_authenticated else None
    reviewers.decline_invitation(a, actor, reason=form.reason.data or "")
    flash(_("You have declined the invitation. Thank you for letting us know."), "info")
    return redirect(url_for("web.home"))


def _review_page(a: ReviewAssignment, form, status: int = 200, error=None):
    page = render_template(
        "review/review.html",
        assignment=a,
        submission=a.submission,
        form=form,
        error=error,
        files=reviewer_files(a),
        locked=a.status == AssignmentStatus.COMPLETED,
    )
    return page, status


def _review_form(a: ReviewAssignment, formdata=_FROM_REQUEST):
    """The form with the journal's questions; on a GET, filled with the saved draft."""
    questions = review_questions()
    if formdata is not _FROM_REQUEST:
        data = {
            "recommendation": a.recommendation,
            "comments_to_author": a.comments_to_author,
            "comments_to_editor": a.comments_to_editor,
            "competing_interests": a.competing_interests,
        }
        data.update({question_field(k): v for k, v in (a.answers or {}).items()})
        return review_form(questions, get_locale(), formdata=None, data=data)
    return review_form(questions, get_locale())


def _review_values(form) -> dict:
    return {
        "recommendation": form.recommendation.data,
        "comments_to_author": form.comments_to_author.data or "",
        "comments_to_editor": form.comments_to_editor.data or "",
        "competing_interests": form.competing_interests.data or "",
        "answers": {q.key: field.data for q, field in form.questions},
    }


@bp.route("/reviews/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def review(assignment_id: int):
    a = _assignment(assignment_id)
    require_reviewer(current_user, a)
    if a.status == AssignmentStatus.INVITED:
        return redirect(url_for(".invitation", token=invitation_token(a)))
    if request.method == "GET":
        return _review_page(a, _review_form(a, formdata=None))
    form = _review_form(a)
    if not form.validate_on_submit():
        return _review_page(a, form, status=400)
    upload = form.attachment.data
    has_file = upload is not None and getattr(upload, "filename", "")
    try:
        reviewers.submit_review(
            a,
            current_user,
            **_review_values(form),
            attachment=upload.stream if has_file else None,
            attachment_name=upload.filename if has_file else None,
        )
    except (reviewers.InvalidReview, InvalidUpload) as error:
        return _review_page(a, form, status=error.status, error=error.message)
    flash(_("Thank you: your review has been sent to the editor."), "success")
    return redirect(url_for(".review", assignment_id=a.id))


@bp.post("/reviews/<int:assignment_id>/draft")
@login_required
def save_draft(assignment_id: int):
    """The review as written so far: saved by the page as the reviewer types and when they
    leave it (``?auto=1``, answered 204), or with the "Save the draft" button."""
    a = _assignment(assignment_id)
    require_reviewer(current_user, a)
    form = _review_form(a)
    automatic = request.args.get("auto") == "1"
    try:
        reviewers.save_review_draft(a, current_user, **_review_values(form))
    except reviewers.InvalidReview as error:
        if automatic:
            return {"error": str(error.message)}, error.status
        return _review_page(a, form, status=error.status, error=error.message)
    if automatic:
        return "", 204
    flash(_("Your draft has been saved. You can come back to it at any time."), "success")
    return redirect(url_for(".review", assignment_id=a.id))


@bp.get("/reviews/<int:assignment_id>/files/<int:file_id>")
@login_required
def review_file(assignment_id: int, file_id: int):
    a = _assignment(assignment_id)
    require_reviewer(current_user, a)
    if not can_open_review(current_user, a):
        abort(404)
    record = next((f for f in reviewer_files(a) if f.id == file_id), None) or abort(404)
    return _send(record)


# --- authors' pages -----------------------------------------------------------------------


def _own(submission_id: int) -> Submission:
    s = _submission(submission_id)
    if not current_user.is_authenticated or s.owner_id != current_user.id:
        abort(404)
    return s


def _revisions_page(s: Submission, status: int = 200, error=None, error_kind=None):
    page = render_template(
        "review/revisions.html",
        submission=s,
        decisions=services.decisions_of(s),
        attachments=services.released_attachments(s),
        files=services.revision_files(s),
        missing=services.revision_missing(s),
        forms={k: RevisionFileForm(prefix=k, formdata=None) for k in services.REVISION_KINDS},
        resubmit_form=VersionedForm(formdata=None, data={"version": s.version}),
        error=error,
        error_kind=error_kind,
    )
    return page, status


@bp.get("/revisions/<int:submission_id>")
@login_required
def revisions(submission_id: int):
    return _revisions_page(_own(submission_id))


@bp.post("/revisions/<int:submission_id>/files/<any(revision, response_letter):kind>")
@login_required
def upload_revision(submission_id: int, kind: str):
    s = _own(submission_id)
    form = RevisionFileForm(prefix=kind)
    if not form.validate_on_submit():
        return _revisions_page(s, status=400, error=form.file.errors[0], error_kind=kind)
    upload = form.file.data
    try:
        services.upload_revision_file(
            s, current_user, kind=kind, stream=upload.stream, filename=upload.filename
        )
    except InvalidUpload as error:
        return _revisions_page(s, status=error.status, error=error.message, error_kind=kind)
    flash(_("The file has been uploaded."), "success")
    return redirect(url_for(".revisions", submission_id=s.id))


@bp.post("/revisions/<int:submission_id>/resubmit")
@login_required
def resubmit(submission_id: int):
    s = _own(submission_id)
    form = VersionedForm()
    if not form.validate_on_submit():
        _first_error(form)
    try:
        services.resubmit_revision(s, current_user, expected_version=form.version.data)
    except services.IncompleteRevision as error:
        return _revisions_page(s, status=error.status, error=error.message)
    flash(_("Your revised manuscript has been sent to the editor."), "success")
    return redirect(url_for("submissions.detail", submission_id=s.id))


@bp.get("/revisions/<int:submission_id>/reviews/<int:assignment_id>/attachment")
@login_required
def review_attachment(submission_id: int, assignment_id: int):
    s = _own(submission_id)
    a = next((a for a in services.released_attachments(s) if a.id == assignment_id), None)
    if a is None:
        abort(404)
    return _send(a.attachment)
