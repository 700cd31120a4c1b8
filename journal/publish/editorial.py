"""Editorial publishing pages: the publishing queue, issues (create, edit, order, publish),
scheduling, online-first publication, placing in an issue, taking an article down.

Who may do what: journal/publish/permissions.py. Domain errors from the services become the
bilingual error page with their status (409 for a step not possible now, 400 for bad input).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..admin.permissions import permission_required
from ..confirm import confirmation_page, confirmed
from ..extensions import db
from ..submissions.models import Submission
from . import issues
from .forms import ConfirmForm, IssueChoiceForm, IssueForm, UnpublishForm
from .permissions import (
    can_manage_issues,
    can_publish_submission,
    can_unpublish,
    can_use_publishing,
)
from .records import Article, Issue

bp = Blueprint("publishing", __name__, url_prefix="/editorial")


@bp.app_context_processor
def _template_predicates():
    return {"can_use_publishing": can_use_publishing, "can_manage_issues": can_manage_issues}


def _issue_or_404(issue_id: int) -> Issue:
    return db.session.get(Issue, issue_id) or abort(404)


def _article_or_404(article_id: int) -> Article:
    return db.session.get(Article, article_id) or abort(404)


def _publishable(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id) or abort(404)
    if not can_publish_submission(current_user, submission):
        abort(403)
    return submission


def _issue_choices(form: IssueChoiceForm, only_open: bool = True) -> IssueChoiceForm:
    found = issues.open_issues() if only_open else issues.all_issues()
    form.issue_id.choices = [
        (
            i.id,
            _(
                "Vol. %(volume)s, no. %(number)s (%(year)s)",
                volume=i.volume,
                number=i.number,
                year=i.year,
            ),
        )
        for i in found
    ]
    return form


def _chosen_issue(form: IssueChoiceForm) -> Issue:
    if not form.validate_on_submit():
        abort(400)
    return _issue_or_404(form.issue_id.data)


@bp.get("/publishing")
@permission_required(can_use_publishing)
def queue():
    return render_template(
        "publish/editorial/queue.html",
        queue=issues.publishing_queue(current_user),
        issues=issues.all_issues(),
        schedule_form=_issue_choices(IssueChoiceForm()),
        place_form=_issue_choices(IssueChoiceForm(), only_open=False),
        issue_form=IssueForm(),
        confirm=ConfirmForm(),
    )


@bp.post("/issues")
@permission_required(can_manage_issues)
def issue_create():
    form = IssueForm()
    if not form.validate_on_submit():
        return render_template("publish/editorial/issue_form.html", form=form), 400
    issue = issues.create_issue(current_user, **_issue_fields(form))
    flash(_("Issue created."), "success")
    return redirect(url_for(".issue", issue_id=issue.id), 303)


def _issue_fields(form: IssueForm) -> dict:
    return {
        name: getattr(form, name).data
        for name in ("volume", "number", "year", "title_vi", "title_en")
    }


@bp.get("/issues/<int:issue_id>")
@permission_required(can_manage_issues)
def issue(issue_id: int):
    found = _issue_or_404(issue_id)
    placed = issues.issue_articles(found)
    pages = issues.page_ranges([a.galley.pdf_pages for a in placed])
    return render_template(
        "publish/editorial/issue.html",
        issue=found,
        placed=list(zip(placed, pages, strict=True)),
        form=IssueForm(obj=found),
        confirm=ConfirmForm(),
        unpublish_form=UnpublishForm(),
    )


@bp.post("/issues/<int:issue_id>")
@permission_required(can_manage_issues)
def issue_update(issue_id: int):
    found = _issue_or_404(issue_id)
    form = IssueForm()
    if not form.validate_on_submit():
        return render_template("publish/editorial/issue_form.html", form=form, issue=found), 400
    issues.update_issue(found, current_user, **_issue_fields(form))
    flash(_("Issue saved."), "success")
    return redirect(url_for(".issue", issue_id=found.id), 303)


def _ranked(prefix: str) -> list[int]:
    """Ids from fields ``<prefix>-<id>=<rank>``, sorted by rank (ties keep the id order)."""
    ranked = []
    for key, value in request.form.items():
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            rank = value.strip()
            if not (rank.isdigit() and len(rank) < 6):
                abort(400)
            ranked.append((int(rank), int(key[len(prefix) :])))
    return [item_id for _rank, item_id in sorted(ranked)]


@bp.post("/issues/<int:issue_id>/order")
@permission_required(can_manage_issues)
def issue_order(issue_id: int):
    found = _issue_or_404(issue_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    issues.order_issue(found, current_user, _ranked("section-"), _ranked("article-"))
    flash(_("The order of the issue was saved."), "success")
    return redirect(url_for(".issue", issue_id=found.id), 303)


@bp.post("/issues/<int:issue_id>/publish")
@permission_required(can_manage_issues)
def issue_publish(issue_id: int):
    found = _issue_or_404(issue_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirmed():
        return confirmation_page(
            _("Publish the issue?"),
            _(
                "Issue %(label)s and every article in it will be published now: their DOIs "
                "are registered and the pages, feeds and indexes announce them. This cannot "
                "be undone (an article can only be taken down, leaving a notice).",
                label=f"{found.volume}({found.number})",
            ),
            action_label=_("Yes, publish the issue now"),
            cancel_url=url_for(".issue", issue_id=found.id),
        )
    published = issues.publish_issue(found, current_user)
    flash(_("The issue is published with %(count)d articles.", count=len(published)), "success")
    return redirect(url_for("publish.issue", issue_id=found.id), 303)


@bp.post("/submissions/<int:submission_id>/schedule")
@permission_required(can_use_publishing)
def schedule(submission_id: int):
    submission = _publishable(submission_id)
    target = _chosen_issue(_issue_choices(IssueChoiceForm()))
    issues.schedule_article(submission, target, current_user)
    flash(_("The article is scheduled; its DOI is assigned."), "success")
    return redirect(url_for(".queue"), 303)


@bp.post("/submissions/<int:submission_id>/publish-online")
@permission_required(can_use_publishing)
def publish_online(submission_id: int):
    submission = _publishable(submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirmed():
        return confirmation_page(
            _("Publish online first?"),
            _(
                "“%(title)s” will be published now, before its issue: its DOI is registered "
                "and the pages, feeds and indexes announce it. This cannot be undone (it can "
                "only be taken down, leaving a notice).",
                title=submission.title(str(get_locale())),
            ),
            action_label=_("Yes, publish it online now"),
            cancel_url=url_for(".queue"),
        )
    article = issues.publish_online_first(submission, current_user)
    flash(_("The article is published online first."), "success")
    return redirect(url_for("publish.article", article_id=article.id), 303)


@bp.post("/articles/<int:article_id>/place")
@permission_required(can_manage_issues)
def place(article_id: int):
    article = _article_or_404(article_id)
    target = _chosen_issue(_issue_choices(IssueChoiceForm(), only_open=False))
    issues.place_in_issue(article, target, current_user)
    flash(_("The article is placed in the issue."), "success")
    return redirect(url_for(".queue"), 303)


@bp.post("/articles/<int:article_id>/unpublish")
@permission_required(can_unpublish)
def unpublish(article_id: int):
    article = _article_or_404(article_id)
    form = UnpublishForm()
    if not form.validate_on_submit():
        return render_template("publish/editorial/unpublish.html", form=form, article=article), 400
    if not confirmed():
        return confirmation_page(
            _("Take the article down?"),
            _(
                "“%(title)s” will be taken down: its page will only show the reason and the "
                "citation, and its DOI stays. This cannot be undone.",
                title=article.submission.title(str(get_locale())),
            ),
            action_label=_("Yes, take the article down"),
            cancel_url=url_for(".queue"),
        )
    issues.unpublish_article(article, current_user, form.reason.data)
    flash(
        _("The article was taken down; its page now shows the reason and the citation."), "success"
    )
    return redirect(url_for("publish.article", article_id=article.id), 303)
