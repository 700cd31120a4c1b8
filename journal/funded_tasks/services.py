"""The funded-task registry: add, edit, find.

``create_task`` and ``update_task`` take the acting user and check that they may manage
tasks of the province concerned; ``search_tasks`` feeds the submission wizard's picker.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from ..admin.permissions import can_manage_task
from ..errors import JournalError, PermissionDenied
from ..extensions import db
from ..provinces import Province, province_by_code
from .models import FundedTask

# Letters (Vietnamese ones included, e.g. ĐT), digits and . - / ; starts with a letter or digit.
CODE_PATTERN = re.compile(r"^[^\W_](?:[^\W_]|[./-]){0,63}$")
CODE_MAX = 64
YEAR_MIN, YEAR_MAX = 1990, 2100
# 100 000 billion VND: far above any S&T task; larger figures are typing mistakes.
BUDGET_MAX_VND = 100_000_000_000_000
TITLE_MAX = 1000
AGENCY_MAX = 300
PI_MAX = 200

# 1500000000, 1.500.000.000, 1,500,000,000, 1 500 000 000 (spaces may be non-breaking);
# one kind of separator per number, in groups of three.
_GROUPED = re.compile(r"^[0-9]{1,3}(?P<sep>[., \u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*$")


class TaskError(JournalError):
    status = 400
    default_message = _l("The funded task could not be saved.")


class DuplicateTaskCode(TaskError):
    status = 409
    default_message = _l("A funded task with this code already exists.")


class InvalidBudget(TaskError):
    default_message = _l(
        "Give the budget in whole Vietnamese đồng, e.g. 1.500.000.000 (no decimals, not negative)."
    )


def normalize_task_code(code: str) -> str:
    code = unicodedata.normalize("NFC", (code or "").strip()).upper()
    if not CODE_PATTERN.fullmatch(code):
        raise TaskError(
            _l(
                "The task code may contain letters, digits and . - / only "
                "(at most 64 characters), e.g. CT.2024-01/ĐT."
            )
        )
    return code


def parse_budget(raw) -> int | None:
    """The budget in VND from what was typed; None when left empty."""
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        amount = raw
    else:
        text = str(raw).strip()
        if not text:
            return None
        if text.isascii() and text.isdigit():
            amount = int(text)
        elif _GROUPED.match(text):
            amount = int(re.sub(r"[^0-9]", "", text))
        else:
            raise InvalidBudget()
    if amount < 0:
        raise InvalidBudget()
    if amount > BUDGET_MAX_VND:
        raise InvalidBudget(
            _l("This budget is not plausible: at most 100.000.000.000.000 VND is accepted.")
        )
    return amount


def format_vnd(amount: int | None) -> str:
    """1500000000 → "1.500.000.000" (Vietnamese grouping, whatever the interface language)."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".")


@dataclass(frozen=True)
class TaskFields:
    code: str
    title_vi: str
    title_en: str
    province: Province
    agency: str
    programme: str
    start_year: int
    end_year: int
    budget_vnd: int | str | None
    principal_investigator: str


def _text(value: str, limit: int, message, *, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        raise TaskError(message)
    return value


def _validated(fields: TaskFields) -> dict:
    if fields.province is None:
        raise TaskError(_l("Choose the funding province."))
    years = []
    for year in (fields.start_year, fields.end_year):
        if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
            raise TaskError(_l("Years must be between 1990 and 2100."))
        years.append(year)
    if years[1] < years[0]:
        raise TaskError(_l("The end year cannot be before the start year."))
    return {
        "code": normalize_task_code(fields.code),
        "title_vi": _text(fields.title_vi, TITLE_MAX, _l("Give the title in Vietnamese.")),
        "title_en": _text(fields.title_en, TITLE_MAX, _l("Give the title in English.")),
        "province_id": fields.province.id,
        "agency": _text(fields.agency, AGENCY_MAX, _l("Give the funding agency.")),
        "programme": _text(
            fields.programme, AGENCY_MAX, _l("The programme name is too long."), required=False
        ),
        "start_year": years[0],
        "end_year": years[1],
        "budget_vnd": parse_budget(fields.budget_vnd),
        "principal_investigator": _text(
            fields.principal_investigator, PI_MAX, _l("Give the principal investigator.")
        ),
    }


def _code_taken(code: str, except_id: int | None = None) -> bool:
    query = db.select(FundedTask.id).where(FundedTask.code == code)
    if except_id is not None:
        query = query.where(FundedTask.id != except_id)
    return db.session.execute(query.limit(1)).first() is not None


def _save(task: FundedTask) -> FundedTask:
    try:
        db.session.commit()
    except IntegrityError:  # the same code saved at the same moment
        db.session.rollback()
        raise DuplicateTaskCode() from None
    return task


def create_task(actor, fields: TaskFields) -> FundedTask:
    if not can_manage_task(actor, fields.province):
        raise PermissionDenied(_l("You may add funded tasks only for your own province."))
    values = _validated(fields)
    if _code_taken(values["code"]):
        raise DuplicateTaskCode()
    task = FundedTask(**values)
    db.session.add(task)
    return _save(task)


def update_task(actor, task: FundedTask, fields: TaskFields) -> FundedTask:
    if not can_manage_task(actor, task) or not can_manage_task(actor, fields.province):
        raise PermissionDenied(_l("You may edit funded tasks only of your own province."))
    values = _validated(fields)
    if _code_taken(values["code"], except_id=task.id):
        raise DuplicateTaskCode()
    for name, value in values.items():
        setattr(task, name, value)
    return _save(task)


def task_by_id(task_id: int) -> FundedTask | None:
    return db.session.get(FundedTask, task_id)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_tasks(
    query: str | None = None,
    province=None,
    *,
    year: int | None = None,
    limit: int | None = None,
) -> list[FundedTask]:
    """Funded tasks matching ``query`` (in the code or either title), of ``province`` (a
    Province, its id or its code) and running in ``year``; newest first.

    The submission wizard's task picker and the registry's list both use it.
    """
    select = db.select(FundedTask)
    if province is not None and province != "":
        if isinstance(province, Province):
            province_id = province.id
        elif isinstance(province, int):
            province_id = province
        else:
            found = province_by_code(str(province))
            province_id = found.id if found is not None else None
        if province_id is None:
            return []
        select = select.where(FundedTask.province_id == province_id)
    if year is not None:
        select = select.where(FundedTask.start_year <= year, FundedTask.end_year >= year)
    text = (query or "").strip()
    if text:
        pattern = _like(text.lower())
        select = select.where(
            or_(
                func.lower(FundedTask.code).like(pattern, escape="\\"),
                func.lower(FundedTask.title_vi).like(pattern, escape="\\"),
                func.lower(FundedTask.title_en).like(pattern, escape="\\"),
            )
        )
    select = select.order_by(FundedTask.start_year.desc(), FundedTask.code, FundedTask.id)
    if limit is not None:
        select = select.limit(limit)
    return list(db.session.execute(select).scalars())
