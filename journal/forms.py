"""The base of every form: single-line fields lose their control characters.

A title, a name or an e-mail address is one line of text. Carriage returns, line feeds,
tabs and the other control characters (Unicode category C, zero-width format characters
included) are dropped from every single-line field when the form reads the request, before
any validator or service sees them: such values end up in mail headers, file names, feeds
and CSV exports, where a line break is an injection or a crash. Multi-line fields
(``TextAreaField``) keep their line breaks and tabs.
"""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SearchField, StringField, TelField, URLField

SINGLE_LINE_FIELDS = (StringField, EmailField, SearchField, TelField, URLField, PasswordField)


def single_line(value):
    """``value`` without control characters; a line break becomes a space."""
    if not isinstance(value, str):
        return value
    if value.isprintable():
        return value
    value = value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")


class JournalForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, SINGLE_LINE_FIELDS) and not _multi_line(field_class):
                filters = unbound_field.kwargs.get("filters") or ()
                options = {**options, "filters": [single_line, *filters]}
            return unbound_field.bind(form=form, **options)


def _multi_line(field_class) -> bool:
    from wtforms import TextAreaField

    return issubclass(field_class, TextAreaField)
