"""Forms of the submission wizard. Every validator carries its own translated message."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError

from ..accounts.orcid import normalize_orcid
from ..forms import JournalForm
from ..provinces import all_provinces
from . import services


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_zero(value) -> int:
    """Choice coercion that never raises: anything unknown becomes 0, "nothing chosen"."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _locale() -> str:
    return str(get_locale() or "vi")


LANGUAGE_CHOICES = [SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")]


class StartForm(JournalForm):
    section_id = SelectField(_l("Section"), coerce=_int_or_zero, validate_choice=False)
    language = RadioField(
        _l("Language of the manuscript"),
        choices=LANGUAGE_CHOICES,
        default="vi",
        validate_choice=False,
        validators=[
            AnyOf(["vi", "en"], message=_l("Choose the language of the manuscript.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections = services.active_sections()
        self.section_id.choices = [SelectChoice("0", _l("— choose a section —"))] + [
            SelectChoice(str(s.id), s.name(_locale())) for s in sections
        ]
        self.section_id.validators = [
            AnyOf([s.id for s in sections], message=_l("Choose a section.")),
        ]


def _metadata_field(label, lang, maximum, message, textarea=False):
    field_class = TextAreaField if textarea else StringField
    return field_class(
        label,
        filters=[_strip],
        validators=[Length(max=maximum, message=message)],
        render_kw={"lang": lang},
    )


class MetadataForm(JournalForm):
    """Title, abstract and keywords in Vietnamese and English, side by side."""

    title_vi = _metadata_field(
        _l("Title (Vietnamese)"),
        "vi",
        services.TITLE_MAX,
        services.TOO_LONG_MESSAGES["title"],
    )
    title_en = _metadata_field(
        _l("Title (English)"),
        "en",
        services.TITLE_MAX,
        services.TOO_LONG_MESSAGES["title"],
    )
    abstract_vi = _metadata_field(
        _l("Abstract (Vietnamese)"),
        "vi",
        services.ABSTRACT_MAX,
        services.TOO_LONG_MESSAGES["abstract"],
        textarea=True,
    )
    abstract_en = _metadata_field(
        _l("Abstract (English)"),
        "en",
        services.ABSTRACT_MAX,
        services.TOO_LONG_MESSAGES["abstract"],
        textarea=True,
    )
    keywords_vi = _metadata_field(
        _l("Keywords (Vietnamese)"),
        "vi",
        services.KEYWORDS_MAX,
        services.TOO_LONG_MESSAGES["keywords"],
    )
    keywords_en = _metadata_field(
        _l("Keywords (English)"),
        "en",
        services.KEYWORDS_MAX,
        services.TOO_LONG_MESSAGES["keywords"],
    )

    FIELDS = ("title", "abstract", "keywords")

    def __init__(self, *args, required_languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.required_languages = list(required_languages)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self.FIELDS:
            for lang in self.required_languages:
                form_field = self[f"{field}_{lang}"]
                if not form_field.data:
                    form_field.errors = [
                        *form_field.errors,
                        services.REQUIRED_MESSAGES[(field, lang)],
                    ]
                    valid = False
        return valid

    def values(self) -> dict:
        return {
            f"{field}_{lang}": self[f"{field}_{lang}"].data or ""
            for field in self.FIELDS
            for lang in services.LANGUAGES
        }

    def pairs(self):
        """(Vietnamese field, English field) for each of title, abstract, keywords."""
        return [(self[f"{field}_vi"], self[f"{field}_en"]) for field in self.FIELDS]


def _valid_orcid(form, field):
    try:
        field.data = normalize_orcid(field.data)
    except ValueError:
        raise ValidationError(
            _l("This is not a valid ORCID iD (16 digits, e.g. 0000-0002-1825-0097).")
        ) from None


class AuthorForm(JournalForm):
    full_name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("The author's name is required.")),
            Length(max=services.NAME_MAX, message=_l("The name is too long.")),
        ],
    )
    email = StringField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("The author's e-mail address is required.")),
            Length(max=services.EMAIL_MAX, message=_l("The e-mail address is too long.")),
            Email(message=_l("This is not a valid e-mail address.")),
        ],
        render_kw={"type": "email"},
    )
    affiliation = StringField(
        _l("Affiliation"),
        filters=[_strip],
        validators=[
            Length(max=services.AFFILIATION_MAX, message=_l("The affiliation is too long.")),
        ],
    )
    orcid = StringField(
        _l("ORCID iD (optional)"), filters=[_strip], validators=[Optional(), _valid_orcid]
    )

    def values(self) -> dict:
        return {
            "full_name": self.full_name.data,
            "email": self.email.data,
            "affiliation": self.affiliation.data or "",
            "orcid": self.orcid.data or None,
        }


class FundingForm(JournalForm):
    funded_task_id = SelectField(_l("Funded S&T task"), coerce=_int_or_zero, validate_choice=False)
    province_id = SelectField(_l("Province"), coerce=_int_or_zero, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = _locale()
        tasks = services.funded_tasks()
        provinces = all_provinces()
        self.funded_task_id.choices = [SelectChoice("0", _l("— no funded task —"))] + [
            SelectChoice(str(t.id), f"{t.code} · {t.title(locale)}") for t in tasks
        ]
        self.funded_task_id.validators = [
            AnyOf([0] + [t.id for t in tasks], message=_l("Choose a funded task from the list."))
        ]
        self.province_id.choices = [SelectChoice("0", _l("— choose the province —"))] + [
            SelectChoice(str(p.id), p.name(locale)) for p in provinces
        ]
        self.province_id.validators = [
            AnyOf([0] + [p.id for p in provinces], message=_l("Choose a province from the list."))
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.funded_task_id.data and not self.province_id.data:
            self.province_id.errors = [
                _l("Choose the province (required when there is no funded task).")
            ]
            valid = False
        return valid


class FileForm(JournalForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])


class LetterForm(JournalForm):
    cover_letter = TextAreaField(
        _l("Cover letter to the editors"),
        filters=[_strip],
        validators=[
            Length(max=services.COVER_LETTER_MAX, message=_l("The cover letter is too long.")),
        ],
    )
    declares_originality = BooleanField(
        _l(
            "I declare that this manuscript is original, has not been published before and "
            "is not under consideration elsewhere."
        ),
        validators=[DataRequired(message=_l("Declare that the manuscript is original."))],
    )
    competing_interests = TextAreaField(
        _l("Competing interests"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("State any competing interests (or write “None”).")),
            Length(
                max=services.COMPETING_INTERESTS_MAX,
                message=_l("The competing interests statement is too long."),
            ),
        ],
    )
    licence_consent = BooleanField(
        _l(
            "I agree that the article, if accepted, is published under the Creative Commons "
            "Attribution 4.0 International licence (CC BY 4.0)."
        ),
        validators=[DataRequired(message=_l("Accept the CC BY 4.0 licence."))],
    )

    def values(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "cover_letter",
                "declares_originality",
                "competing_interests",
                "licence_consent",
            )
        }


class SubmitForm(JournalForm):
    """The version of the draft the author reviewed (a newer one means it changed since)."""

    version = HiddenField(filters=[_int_or_none])
