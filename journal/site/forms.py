"""Forms of the news pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import JournalForm
from .services import BODY_MAX, TITLE_MAX


class AnnouncementForm(JournalForm):
    title_vi = StringField(
        _l("Title (Vietnamese)"), validators=[DataRequired(), Length(max=TITLE_MAX)]
    )
    title_en = StringField(
        _l("Title (English)"), validators=[DataRequired(), Length(max=TITLE_MAX)]
    )
    body_vi = TextAreaField(_l("Text (Vietnamese)"), validators=[Length(max=BODY_MAX)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=BODY_MAX)])
    submit = SubmitField(_l("Publish the announcement"))


class DeleteAnnouncementForm(JournalForm):
    submit = SubmitField(_l("Delete the announcement"))
