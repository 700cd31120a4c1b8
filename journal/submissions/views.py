from flask import Blueprint

bp = Blueprint("submissions", __name__, url_prefix="/submissions")


@bp.route("/")
def dashboard():
    return "dashboard"


@bp.route("/new")
def new():
    return "new"
