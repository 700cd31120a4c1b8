from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/login")
def login():
    return "login"


@bp.post("/logout")
def logout():
    return "logout"


@bp.route("/register")
def register():
    return "register"


@bp.route("/profile")
def profile():
    return "profile"
