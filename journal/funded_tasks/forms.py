"""The funded-task form. Parsing rules (code, years, budget) come from the services, so the
form and the service agree."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError
from wtforms.widgets import NumberInput

from ..forms import JournalForm
from .services import (
    AGENCY_MAX,
    CODE_MAX,
    PI_MAX,
    TITLE_MAX,
    YEAR_MAX,
    YEAR_MIN,
    TaskError,
    TaskFields,
    format_vnd,
    normalize_task_code,
    parse_budget,
)


def strip(value):
    return value.strip() if isinstance(value, str) else value


YEAR_MESSAGE = _l("Enter a year between 1990 and 2100, e.g. 2024.")


def _province_id(value):
    """Coerce the posted province id; junk becomes None (then refused with a clear message)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class YearField(StringField):
    """Four digits between YEAR_MIN and YEAR_MAX, with a translated message."""

    widget = NumberInput(min=YEAR_MIN, max=YEAR_MAX)

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        self.data = int(raw) if re.fullmatch(r"[0-9]{4}", raw) else None

    def pre_validate(self, form):
        if self.data is None or not YEAR_MIN <= self.data <= YEAR_MAX:
            raise StopValidation(str(YEAR_MESSAGE))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class BudgetField(StringField):
    """Typed as 1500000000, 1.500.000.000 or 1,500,000,000; shown with dots."""

    def process_data(self, value):
        self.data = format_vnd(value) if isinstance(value, int) else (value or "")


class FundedTaskForm(JournalForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the task's code.")),
            Length(max=CODE_MAX, message=_l("The code has at most 64 characters.")),
        ],
    )
    title_vi = TextAreaField(
        _l("Title in Vietnamese"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the title in Vietnamese.")),
            Length(max=TITLE_MAX, message=_l("The title has at most 1000 characters.")),
        ],
    )
    title_en = TextAreaField(
        _l("Title in English"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the title in English.")),
            Length(max=TITLE_MAX, message=_l("The title has at most 1000 characters.")),
        ],
    )
    province_id = SelectField(_l("Funding province"), coerce=_province_id, validate_choice=False)
    agency = StringField(
        _l("Funding agency"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the funding agency.")),
            Length(max=AGENCY_MAX, message=_l("At most 300 characters.")),
        ],
    )
    programme = StringField(
        _l("Programme"),
        filters=[strip],
        validators=[Length(max=AGENCY_MAX, message=_l("At most 300 characters."))],
    )
    start_year = YearField(_l("Start year"))
    end_year = YearField(_l("End year"))
    budget_vnd = BudgetField(
        _l("Budget (VND)"),
        validators=[Length(max=40, message=_l("The budget is too long."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    principal_investigator = StringField(
        _l("Principal investigator"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the principal investigator.")),
            Length(max=PI_MAX, message=_l("At most 200 characters.")),
        ],
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, provinces, *args, locale="vi", **kwargs):
        """``provinces``: those the user may choose (their own, or all for editors-in-chief)."""
        super().__init__(*args, **kwargs)
        self._provinces = {p.id: p for p in provinces}
        self.province_id.choices = [
            SelectChoice(p.id, f"{p.name(locale)} ({p.code})") for p in provinces
        ]

    def validate_code(self, field):
        try:
            field.data = normalize_task_code(field.data)
        except TaskError as error:
            raise ValidationError(str(error.message)) from None

    def validate_province_id(self, field):
        if field.data not in self._provinces:
            raise ValidationError(str(_l("Choose one of the provinces offered.")))

    def validate_end_year(self, field):
        start = self.start_year.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(str(_l("The end year cannot be before the start year.")))

    def validate_budget_vnd(self, field):
        try:
            parse_budget(field.data)
        except TaskError as error:
            raise ValidationError(str(error.message)) from None

    def task_fields(self) -> TaskFields:
        return TaskFields(
            code=self.code.data,
            title_vi=self.title_vi.data,
            title_en=self.title_en.data,
            province=self._provinces.get(self.province_id.data),
            agency=self.agency.data,
            programme=self.programme.data or "",
            start_year=self.start_year.data,
            end_year=self.end_year.data,
            budget_vnd=self.budget_vnd.data,
            principal_investigator=self.principal_investigator.data,
        )
