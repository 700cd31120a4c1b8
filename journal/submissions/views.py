"""The submission wizard (seven steps, each saved on POST), the author's dashboard, the
detail page, withdrawal and file downloads.

Another user's submission answers 404 on every route: drafts are not enumerable. A
submission that has left the draft stage answers 409 on the wizard's routes.
"""

from __future__ import annotations

import functools

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import workflow
from ..confirm import confirmation_page, confirmed
from ..errors import InvalidUpload
from ..events import events_for
from ..extensions import db
from ..storage import file_store
from . import services
from .forms import (
    AuthorForm,
    FileForm,
    FundingForm,
    LetterForm,
    MetadataForm,
    StartForm,
    SubmitForm,
)
from .models import Submission, SubmissionAuthor, SubmissionFile
from .permissions import (
    can_download_file,
    can_start_submission,
    require_edit,
    require_view,
    visible_events,
)

bp = Blueprint("submissions", __name__, url_prefix="/submissions")

STEPS = [
    ("start", _l("Section and language")),
    ("metadata", _l("Title and abstract")),
    ("authors", _l("Authors")),
    ("funding", _l("Funding")),
    ("files", _l("Files")),
    ("letter", _l("Letter and declarations")),
    ("review", _l("Review and submit")),
]


@bp.context_processor
def _template_helpers():
    def stage_label(stage: str):
        return workflow.STAGE_LABELS[workflow.Stage(stage)]

    return {
        "steps": STEPS,
        "stage_label": stage_label,
        "max_size": services.human_size(current_app.config["UPLOAD_MAX_BYTES"]),
    }


