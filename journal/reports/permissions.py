"""Who may read the yearly report: the editorial board (members and province editors of
any province), the editor-in-chief and administrators. Views answer 403 with it (anonymous
visitors go to the login page), templates show the link with it, the service re-checks."""

from __future__ import annotations


def can_view_reports(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or user.is_editor_in_chief or user.is_board_member


TEMPLATE_PREDICATES = {"can_view_reports": can_view_reports}
