"""Who may do what in the administration and the funded-task registry.

The one place these rules live: views answer 403 with them, templates show or hide links
with them, and the services re-check the ones that depend on the data (a task's province).

- Administrators: everything, and the installation checks (``journal doctor``) on the
  administration home page.
- The editor-in-chief: sees the provinces and their boards, manages board memberships, and
  manages every funded task.
- Board members and province editors (of any province): reach the administration home page,
  read the funded-task registry, and manage the tasks of their own province(s).
- Everyone else: nothing here.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _is_admin(user) -> bool:
    return _signed_in(user) and user.is_admin


def _is_editor_in_chief(user) -> bool:
    return _signed_in(user) and user.is_editor_in_chief


def can_reach_admin(user) -> bool:
    """The administration home page (the "Administration" link in the menu)."""
    return _is_admin(user) or _is_editor_in_chief(user) or can_view_tasks(user)


def can_see_site_checks(user) -> bool:
    """The installation checks of ``journal doctor`` on the administration home page."""
    return _is_admin(user)


def can_view_provinces(user) -> bool:
    return _is_admin(user) or _is_editor_in_chief(user)


def can_manage_provinces(user) -> bool:
    """Add provinces and edit their names and coordinating flag."""
    return _is_admin(user)


def can_manage_board(user) -> bool:
    """See a province's board and add or remove its members."""
    return _is_admin(user) or _is_editor_in_chief(user)


def can_manage_roles(user) -> bool:
    """List users and grant or revoke the global roles."""
    return _is_admin(user)


def can_manage_settings(user) -> bool:
    """Edit the journal settings (titles, ISSNs, DOI pattern, texts of the public pages)."""
    return _is_admin(user)


def can_view_tasks(user) -> bool:
    """Read the funded-task registry (and so add tasks for one's own provinces)."""
    return (
        _is_admin(user) or _is_editor_in_chief(user) or (_signed_in(user) and user.is_board_member)
    )


def can_manage_all_tasks(user) -> bool:
    return _is_admin(user) or _is_editor_in_chief(user)


def can_manage_task(user, task_or_province) -> bool:
    """Create or edit a funded task of this province (a FundedTask or a Province)."""
    if can_manage_all_tasks(user):
        return True
    if not _signed_in(user) or task_or_province is None:
        return False
    if hasattr(task_or_province, "province_id"):  # a FundedTask
        province_id = task_or_province.province_id
    else:  # a Province
        province_id = task_or_province.id
    return province_id in user.province_ids()


def permission_required(predicate):
    """View decorator: anonymous users go to the login page, others without
    ``predicate(current_user)`` get 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


TEMPLATE_PREDICATES = {
    "can_reach_admin": can_reach_admin,
    "can_see_site_checks": can_see_site_checks,
    "can_view_provinces": can_view_provinces,
    "can_manage_provinces": can_manage_provinces,
    "can_manage_board": can_manage_board,
    "can_manage_roles": can_manage_roles,
    "can_manage_settings": can_manage_settings,
    "can_view_tasks": can_view_tasks,
    "can_manage_task": can_manage_task,
}
