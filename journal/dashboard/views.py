"""``/dashboard``: the page after logging in. One section per role the person has."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .. import workflow
from ..admin.permissions import can_manage_settings, can_see_site_checks
from ..doctor import FAIL, WARN, recent_checks
from ..review.permissions import is_editor, is_reviewer
from . import services

bp = Blueprint("dashboard", __name__)


@bp.context_processor
def _template_helpers():
    return {"stage_label": lambda stage: workflow.STAGE_LABELS[workflow.Stage(stage)]}


@bp.app_context_processor
def _next_step():
    """``next_step(submission)`` on every editorial page (production, publishing …)."""
    return {"next_step": lambda submission: services.next_step(current_user, submission)}


@bp.get("/dashboard")
@login_required
def index():
    user = current_user
    invitations, writing = services.reviewer_rows(user)
    checks = recent_checks() if can_see_site_checks(user) else None
    return render_template(
        "dashboard/index.html",
        authored=services.author_rows(user),
        invitations=invitations,
        writing=writing,
        reviewer=is_reviewer(user) or bool(invitations),
        editor=services.editor_view(user) if is_editor(user) else None,
        chief=services.chief_view(user) if user.is_editor_in_chief else None,
        settings_link=can_manage_settings(user),
        checks=checks,
        problems=[c for c in checks or [] if c.status in (FAIL, WARN)],
    )
