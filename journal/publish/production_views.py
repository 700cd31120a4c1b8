"""The production pages: the list of accepted submissions, each one's typesetting runs with
live progress, galley versions with previews and downloads, and approval.

The galley files are downloads (attachment, nosniff). The HTML preview is served inline
under a sandboxing CSP: an opaque origin, no script, nothing but its own images, which its
path token (the sandbox sends no session cookie) lets it load.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import workflow
from ..errors import InvalidUpload
from ..extensions import db
from ..storage import file_store
from ..submissions.models import Submission, SubmissionFile
from . import production
from .production_forms import ProductionFileForm

bp = Blueprint("production", __name__, url_prefix="/production")

PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline' 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@bp.context_processor
def _template_helpers():
    def stage_label(stage: str):
        return workflow.STAGE_LABELS[workflow.Stage(stage)]

    return {"stage_label": stage_label, "run_stage_labels": production.STAGE_LABELS}


@bp.app_context_processor
def _navigation():
    return {"can_see_production": production.can_see_production}


def _submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    production.require_production(current_user, submission)
    return submission


def _galley(submission: Submission, number: int):
    galley = production.galley_by_number(submission, number)
    if galley is None:
        abort(404)
    return galley


def _back(submission: Submission):
    return redirect(url_for(".detail", submission_id=submission.id))


def _download(path, media_type: str, name: str, etag: str):
    response = send_file(
        path, mimetype=media_type, as_attachment=True, download_name=name, etag=etag, max_age=None
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(submission: Submission, form: ProductionFileForm | None = None, status: int = 200):
    progress = production.status_of(submission, str(get_locale()))
    page = render_template(
        "publish/production.html",
        submission=submission,
        runs=production.runs_of(submission),
        progress={run["id"]: run for run in progress["runs"]},
        active=progress["active"],
        galleys=production.galleys_of(submission),
        source=production.source_manuscript(submission),
        figures=[f for f in submission.files if f.kind == "figure"],
        form=form or ProductionFileForm(formdata=None),
    )
    return page, status


@bp.get("/")
@login_required
def index():
    production.require_production_list(current_user)
    return render_template(
        "publish/production_list.html",
        submissions=production.production_queue(current_user),
        produced=production.recently_produced(current_user),
    )


@bp.get("/<int:submission_id>")
@login_required
def detail(submission_id: int):
    return _page(_submission(submission_id))


@bp.get("/<int:submission_id>/status")
@login_required
def status(submission_id: int):
    submission = _submission(submission_id)
    return jsonify(production.status_of(submission, str(get_locale())))


@bp.post("/<int:submission_id>/send")
@login_required
def send(submission_id: int):
    submission = _submission(submission_id)
    production.send_to_production(submission, current_user)
    flash(_("The submission is in production. Typesetting has started."), "success")
    return _back(submission)


@bp.post("/<int:submission_id>/runs")
@login_required
def start(submission_id: int):
    submission = _submission(submission_id)
    production.start_typesetting(submission, current_user)
    flash(_("Typesetting has started."), "success")
    return _back(submission)


@bp.post("/<int:submission_id>/galleys/<int:number>/approve")
@login_required
def approve(submission_id: int, number: int):
    submission = _submission(submission_id)
    production.approve_galley(_galley(submission, number), current_user)
    flash(_("Galley version %(number)s is approved for publishing.", number=number), "success")
    return _back(submission)


@bp.post("/<int:submission_id>/files")
@login_required
def upload(submission_id: int):
    submission = _submission(submission_id)
    form = ProductionFileForm()
    if not form.validate_on_submit():
        return _page(submission, form, 400)
    try:
        production.add_production_file(
            submission,
            current_user,
            kind=form.kind.data,
            stream=form.file.data.stream,
            filename=form.file.data.filename,
        )
    except InvalidUpload as error:
        form.file.errors = [error.message]
        return _page(submission, form, error.status)
    flash(_("The file has been uploaded."), "success")
    return _back(submission)


@bp.get("/<int:submission_id>/files/<int:file_id>")
@login_required
def source_file(submission_id: int, file_id: int):
    submission = _submission(submission_id)
    record = db.session.get(SubmissionFile, file_id)
    if record is None or record.submission_id != submission.id:
        abort(404)
    path = file_store().path_for(record.sha256)
    return _download(path, record.media_type, record.original_name, record.sha256)


@bp.get("/<int:submission_id>/galleys/<int:number>/<any(jats, html, pdf):kind>")
@login_required
def galley_file(submission_id: int, number: int, kind: str):
    galley = _galley(_submission(submission_id), number)
    path, media_type, name = production.galley_file(galley, kind)
    return _download(path, media_type, name, path.name)


@bp.get("/<int:submission_id>/galleys/<int:number>/pages/<int:page>.png")
@login_required
def page_image(submission_id: int, number: int, page: int):
    galley = _galley(_submission(submission_id), number)
    path = production.preview_page(galley, page)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/png", max_age=None)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:submission_id>/galleys/<int:number>/preview")
@login_required
def preview(submission_id: int, number: int):
    galley = _galley(_submission(submission_id), number)
    token = production.preview_token(galley, current_user)
    return redirect(
        url_for(".preview_html", submission_id=submission_id, number=number, token=token)
    )


@bp.get("/<int:submission_id>/galleys/<int:number>/preview/<token>/")
@login_required
def preview_html(submission_id: int, number: int, token: str):
    galley = _galley(_submission(submission_id), number)
    if not production.preview_token_valid(token, galley):
        return redirect(url_for(".preview", submission_id=submission_id, number=number))
    html = production.preview_document(galley, url_for("static", filename="css/site.css"))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:submission_id>/galleys/<int:number>/preview/<token>/media/<name>")
def preview_media(submission_id: int, number: int, token: str, name: str):
    """No session here (the sandboxed page sends none): the token is the permission."""
    submission = db.session.get(Submission, submission_id)
    galley = production.galley_by_number(submission, number) if submission else None
    found = galley and production.preview_token_valid(token, galley)
    media = production.galley_media(galley, name) if found else None
    if media is None:
        abort(404)
    response = send_file(media[0], mimetype=media[1], max_age=None)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
