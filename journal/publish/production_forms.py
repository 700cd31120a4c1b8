"""The production page's one form: a corrected manuscript or a figure file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from ..forms import JournalForm
from .production import UPLOAD_KINDS

KIND_LABELS = {
    "manuscript": _l("A corrected manuscript (a new version; earlier versions are kept)"),
    "figure": _l("A figure the manuscript refers to by its file name (PNG or JPEG)"),
}


class ProductionFileForm(JournalForm):
    kind = RadioField(
        _l("Kind of file"),
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in UPLOAD_KINDS],
        default="manuscript",
        validate_choice=False,
        validators=[AnyOf(UPLOAD_KINDS, message=_l("Choose the kind of file."))],
    )
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])
