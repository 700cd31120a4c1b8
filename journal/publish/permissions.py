"""Who may schedule, publish and take down articles, and manage issues.

- The editor-in-chief: everything: issues (create, edit, order, publish at once), scheduling
  and online-first publication of any article, unpublishing.
- A province editor: the articles of their own province: schedule them into an issue that
  is not yet published, or publish them online first. Not issues, not unpublishing.
- Everyone else (authors, board members, other provinces' editors, administrators): nothing
  here. Administrators run the platform; publishing is an editorial act.

The workflow table (journal/workflow.py) checks the same rules again on each transition.
"""

from __future__ import annotations

from ..provinces import BoardRole


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_editor_in_chief(user) -> bool:
    return _signed_in(user) and user.is_editor_in_chief


def can_use_publishing(user) -> bool:
    """The publishing queue (articles ready to publish) and the issue list."""
    return is_editor_in_chief(user) or (
        _signed_in(user) and bool(user.province_ids(BoardRole.PROVINCE_EDITOR))
    )


def can_manage_issues(user) -> bool:
    """Create and edit issues, order their contents, publish them."""
    return is_editor_in_chief(user)


def can_publish_submission(user, submission) -> bool:
    """Schedule this submission into an issue, or publish it online first."""
    if is_editor_in_chief(user):
        return True
    return _signed_in(user) and submission.province_id in user.province_ids(
        BoardRole.PROVINCE_EDITOR
    )


def can_unpublish(user) -> bool:
    return is_editor_in_chief(user)


def visible_province_ids(user) -> set[int] | None:
    """Provinces whose publishing queue ``user`` sees; None means all."""
    if is_editor_in_chief(user):
        return None
    return user.province_ids(BoardRole.PROVINCE_EDITOR) if _signed_in(user) else set()
