"""The registry's services: parsing, permissions, search."""

from __future__ import annotations

import pytest

from journal.errors import PermissionDenied
from journal.extensions import db
from journal.funded_tasks.models import FundedTask
from journal.funded_tasks.services import (
    DuplicateTaskCode,
    InvalidBudget,
    TaskError,
    TaskFields,
    create_task,
    format_vnd,
    normalize_task_code,
    parse_budget,
    search_tasks,
    update_task,
)
from journal.provinces import province_by_code

from ..factories import make_funded_task


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500000000", 1_500_000_000),
        ("1.500.000.000", 1_500_000_000),
        ("1,500,000,000", 1_500_000_000),
        ("1 500 000 000", 1_500_000_000),
        ("1\u00a0500\u00a0000", 1_500_000),
        ("0", 0),
        ("980.000.000", 980_000_000),
        ("", None),
        ("   ", None),
        (None, None),
        (2_000, 2_000),
        ("100.000.000.000.000", 100_000_000_000_000),
    ],
)
def test_parse_budget(typed, amount):
    assert parse_budget(typed) == amount


@pytest.mark.parametrize(
    "typed",
    [
        "-5",
        "-1.000",
        "1.5",
        "1,5",
        "1,500.000",  # mixed separators
        "1.500,000",
        "12.34.567",  # misplaced separator
        "1.5000.000",
        "abc",
        "1e9",
        "٣٤٥",  # non-ASCII digits
        "100.000.000.000.001",  # above the plausible maximum
        "100000000000000000000",
        -1,
    ],
)
def test_parse_budget_refuses(typed):
    with pytest.raises(InvalidBudget):
        parse_budget(typed)


def test_format_vnd():
    assert format_vnd(1_500_000_000) == "1.500.000.000"
    assert format_vnd(0) == "0"
    assert format_vnd(999) == "999"
    assert format_vnd(None) == ""


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("CT-2024-01", "CT-2024-01"),
        (" ct.2024-01/đt ", "CT.2024-01/ĐT"),
        ("ĐTĐL.CN-12/21", "ĐTĐL.CN-12/21"),
        ("Đ" + "T" * 63, "Đ" + "T" * 63),
    ],
)
def test_task_code_normalisation(typed, code):
    assert normalize_task_code(typed) == code


@pytest.mark.parametrize(
    "typed", ["", "CT 2024", "CT_01", "<b>", "-CT", "/CT", "C" * 65, "CT;DROP", "CT\n01"]
)
def test_task_code_refused(typed):
    with pytest.raises(TaskError):
        normalize_task_code(typed)


def _fields(province_code="CT", **overrides):
    values = {
        "code": "CT-2025-01",
        "title_vi": "Lúa chịu mặn",
        "title_en": "Salt-tolerant rice",
        "province": province_by_code(province_code),
        "agency": "Sở KH&CN",
        "programme": "",
        "start_year": 2025,
        "end_year": 2026,
        "budget_vnd": "1.000.000",
        "principal_investigator": "TS. A",
    }
    values.update(overrides)
    return TaskFields(**values)


def _count():
    return db.session.execute(db.select(db.func.count(FundedTask.id))).scalar_one()


def test_create_task_checks_the_province(app, users):
    with pytest.raises(PermissionDenied):
        create_task(users["other_board"], _fields("CT"))
    with pytest.raises(PermissionDenied):
        create_task(users["author"], _fields("AG"))
    assert _count() == 0

    task = create_task(users["other_board"], _fields("AG", code="ag-2025-01"))
    assert (task.code, task.budget_vnd) == ("AG-2025-01", 1_000_000)


INVALID_FIELDS = [
    {"start_year": 2026, "end_year": 2025},
    {"start_year": 1989},
    {"end_year": 2101},
    {"start_year": "2025"},
    {"start_year": True},
    {"title_en": " "},
    {"agency": ""},
    {"principal_investigator": "x" * 201},
    {"budget_vnd": "-1"},
    {"province": None},
]


def test_create_task_validates(app, users):
    for overrides in INVALID_FIELDS:
        with pytest.raises(TaskError):
            create_task(users["admin"], _fields(**overrides))
    assert _count() == 0


def test_create_task_refuses_a_duplicate_code(app, users):
    make_funded_task("CT-2025-01", "CT")

    with pytest.raises(DuplicateTaskCode):
        create_task(users["editor_in_chief"], _fields())
    assert _count() == 1


def test_update_task_keeps_editors_to_their_province(app, users):
    task = make_funded_task("CT-2024-01", "CT")

    with pytest.raises(PermissionDenied):
        update_task(users["province_editor"], task, _fields("AG", code="CT-2024-01"))
    with pytest.raises(PermissionDenied):
        update_task(users["other_board"], task, _fields("AG", code="CT-2024-01"))
    db.session.expire_all()
    assert db.session.get(FundedTask, task.id).province.code == "CT"

    update_task(users["admin"], task, _fields("AG", code="CT-2024-01", title_en="Moved"))
    db.session.expire_all()
    moved = db.session.get(FundedTask, task.id)
    assert (moved.province.code, moved.title_en) == ("AG", "Moved")


def test_search_tasks_for_the_picker(app):
    old = make_funded_task(
        "CT-2019-01", "CT", start_year=2019, end_year=2020, title_vi="Cá tra", title_en="Pangasius"
    )
    rice = make_funded_task(
        "AG-2024-01",
        "AG",
        start_year=2024,
        end_year=2025,
        title_vi="Lúa chịu mặn",
        title_en="Salt-tolerant rice",
    )
    shrimp = make_funded_task(
        "CM-2023-100%",
        "CM",
        start_year=2023,
        end_year=2024,
        title_vi="Tôm – rừng",
        title_en="Shrimp and mangroves",
    )

    assert search_tasks() == [rice, shrimp, old]  # newest first
    assert search_tasks("RICE") == [rice]
    assert search_tasks("tôm") == [shrimp]
    assert search_tasks("ct-2019") == [old]
    assert search_tasks("100%") == [shrimp]
    assert search_tasks("%") == [shrimp]  # a literal percent sign, not a wildcard
    assert search_tasks("_") == []
    assert search_tasks(province="AG") == [rice]
    assert search_tasks(province=province_by_code("CM")) == [shrimp]
    assert search_tasks(province=province_by_code("CT").id) == [old]
    assert search_tasks(province="ZZ") == []
    assert search_tasks(year=2024) == [rice, shrimp]
    assert search_tasks("a", limit=1) == [rice]
