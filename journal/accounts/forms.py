"""Account forms. Every validator carries its own translated message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..forms import JournalForm
from .orcid import MalformedOrcid, normalize_orcid
from .services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

# Each language named in itself.
LANGUAGE_CHOICES = [SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field(label=None):
    return EmailField(
        label or _l("E-mail address"),
        filters=[_strip],
        render_kw={"autocomplete": "email"},
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
            Email(message=_l("Enter a valid e-mail address, such as name@example.org.")),
        ],
    )


def _new_password_fields():
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=_l(
                    "The password must have between %(min)d and %(max)d characters.",
                    min=PASSWORD_MIN_LENGTH,
                    max=PASSWORD_MAX_LENGTH,
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
    )
    return password, confirm


def _optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


def _language_field():
    return SelectField(
        _l("Preferred language"),
        choices=LANGUAGE_CHOICES,
        default="vi",
        invalid_choice_message=_l("Choose Vietnamese or English."),
    )


class RegisterForm(JournalForm):
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(message=_l("Enter your full name.")),
            Length(max=200, message=_l("The name is too long (200 characters at most).")),
        ],
    )
    email = _email_field()
    password, confirm = _new_password_fields()
    affiliation = StringField(
        _l("Affiliation"),
        validators=[
            Optional(),
            Length(max=300, message=_l("The affiliation is too long (300 characters at most).")),
        ],
    )
    locale = _language_field()


class LoginForm(JournalForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        render_kw={"autocomplete": "username"},
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "current-password"},
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=PASSWORD_MAX_LENGTH, message=_l("The password is too long.")),
        ],
    )
    remember = BooleanField(_l("Keep me logged in on this computer"))


class EmailForm(JournalForm):
    """Forgot password, resend confirmation: just an address."""

    email = _email_field()


class ResetPasswordForm(JournalForm):
    password, confirm = _new_password_fields()


def _valid_orcid(form, field):
    try:
        normalize_orcid(field.data)
    except MalformedOrcid:
        raise ValidationError(
            _l(
                "The ORCID iD is malformed: it has 16 characters in four groups, "
                "such as 0000-0002-1825-0097 (the last one may be X)."
            )
        ) from None
    except ValueError:
        raise ValidationError(
            _l(
                "The ORCID iD's check digit (its last character) does not match: "
                "look for a mistyped digit."
            )
        ) from None


class ProfileForm(JournalForm):
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(message=_l("Enter your full name.")),
            Length(max=200, message=_l("The name is too long (200 characters at most).")),
        ],
    )
    affiliation = StringField(
        _l("Affiliation"),
        validators=[
            Optional(),
            Length(max=300, message=_l("The affiliation is too long (300 characters at most).")),
        ],
    )
    orcid = StringField(
        _l("ORCID iD"),
        validators=[
            Optional(),
            Length(max=64, message=_l("The ORCID iD is too long.")),
            _valid_orcid,
        ],
    )
    province = SelectField(
        _l("Province"),
        coerce=_optional_int,
        choices=[],
        invalid_value_message=_l("Choose a province from the list."),
        invalid_choice_message=_l("Choose a province from the list."),
    )
    expertise = StringField(
        _l("Expertise keywords"),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Too many keywords (1,000 characters at most).")),
        ],
    )
    locale = _language_field()

    @classmethod
    def for_user(cls, user, provinces, locale: str) -> ProfileForm:
        """The form filled from the request if it was sent, else from ``user``."""
        form = cls(
            data={
                "full_name": user.full_name,
                "affiliation": user.affiliation,
                "orcid": user.orcid or "",
                "province": user.province_id,
                "expertise": user.expertise,
                "locale": user.locale,
            }
        )
        form.province.choices = [SelectChoice("", _l("— none —"))] + [
            SelectChoice(str(p.id), p.name(locale)) for p in provinces
        ]
        return form
