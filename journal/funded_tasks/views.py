"""The funded-task registry pages (board members, editors-in-chief, administrators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..admin.permissions import (
    can_manage_all_tasks,
    can_manage_task,
    can_view_tasks,
    permission_required,
)
from ..provinces import all_provinces, province_by_code
from .forms import FundedTaskForm
from .services import (
    YEAR_MAX,
    YEAR_MIN,
    DuplicateTaskCode,
    TaskError,
    create_task,
    format_vnd,
    search_tasks,
    task_by_id,
    update_task,
)

bp = Blueprint("funded_tasks", __name__, url_prefix="/tasks")

LIST_LIMIT = 500


@bp.app_template_filter("vnd")
def _vnd(amount):
    return format_vnd(amount)


def _locale() -> str:
    return str(get_locale() or "vi")


def _choosable_provinces(user):
    provinces = all_provinces()
    if can_manage_all_tasks(user):
        return provinces
    return [p for p in provinces if can_manage_task(user, p)]


def _render_form(form, task, status):
    return render_template("funded_tasks/form.html", form=form, task=task), status


def _refused(form, task, error: TaskError):
    """The form again, with the service's message next to the field it concerns."""
    target = form.code.errors if isinstance(error, DuplicateTaskCode) else form.form_errors
    target.append(error.message)
    return _render_form(form, task, error.status)


@bp.get("/")
@permission_required(can_view_tasks)
def index():
    province = province_by_code(request.args.get("province", "", type=str)[:8])
    year = request.args.get("year", type=int)
    year = year if year is not None and YEAR_MIN <= year <= YEAR_MAX else None
    query = request.args.get("q", "", type=str)[:200]
    tasks = search_tasks(query, province, year=year, limit=LIST_LIMIT)
    return render_template(
        "funded_tasks/index.html",
        tasks=tasks,
        provinces=all_provinces(),
        selected_province=province,
        year=year,
        query=query,
        limit=LIST_LIMIT,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_view_tasks)
def new():
    form = FundedTaskForm(_choosable_provinces(current_user), locale=_locale())
    if form.validate_on_submit():
        try:
            task = create_task(current_user, form.task_fields())
        except TaskError as error:
            return _refused(form, None, error)
        flash(_("Funded task %(code)s added.", code=task.code), "success")
        return redirect(url_for(".detail", task_id=task.id))
    return _render_form(form, None, 400 if form.is_submitted() else 200)


@bp.get("/<int:task_id>")
@permission_required(can_view_tasks)
def detail(task_id):
    task = task_by_id(task_id) or abort(404)
    return render_template("funded_tasks/detail.html", task=task)


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id):
    task = task_by_id(task_id) or abort(404)
    if not can_manage_task(current_user, task):
        abort(403)
    form = FundedTaskForm(_choosable_provinces(current_user), obj=task, locale=_locale())
    if form.validate_on_submit():
        try:
            update_task(current_user, task, form.task_fields())
        except TaskError as error:
            return _refused(form, task, error)
        flash(_("Funded task %(code)s saved.", code=task.code), "success")
        return redirect(url_for(".detail", task_id=task.id))
    return _render_form(form, task, 400 if form.is_submitted() else 200)
