"""``/dev/mail``: the messages written to the instance folder, in development only (the
blueprint is not registered otherwise, so the addresses answer 404)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..mail import mail_folder
from . import list_messages, read_message

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")


@bp.get("/")
def index():
    return render_template("devmail/index.html", messages=list_messages(mail_folder()))


@bp.get("/<name>")
def message(name: str):
    found = read_message(mail_folder(), name)
    if found is None:
        abort(404)
    return render_template("devmail/message.html", message=found)
