"""Accounts: register, confirm the e-mail address, log in and out, reset a password, edit
the profile.

A form sent back with errors is shown again with status 400 (also for a duplicate e-mail
address and a failed login); pages that must not reveal whether an address has an account
(forgot password, resend confirmation) answer 200 with the same page for every address.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..provinces import all_provinces
from ..web import select_locale
from . import services
from .forms import EmailForm, LoginForm, ProfileForm, RegisterForm, ResetPasswordForm
from .tokens import InvalidToken

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _post_limit(config_key: str):
    """A rate limit on POST only, read from the config at request time."""
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or len(target) > 2000 or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _locale() -> str:
    return str(get_locale() or "vi")


def _form_page(template: str, form, status_if_sent: int = 400, **context):
    """The form page; once sent (and invalid), with ``status_if_sent``."""
    status = status_if_sent if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def _token_error(error: InvalidToken, action_endpoint: str, action_label):
    """The bilingual 400 page for a bad link, with a way to get a new one."""
    parts = []
    for lang in ("vi", "en"):
        with force_locale(lang):
            parts.append(
                {
                    "lang": lang,
                    "title": _("This link cannot be used"),
                    "message": str(error.message),
                    "action": str(action_label),
                }
            )
    page = render_template(
        "accounts/token_error.html", parts=parts, action_url=url_for(action_endpoint)
    )
    return page, error.status


def _check_mail_page(purpose: str):
    key = "RESET_TOKEN_MAX_AGE" if purpose == "reset" else "CONFIRM_TOKEN_MAX_AGE"
    valid_for = timedelta(seconds=current_app.config[key])
    return render_template("accounts/check_mail.html", purpose=purpose, valid_for=valid_for)


@bp.route("/login", methods=["GET", "POST"])
@_post_limit("RATELIMIT_LOGIN")
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("dashboard.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _form_page("accounts/login.html", form, next_url=next_url)
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        error = _("Wrong e-mail address or password.")
        return _form_page("accounts/login.html", form, next_url=next_url, form_error=error)
    login_user(user, remember=form.remember.data)
    if not user.email_confirmed:
        flash(
            _(
                "Your e-mail address is not confirmed yet: open the link we sent you. "
                "You can submit manuscripts once it is confirmed."
            ),
            "warning",
        )
    return redirect(next_url or url_for("dashboard.index"))


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/register", methods=["GET", "POST"])
@_post_limit("RATELIMIT_REGISTER")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm(locale=_locale())
    if not form.validate_on_submit():
        return _form_page("accounts/register.html", form)
    try:
        user = services.register_user(
            form.email.data,
            form.password.data,
            form.full_name.data,
            affiliation=form.affiliation.data or "",
            locale=form.locale.data,
        )
    except services.DuplicateEmail as exc:
        form.email.errors.append(exc.message)
        return _form_page("accounts/register.html", form)
    except services.AccountError as exc:
        return _form_page("accounts/register.html", form, form_error=exc.message)
    login_user(user)
    flash(
        _(
            "Welcome! We have sent a confirmation link to %(email)s: open it to be able "
            "to submit manuscripts.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("accounts.profile"))


@bp.get("/confirm/<token>")
def confirm(token: str):
    try:
        services.confirm_email(token)
    except InvalidToken as exc:
        return _token_error(exc, "accounts.resend_confirmation", _l("Send me a new link"))
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    return redirect(
        url_for("accounts.profile" if current_user.is_authenticated else "accounts.login")
    )


@bp.route("/confirm/resend", methods=["GET", "POST"])
@_post_limit("RATELIMIT_RESET")
def resend_confirmation():
    email = current_user.email if current_user.is_authenticated else None
    form = EmailForm(email=email)
    if not form.validate_on_submit():
        return _form_page("accounts/resend_confirmation.html", form)
    services.resend_confirmation(form.email.data)
    return _check_mail_page("confirm")


@bp.route("/forgot-password", methods=["GET", "POST"])
@_post_limit("RATELIMIT_RESET")
def forgot_password():
    form = EmailForm()
    if not form.validate_on_submit():
        return _form_page("accounts/forgot_password.html", form)
    services.request_password_reset(form.email.data)
    return _check_mail_page("reset")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.check_reset_token(token)
    except InvalidToken as exc:
        return _token_error(exc, "accounts.forgot_password", _l("Ask for a new link"))
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _form_page("accounts/reset_password.html", form, token=token)
    try:
        services.reset_password(token, form.password.data)
    except InvalidToken as exc:
        return _token_error(exc, "accounts.forgot_password", _l("Ask for a new link"))
    except services.AccountError as exc:
        form.password.errors.append(exc.message)
        return _form_page("accounts/reset_password.html", form, token=token)
    flash(_("Your password has been changed. Log in with the new one."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm.for_user(user, all_provinces(), _locale())
    if not form.validate_on_submit():
        return _form_page("accounts/profile.html", form, user=user)
    try:
        services.update_profile(
            user,
            full_name=form.full_name.data,
            affiliation=form.affiliation.data or "",
            orcid=form.orcid.data,
            province_id=form.province.data,
            expertise=form.expertise.data or "",
            locale=form.locale.data,
        )
    except services.AccountError as exc:
        return _form_page("accounts/profile.html", form, user=user, form_error=exc.message)
    with force_locale(select_locale()):  # the language of the next page, maybe the new one
        flash(_("Your profile has been saved."), "success")
    return redirect(url_for("accounts.profile"))
