"""Administration: provinces, board memberships, users and roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..doctor import recent_checks
from ..extensions import db
from ..provinces import (
    BoardError,
    BoardMembership,
    ProvinceError,
    add_board_member,
    add_province,
    all_provinces,
    board_of,
    board_sizes,
    province_by_code,
    remove_board_member,
    update_province,
)
from ..settings import (
    GROUPS,
    SETTINGS,
    SettingsError,
    StaleSettingsError,
    journal_settings,
    settings_history,
    update_journal_settings,
)
from .forms import (
    BOARD_ROLE_LABELS,
    GLOBAL_ROLE_LABELS,
    BoardMemberForm,
    ProvinceEditForm,
    ProvinceForm,
    RoleChangeForm,
    settings_form_class,
)
from .permissions import (
    TEMPLATE_PREDICATES,
    can_manage_board,
    can_manage_provinces,
    can_manage_roles,
    can_manage_settings,
    can_reach_admin,
    can_see_site_checks,
    can_view_provinces,
    permission_required,
)
from .services import USER_LIST_LIMIT, search_users, set_global_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def _template_globals():
    return {
        **TEMPLATE_PREDICATES,
        "board_role_labels": BOARD_ROLE_LABELS,
        "global_role_labels": GLOBAL_ROLE_LABELS,
    }


def _province_or_404(code: str):
    return province_by_code(code) or abort(404)


def _status(form) -> int:
    """200 for a first display, 400 for a sent form that did not validate."""
    return 400 if form.is_submitted() else 200


@bp.get("/")
@permission_required(can_reach_admin)
def index():
    checks = recent_checks() if can_see_site_checks(current_user) else None
    return render_template("admin/index.html", checks=checks)


@bp.get("/provinces")
@permission_required(can_view_provinces)
def provinces():
    return render_template(
        "admin/provinces.html", provinces=all_provinces(), board_sizes=board_sizes()
    )


@bp.route("/provinces/new", methods=["GET", "POST"])
@permission_required(can_manage_provinces)
def province_new():
    form = ProvinceForm()
    if form.validate_on_submit():
        try:
            province = add_province(
                form.code.data, form.name_vi.data, form.name_en.data, form.coordinating.data
            )
        except ProvinceError as error:
            form.code.errors.append(error.message)
            return render_template("admin/province_form.html", form=form), error.status
        flash(_("Province %(code)s added.", code=province.code), "success")
        return redirect(url_for(".provinces"))
    return render_template("admin/province_form.html", form=form), _status(form)


@bp.route("/provinces/<code>/edit", methods=["GET", "POST"])
@permission_required(can_manage_provinces)
def province_edit(code):
    province = _province_or_404(code)
    form = ProvinceEditForm(obj=province)
    if form.validate_on_submit():
        try:
            update_province(province, form.name_vi.data, form.name_en.data, form.coordinating.data)
        except ProvinceError as error:
            form.form_errors.append(error.message)
            return render_template(
                "admin/province_form.html", form=form, province=province
            ), error.status
        flash(_("Province %(code)s saved.", code=province.code), "success")
        return redirect(url_for(".provinces"))
    return render_template("admin/province_form.html", form=form, province=province), _status(form)


@bp.route("/provinces/<code>/board", methods=["GET", "POST"])
@permission_required(can_manage_board)
def board(code):
    province = _province_or_404(code)
    form = BoardMemberForm()
    status = _status(form)
    if form.validate_on_submit():
        try:
            membership = add_board_member(form.email.data, province, form.role.data)
        except BoardError as error:
            form.email.errors.append(error.message)
            status = error.status
        else:
            flash(
                _(
                    "%(name)s is on the board of %(province)s as %(role)s.",
                    name=membership.user.full_name,
                    province=province.name(str(get_locale())),
                    role=BOARD_ROLE_LABELS[membership.role],
                ),
                "success",
            )
            return redirect(url_for(".board", code=province.code))
    memberships = board_of(province)
    return render_template(
        "admin/board.html", province=province, memberships=memberships, form=form
    ), status


@bp.post("/provinces/<code>/board/<int:membership_id>/remove")
@permission_required(can_manage_board)
def board_remove(code, membership_id):
    province = _province_or_404(code)
    membership = db.session.get(BoardMembership, membership_id)
    if membership is None or membership.province_id != province.id:
        abort(404)
    name = membership.user.full_name
    remove_board_member(membership)
    flash(_("%(name)s removed from the board.", name=name), "success")
    return redirect(url_for(".board", code=province.code))


@bp.route("/users", methods=["GET", "POST"])
@permission_required(can_manage_roles)
def users():
    form = RoleChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user_id.data)) or abort(404)
        changed = set_global_role(
            current_user, user, form.role.data, grant=form.action.data == "grant"
        )
        if changed:
            flash(_("Roles of %(name)s saved.", name=user.full_name), "success")
        return redirect(url_for(".users", q=form.q.data or None))
    if form.is_submitted():
        abort(400)
    query = request.args.get("q", "", type=str)[:200]
    found = search_users(query)
    return render_template(
        "admin/users.html", users=found, query=query, limit=USER_LIST_LIMIT, form=form
    )


@bp.route("/settings", methods=["GET", "POST"])
@permission_required(can_manage_settings)
def settings():
    current = journal_settings()
    form = settings_form_class()(data={**current, "version": current.version})
    status = _status(form)
    if form.validate_on_submit():
        given = {s.key: form[s.key].data for s in SETTINGS}
        try:
            changed = update_journal_settings(current_user, given, version=form.version.data)
        except StaleSettingsError as stale:
            # Nothing is lost: the form keeps what was typed; saving again overwrites.
            form.version.data = stale.version
            form.form_errors.append(
                _(
                    "Someone saved the settings while you were editing. Your changes are "
                    "below, not saved yet: check them against the current values and save again."
                )
            )
            status = 409
        except SettingsError as error:
            for key, message in error.problems.items():
                form[key].errors = [message]
            status = 400
        else:
            flash(_("Settings saved (%(n)d changed).", n=len(changed)), "success")
            return redirect(url_for(".settings"))
    return render_template(
        "admin/settings.html",
        form=form,
        settings_list=SETTINGS,
        groups=GROUPS,
        history=settings_history(),
    ), status
