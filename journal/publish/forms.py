"""Forms of the editorial publishing pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import JournalForm


def strip(value):
    return value.strip() if isinstance(value, str) else value


class IssueForm(JournalForm):
    volume = IntegerField(
        _l("Volume"),
        validators=[
            InputRequired(message=_l("Give the volume.")),
            NumberRange(min=1, max=9999, message=_l("The volume is a number from 1 to 9999.")),
        ],
    )
    number = IntegerField(
        _l("Number"),
        validators=[
            InputRequired(message=_l("Give the number.")),
            NumberRange(min=1, max=999, message=_l("The number is a number from 1 to 999.")),
        ],
    )
    year = IntegerField(
        _l("Year"),
        validators=[
            InputRequired(message=_l("Give the year.")),
            NumberRange(min=1900, max=2200, message=_l("The year must be between 1900 and 2200.")),
        ],
    )
    title_vi = StringField(
        _l("Title in Vietnamese (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters."))],
    )
    title_en = StringField(
        _l("Title in English (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters."))],
    )
    submit = SubmitField(_l("Save the issue"))


class IssueChoiceForm(JournalForm):
    issue_id = SelectField(
        _l("Issue"),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose an issue."))],
    )
    submit = SubmitField(_l("Schedule"))


class UnpublishForm(JournalForm):
    reason = TextAreaField(
        _l("Reason (shown to readers on the article's page)"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason the article is taken down.")),
            Length(max=2000, message=_l("At most 2000 characters.")),
        ],
    )
    submit = SubmitField(_l("Take the article down"))


class ConfirmForm(JournalForm):
    """A button and the CSRF token."""

    submit = SubmitField(_l("Confirm"))
