"""Forms of the administration pages."""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from ..accounts.models import GlobalRole
from ..provinces import BoardRole

BOARD_ROLE_LABELS = {
    BoardRole.PROVINCE_EDITOR.value: _l("Province editor"),
    BoardRole.BOARD_MEMBER.value: _l("Board member"),
}
GLOBAL_ROLE_LABELS = {
    GlobalRole.ADMIN.value: _l("Administrator"),
    GlobalRole.EDITOR_IN_CHIEF.value: _l("Editor-in-chief"),
}


def strip(value):
    return value.strip() if isinstance(value, str) else value


def strip_upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class ProvinceEditForm(FlaskForm):
    name_vi = StringField(
        _l("Name in Vietnamese"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the name in Vietnamese.")),
            Length(max=120, message=_l("At most 120 characters.")),
        ],
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the name in English.")),
            Length(max=120, message=_l("At most 120 characters.")),
        ],
    )
    coordinating = BooleanField(_l("Coordinating office (only one province; the flag moves)"))
    submit = SubmitField(_l("Save"))


class ProvinceForm(ProvinceEditForm):
    code = StringField(
        _l("Code"),
        filters=[strip_upper],
        validators=[
            DataRequired(message=_l("Give the province code.")),
            Regexp(
                r"^[A-Z]{2,8}$",
                message=_l("The province code must be 2 to 8 letters A–Z, e.g. CT."),
            ),
        ],
    )


class BoardMemberForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the account"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the e-mail address the person registered with.")),
            Length(max=254, message=_l("At most 254 characters.")),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(value, label) for value, label in BOARD_ROLE_LABELS.items()],
        validate_choice=False,
        validators=[
            AnyOf(
                list(BOARD_ROLE_LABELS),
                message=_l("Choose the role: province editor or board member."),
            )
        ],
    )
    submit = SubmitField(_l("Add to the board"))


class RoleChangeForm(FlaskForm):
    user_id = HiddenField(
        validators=[
            DataRequired(message=_l("The user is missing.")),
            Regexp(r"^[0-9]{1,12}$", message=_l("The user is missing.")),
        ]
    )
    role = HiddenField(validators=[AnyOf(list(GLOBAL_ROLE_LABELS), message=_l("Unknown role."))])
    action = HiddenField(
        validators=[AnyOf(["grant", "revoke"], message=_l("Choose to grant or to revoke."))]
    )
    q = HiddenField()


@functools.cache
def settings_form_class():
    """A form with one field per journal setting (journal/settings.py), built once.

    The fields only carry the values: the settings service checks and normalises them, so
    the page, the demo and the tests share one set of rules."""
    from ..settings import SETTINGS

    fields = {"version": HiddenField()}
    for setting in SETTINGS:
        kind = TextAreaField if setting.kind in ("text", "questions") else StringField
        fields[setting.key] = kind(setting.label, filters=[strip])
    fields["submit"] = SubmitField(_l("Save the settings"))
    return type("JournalSettingsForm", (FlaskForm,), fields)
