"""The bridge's forms. Choices are checked here with translated messages and again by the
services (which own every rule)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from journal.forms import JournalForm

from .vocabulary import FIELDS, IP_STATUSES, STARTUP_STAGES, TRANSFER_MODES, TRL_LABELS


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def field_choices(locale: str, *, blank: bool) -> list[tuple[str, str]]:
    choices = [("", str(_l("— choose —")))] if blank else []
    return choices + [(f.code, f.name(locale)) for f in FIELDS]


def province_choices(provinces, locale: str) -> list[tuple[int | str, str]]:
    return [("", str(_l("— choose —")))] + [(p.id, p.name(locale)) for p in provinces]


def _check_choice(field, message) -> None:
    allowed = {value for value, _label in field.choices}
    if field.data not in allowed:
        raise ValidationError(str(message))


def _check_choices(field, message) -> None:
    allowed = {str(value) for value, _label in field.choices}
    if any(str(v) not in allowed for v in field.data or ()):
        raise ValidationError(str(message))


TOO_LONG = _l("This text is too long.")


class OfferForm(JournalForm):
    version = HiddenField()
    title_vi = TextAreaField(
        _l("Title in Vietnamese"), filters=[strip], validators=[Length(max=500, message=TOO_LONG)]
    )
    title_en = TextAreaField(
        _l("Title in English"), filters=[strip], validators=[Length(max=500, message=TOO_LONG)]
    )
    summary_vi = TextAreaField(
        _l("Summary in Vietnamese"),
        filters=[strip],
        validators=[Length(max=5000, message=TOO_LONG)],
    )
    summary_en = TextAreaField(
        _l("Summary in English"), filters=[strip], validators=[Length(max=5000, message=TOO_LONG)]
    )
    field = SelectField(_l("Field of application"), validate_choice=False)
    trl = SelectField(
        _l("Technology readiness level (TRL)"), coerce=_int_or_none, validate_choice=False
    )
    ip_status = SelectField(_l("Intellectual property"), validate_choice=False)
    transfer_modes = CheckboxesField(_l("Transfer modes"), validate_choice=False)
    contact_name = StringField(
        _l("Contact person"), filters=[strip], validators=[Length(max=200, message=TOO_LONG)]
    )
    contact_organisation = StringField(
        _l("Organisation"), filters=[strip], validators=[Length(max=300, message=TOO_LONG)]
    )
    contact_email = StringField(
        _l("Contact e-mail"), filters=[strip], validators=[Length(max=254, message=TOO_LONG)]
    )
    contact_phone = StringField(
        _l("Contact phone"), filters=[strip], validators=[Length(max=40, message=TOO_LONG)]
    )

    def __init__(self, *args, locale: str = "vi", **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = field_choices(locale, blank=True)
        self.trl.choices = [(None, str(_l("— choose —")))] + [
            (n, str(label)) for n, label in TRL_LABELS.items()
        ]
        self.ip_status.choices = [("", str(_l("— choose —")))] + [
            (k, str(v)) for k, v in IP_STATUSES.items()
        ]
        self.transfer_modes.choices = [(k, str(v)) for k, v in TRANSFER_MODES.items()]

    def validate_field(self, field):
        _check_choice(field, _l("Choose the field of application from the list."))

    def validate_trl(self, field):
        _check_choice(field, _l("The readiness level is a whole number from 1 to 9."))

    def validate_ip_status(self, field):
        _check_choice(field, _l("Choose the intellectual property status from the list."))

    def validate_transfer_modes(self, field):
        _check_choices(field, _l("Choose transfer modes from the list."))

    def form_version(self) -> int | None:
        return _int_or_none(self.version.data)


class ReasonForm(JournalForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[Length(max=2000, message=_l("At most 2000 characters."))],
    )


class StartupForm(JournalForm):
    name = StringField(
        _l("Name of the startup"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the startup's name.")),
            Length(max=200, message=TOO_LONG),
        ],
    )
    founders = TextAreaField(
        _l("Founders (one per line)"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Name at least one founder.")),
            Length(max=2000, message=TOO_LONG),
        ],
    )
    province_id = SelectField(_l("Province"), coerce=_int_or_none, validate_choice=False)
    field = SelectField(_l("Field"), validate_choice=False)
    stage = SelectField(_l("Stage"), validate_choice=False)
    support_centre = StringField(
        _l("Incubator or support centre"),
        filters=[strip],
        validators=[Length(max=300, message=TOO_LONG)],
    )
    website = StringField(
        _l("Web site"), filters=[strip], validators=[Length(max=300, message=TOO_LONG)]
    )
    description_vi = TextAreaField(
        _l("Description in Vietnamese"),
        filters=[strip],
        validators=[Length(max=5000, message=TOO_LONG)],
    )
    description_en = TextAreaField(
        _l("Description in English"),
        filters=[strip],
        validators=[Length(max=5000, message=TOO_LONG)],
    )
    article_ids = CheckboxesField(
        _l("Published articles it builds on"), coerce=int, validate_choice=False
    )
    offer_ids = CheckboxesField(
        _l("Technology offers it builds on"), coerce=int, validate_choice=False
    )

    def __init__(self, provinces, articles, offers, *args, locale: str = "vi", **kwargs):
        super().__init__(*args, **kwargs)
        self.province_id.choices = province_choices(provinces, locale)
        self.field.choices = field_choices(locale, blank=True)
        self.stage.choices = [("", str(_l("— choose —")))] + [
            (k, str(v)) for k, v in STARTUP_STAGES.items()
        ]
        self.article_ids.choices = [(a.id, a.submission.title(locale)) for a in articles]
        self.offer_ids.choices = [(o.id, o.title(locale)) for o in offers]

    def validate_province_id(self, field):
        if field.data is None:
            raise ValidationError(str(_l("Choose a province from the list.")))
        _check_choice(field, _l("Choose a province from the list."))

    def validate_field(self, field):
        if not field.data:
            raise ValidationError(str(_l("Choose the field from the list.")))
        _check_choice(field, _l("Choose the field from the list."))

    def validate_stage(self, field):
        if not field.data:
            raise ValidationError(str(_l("Choose the stage from the list.")))
        _check_choice(field, _l("Choose the stage from the list."))

    def validate_article_ids(self, field):
        _check_choices(field, _l("Choose articles from the list."))

    def validate_offer_ids(self, field):
        _check_choices(field, _l("Choose offers from the list."))


class RequestForm(JournalForm):
    organisation = StringField(
        _l("Enterprise or organisation"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the name of your enterprise or organisation.")),
            Length(max=300, message=TOO_LONG),
        ],
    )
    contact_name = StringField(
        _l("Contact person"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the name of the contact person.")),
            Length(max=200, message=TOO_LONG),
        ],
    )
    contact_email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a valid e-mail address, such as name@example.org.")),
            Length(max=254, message=TOO_LONG),
        ],
    )
    contact_phone = StringField(
        _l("Phone"), filters=[strip], validators=[Length(max=40, message=TOO_LONG)]
    )
    title = StringField(
        _l("What do you need? (short title)"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give your need a short title.")),
            Length(max=300, message=TOO_LONG),
        ],
    )
    need = TextAreaField(
        _l("Describe the technology you need"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Describe the technology you need.")),
            Length(max=5000, message=TOO_LONG),
        ],
    )
    field = SelectField(_l("Field"), validate_choice=False)
    province_id = SelectField(_l("Province"), coerce=_int_or_none, validate_choice=False)
    # The honeypot: hidden from people (CSS), filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"))

    def __init__(self, provinces, *args, locale: str = "vi", **kwargs):
        super().__init__(*args, **kwargs)
        self.province_id.choices = province_choices(provinces, locale)
        self.field.choices = field_choices(locale, blank=True)

    validate_province_id = StartupForm.validate_province_id
    validate_field = StartupForm.validate_field
