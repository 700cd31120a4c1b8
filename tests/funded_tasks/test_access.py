"""Who may use which funded-task route: every route × every role.

The task used is Cần Thơ's. "other_board" (An Giang) reads the registry but may neither
create a Cần Thơ task (the province is not offered: form error, 400) nor edit one (403).
"""

from __future__ import annotations

import pytest
from flask import url_for

from journal.extensions import db
from journal.funded_tasks.models import FundedTask
from journal.provinces import province_by_code

from ..admin.clients import ROLES, play_row
from ..factories import make_funded_task

# method, endpoint,            anon, author, other_board, prov_editor, board_member, eic, admin
MATRIX = [
    ("GET", "funded_tasks.index", 302, 403, 200, 200, 200, 200, 200),
    ("GET", "funded_tasks.new", 302, 403, 200, 200, 200, 200, 200),
    ("POST", "funded_tasks.new", 302, 403, 400, 302, 302, 302, 302),
    ("GET", "funded_tasks.detail", 302, 403, 200, 200, 200, 200, 200),
    ("GET", "funded_tasks.edit", 302, 403, 403, 200, 200, 200, 200),
    ("POST", "funded_tasks.edit", 302, 403, 403, 302, 302, 302, 302),
]

NEW_CODE = "CT.2025-09/ĐT"


def task_form(task_or_none=None, **overrides):
    data = {
        "code": NEW_CODE,
        "title_vi": "Nuôi cá tra thâm canh tiết kiệm nước",
        "title_en": "Water-saving intensive pangasius farming",
        "province_id": str(province_by_code("CT").id),
        "agency": "Sở Khoa học và Công nghệ thành phố Cần Thơ",
        "programme": "",
        "start_year": "2025",
        "end_year": "2026",
        "budget_vnd": "1.200.000.000",
        "principal_investigator": "TS. Lê Thị Hạnh",
    }
    if task_or_none is not None:
        data.update(
            code=task_or_none.code,
            title_vi=task_or_none.title_vi,
            title_en=task_or_none.title_en,
            province_id=str(task_or_none.province_id),
            agency=task_or_none.agency,
            start_year=str(task_or_none.start_year),
            end_year=str(task_or_none.end_year),
            principal_investigator=task_or_none.principal_investigator,
        )
    data.update(overrides)
    return data


def _task(code):
    return db.session.execute(db.select(FundedTask).filter_by(code=code)).scalar_one_or_none()


def _requests(task):
    def new():
        db.session.execute(db.delete(FundedTask).where(FundedTask.code == NEW_CODE))
        db.session.commit()
        return url_for("funded_tasks.new"), task_form(), lambda: _task(NEW_CODE) is not None

    def edit():
        task.title_en = "Breeding salt-tolerant rice for coastal areas"
        db.session.commit()
        data = task_form(task, title_en="Salt-tolerant rice for the coast")
        return (
            url_for("funded_tasks.edit", task_id=task.id),
            data,
            lambda: db.session.get(FundedTask, task.id).title_en.startswith("Salt-tolerant"),
        )

    posts = {"funded_tasks.new": new, "funded_tasks.edit": edit}
    gets = {
        "funded_tasks.detail": lambda: (url_for("funded_tasks.detail", task_id=task.id), {}, None),
        "funded_tasks.edit": lambda: (url_for("funded_tasks.edit", task_id=task.id), {}, None),
    }
    return gets, posts


@pytest.mark.parametrize(
    ("method", "endpoint", "statuses"),
    [(m, e, s) for m, e, *s in MATRIX],
    ids=[f"{m}-{e}" for m, e, *_ in MATRIX],
)
def test_funded_task_route_access(app, users, method, endpoint, statuses):
    task = make_funded_task("CT-2024-01", "CT")
    gets, posts = _requests(task)
    table = posts if method == "POST" else gets
    make_request = table.get(endpoint, lambda: (url_for(endpoint), {}, None))

    outcome, expected = play_row(app, users, method, statuses, make_request)

    assert outcome == expected


def test_matrix_names_every_funded_task_route_and_method(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("funded_tasks.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, endpoint) for method, endpoint, *_ in MATRIX}
    assert all(len(row) == 2 + len(ROLES) for row in MATRIX)
