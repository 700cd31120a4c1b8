"""Confirmation of irreversible actions (publish, publish online first, unpublish,
withdraw), without JavaScript.

The action's form posts as usual; without ``confirmed=1`` the view answers with a page
that says what will happen and posts the same fields again with it. The view checks who
may act and reads its form first, so the page only asks people who may confirm.
"""

from __future__ import annotations

from flask import render_template, request

CONFIRM_FIELD = "confirmed"


def confirmed() -> bool:
    return request.form.get(CONFIRM_FIELD) == "1"


def confirmation_page(title, consequence, *, action_label, cancel_url: str, danger=True):
    """The page asking to confirm the POST being answered (its fields carried over)."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k != CONFIRM_FIELD]
    return render_template(
        "confirm.html",
        title=title,
        consequence=consequence,
        action_label=action_label,
        action_url=request.full_path if request.query_string else request.path,
        fields=fields,
        cancel_url=cancel_url,
        danger=danger,
    )