def wizard(view):
    """Signed in, with a confirmed e-mail address (else a pointer to the confirmation)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not can_start_submission(current_user):
            flash(
                _(
                    "Confirm your e-mail address before submitting a manuscript: open the link "
                    "we sent you, or ask for a new one below."
                ),
                "error",
            )
            return redirect(url_for("accounts.profile"))
        return view(*args, **kwargs)

    return wrapper


def _submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    require_view(current_user, submission)
    return submission


def _draft(submission_id: int) -> Submission:
    submission = _submission(submission_id)
    require_edit(current_user, submission)
    return submission


def _author(submission: Submission, author_id: int) -> SubmissionAuthor:
    author = db.session.get(SubmissionAuthor, author_id)
    if author is None or author.submission_id != submission.id:
        abort(404)
    return author


def _step(name: str, submission: Submission | None, form=None, status: int | None = None, **ctx):
    """Render a wizard step; a form sent back with errors answers 400."""
    if status is None:
        status = 400 if form is not None and form.is_submitted() and form.errors else 200
    missing = services.missing_items(submission) if submission is not None else []
    page = render_template(
        f"submissions/{name}.html",
        step=name,
        submission=submission,
        form=form,
        incomplete_steps={m.step for m in missing},
        missing=missing,
        **ctx,
    )
    return page, status


def _saved_next(submission: Submission, next_step: str):
    flash(_("Saved."), "success")
    return redirect(url_for(f".{next_step}", submission_id=submission.id))


# --- Dashboard and detail -----------------------------------------------------------------


@bp.get("/")
@login_required
def dashboard():
    submissions = services.submissions_of(current_user)
    return render_template(
        "submissions/dashboard.html",
        submissions=submissions,
        next_step={s.id: _first_incomplete_step(s) for s in submissions},
    )


def _first_incomplete_step(submission: Submission) -> str:
    missing = services.missing_items(submission)
    return missing[0].step if missing else "review"


@bp.get("/<int:submission_id>")
@login_required
def detail(submission_id: int):
    submission = _submission(submission_id)
    return render_template(
        "submissions/detail.html",
        submission=submission,
        events=visible_events(current_user, submission, events_for(submission)),
        actions=workflow.allowed_actions(current_user, submission),
    )


@bp.post("/<int:submission_id>/withdraw")
@login_required
def withdraw(submission_id: int):
    submission = _submission(submission_id)
    if not confirmed():
        workflow.check_transition(submission, "withdraw", current_user)
        return confirmation_page(
            _("Withdraw the submission?"),
            _(
                "“%(title)s” will be withdrawn: the editors stop handling it and its "
                "reviews end. This cannot be undone.",
                title=submission.title(str(get_locale())),
            ),
            action_label=_("Yes, withdraw the submission"),
            cancel_url=url_for(".detail", submission_id=submission.id),
        )
    services.withdraw_submission(submission, current_user)
    flash(_("The submission has been withdrawn."), "success")
    return redirect(url_for(".detail", submission_id=submission.id))


@bp.get("/<int:submission_id>/files/<int:file_id>/download")
@login_required
def download_file(submission_id: int, file_id: int):
    submission = _submission(submission_id)
    record = db.session.get(SubmissionFile, file_id)
    if record is None or not can_download_file(current_user, submission, record):
        abort(404)
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


# --- Step 1: section and language ---------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@wizard
def new():
    form = StartForm()
    if form.validate_on_submit():
        submission = services.create_draft(
            current_user, section_id=form.section_id.data, language=form.language.data
        )
        return _saved_next(submission, "metadata")
    return _step("start", None, form)


@bp.route("/<int:submission_id>/start", methods=["GET", "POST"])
@wizard
def start(submission_id: int):
    submission = _draft(submission_id)
    form = StartForm(obj=submission)
    if form.validate_on_submit():
        services.save_start(
            submission, current_user, section_id=form.section_id.data, language=form.language.data
        )
        return _saved_next(submission, "metadata")
    return _step("start", submission, form)


# --- Step 2: title, abstract, keywords ----------------------------------------------------


@bp.route("/<int:submission_id>/metadata", methods=["GET", "POST"])
@wizard
def metadata(submission_id: int):
    submission = _draft(submission_id)
    required = services.required_languages(submission)
    form = MetadataForm(obj=submission, required_languages=required)
    if form.validate_on_submit():
        services.save_metadata(submission, current_user, **form.values())
        return _saved_next(submission, "authors")
    return _step("metadata", submission, form, required_languages=required)


# --- Step 3: authors ----------------------------------------------------------------------


@bp.get("/<int:submission_id>/authors")
@wizard
def authors(submission_id: int):
    return _step("authors", _draft(submission_id), AuthorForm(formdata=None))


@bp.post("/<int:submission_id>/authors")
@wizard
def add_author(submission_id: int):
    submission = _draft(submission_id)
    form = AuthorForm()
    if form.validate_on_submit():
        services.add_author(submission, current_user, **form.values())
        flash(_("The author has been added."), "success")
        return redirect(url_for(".authors", submission_id=submission.id))
    return _step("authors", submission, form)


@bp.route("/<int:submission_id>/authors/<int:author_id>/edit", methods=["GET", "POST"])
@wizard
def edit_author(submission_id: int, author_id: int):
    submission = _draft(submission_id)
    author = _author(submission, author_id)
    form = AuthorForm(obj=author)
    if form.validate_on_submit():
        services.update_author(submission, current_user, author, **form.values())
        flash(_("The author has been updated."), "success")
        return redirect(url_for(".authors", submission_id=submission.id))
    return _step("authors", submission, form, editing=author)


@bp.post("/<int:submission_id>/authors/<int:author_id>/remove")
@wizard
def remove_author(submission_id: int, author_id: int):
    submission = _draft(submission_id)
    services.remove_author(submission, current_user, _author(submission, author_id))
    flash(_("The author has been removed."), "success")
    return redirect(url_for(".authors", submission_id=submission.id))


@bp.post("/<int:submission_id>/authors/<int:author_id>/move/<any(up, down):direction>")
@wizard
def move_author(submission_id: int, author_id: int, direction: str):
    submission = _draft(submission_id)
    services.move_author(submission, current_user, _author(submission, author_id), direction)
    return redirect(url_for(".authors", submission_id=submission.id))


@bp.post("/<int:submission_id>/authors/<int:author_id>/corresponding")
@wizard
def set_corresponding(submission_id: int, author_id: int):
    submission = _draft(submission_id)
    author = _author(submission, author_id)
    services.set_corresponding_author(submission, current_user, author)
    flash(_("%(name)s is now the corresponding author.", name=author.full_name), "success")
    return redirect(url_for(".authors", submission_id=submission.id))


# --- Step 4: funding ----------------------------------------------------------------------


@bp.route("/<int:submission_id>/funding", methods=["GET", "POST"])
@wizard
def funding(submission_id: int):
    submission = _draft(submission_id)
    form = FundingForm(obj=submission)
    if form.validate_on_submit():
        services.save_funding(
            submission,
            current_user,
            funded_task_id=form.funded_task_id.data or None,
            province_id=form.province_id.data or None,
        )
        return _saved_next(submission, "files")
    return _step("funding", submission, form)


# --- Step 5: files ------------------------------------------------------------------------


def _file_forms(sent: str | None = None) -> dict:
    return {
        f"{kind}_form": FileForm(prefix=kind)
        if kind == sent
        else FileForm(prefix=kind, formdata=None)
        for kind in services.UPLOAD_KINDS
    }


@bp.get("/<int:submission_id>/files")
@wizard
def files(submission_id: int):
    return _step("files", _draft(submission_id), **_file_forms())


@bp.post("/<int:submission_id>/files/<any(manuscript, supplementary):kind>")
@wizard
def upload_file(submission_id: int, kind: str):
    submission = _draft(submission_id)
    forms = _file_forms(sent=kind)
    form = forms[f"{kind}_form"]
    if not form.validate_on_submit():
        return _step("files", submission, status=400, **forms)
    upload = form.file.data
    try:
        services.upload_file(
            submission, current_user, kind=kind, stream=upload.stream, filename=upload.filename
        )
    except InvalidUpload as error:
        form.file.errors = [error.message]
        return _step("files", submission, status=error.status, **forms)
    flash(_("The file has been uploaded."), "success")
    return redirect(url_for(".files", submission_id=submission.id))


# --- Step 6: letter and declarations ------------------------------------------------------


@bp.route("/<int:submission_id>/letter", methods=["GET", "POST"])
@wizard
def letter(submission_id: int):
    submission = _draft(submission_id)
    form = LetterForm(obj=submission)
    if form.validate_on_submit():
        services.save_letter(submission, current_user, **form.values())
        return _saved_next(submission, "review")
    return _step("letter", submission, form)


# --- Step 7: review and submit ------------------------------------------------------------


def _review_page(submission: Submission, status: int = 200, error=None):
    form = SubmitForm(formdata=None, data={"version": submission.version})
    return _step("review", submission, form, status=status, error=error)


@bp.get("/<int:submission_id>/review")
@wizard
def review(submission_id: int):
    return _review_page(_draft(submission_id))


@bp.post("/<int:submission_id>/submit")
@wizard
def submit(submission_id: int):
    submission = _submission(submission_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.submit_manuscript(submission, current_user, expected_version=form.version.data)
    except services.IncompleteSubmission as error:
        return _review_page(submission, status=error.status, error=error.message)
    flash(
        _("Your manuscript has been submitted. A confirmation has been sent to you by e-mail."),
        "success",
    )
    return redirect(url_for(".detail", submission_id=submission.id))
