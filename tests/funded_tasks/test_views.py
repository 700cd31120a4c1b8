"""The registry pages: creating, editing, listing; hostile input."""

from __future__ import annotations

import pytest

from journal.extensions import db
from journal.funded_tasks.models import FundedTask
from journal.provinces import province_by_code

from ..admin.clients import client_for
from ..factories import make_funded_task
from .test_access import NEW_CODE, task_form


def _tasks():
    return list(db.session.execute(db.select(FundedTask).order_by(FundedTask.id)).scalars())


def _post_new(app, users, role="province_editor", **overrides):
    return client_for(app, users, role).post("/tasks/new", data=task_form(**overrides))


@pytest.mark.parametrize(
    "typed", ["1.500.000.000", "1,500,000,000", "1500000000", " 1 500 000 000 "]
)
def test_budget_is_accepted_in_the_usual_notations(app, users, typed):
    response = _post_new(app, users, budget_vnd=typed)

    assert response.status_code == 302
    (task,) = _tasks()
    assert task.budget_vnd == 1_500_000_000
    page = client_for(app, users, "board_member").get(response.headers["Location"])
    assert "1.500.000.000" in page.text


def test_empty_budget_is_stored_as_unknown(app, users):
    assert _post_new(app, users, budget_vnd="").status_code == 302
    (task,) = _tasks()
    assert task.budget_vnd is None


def test_a_created_task_is_shown_with_both_titles_and_its_details(app, users):
    response = _post_new(app, users, code="ct.2025-09/đt")

    assert response.status_code == 302
    (task,) = _tasks()
    assert task.code == NEW_CODE
    page = client_for(app, users, "editor_in_chief").get(f"/tasks/{task.id}").text
    assert '<div lang="vi"><span class="lang-tag">VI</span> Nuôi cá tra' in page
    assert '<div lang="en"><span class="lang-tag">EN</span> Water-saving' in page
    assert "TS. Lê Thị Hạnh" in page
    assert "2025–2026" in page
    assert f"/tasks/{task.id}/edit" in page


@pytest.mark.parametrize(
    "budget",
    ["-5", "1,500.000", "100000000000000000000"],  # more cases in test_services
)
def test_bad_budget_is_refused(app, users, budget):
    response = _post_new(app, users, budget_vnd=budget)

    assert response.status_code == 400
    assert "budget" in response.text.lower()
    assert _tasks() == []


@pytest.mark.parametrize(
    ("start", "end"),
    [("2O24", "2026"), ("2024", "two"), ("1989", "2000"), ("", "2026"), ("9" * 20, "2026")],
)
def test_bad_years_are_refused(app, users, start, end):
    response = _post_new(app, users, start_year=start, end_year=end)

    assert response.status_code == 400
    assert "Enter a year between 1990 and 2100" in response.text
    assert _tasks() == []


def test_end_year_before_start_year_is_refused(app, users):
    response = _post_new(app, users, start_year="2026", end_year="2024")

    assert response.status_code == 400
    assert "The end year cannot be before the start year." in response.text
    assert _tasks() == []


@pytest.mark.parametrize("code", ["CT-2024-01", "ct-2024-01", " CT-2024-01 "])
def test_duplicate_task_code_is_refused(app, users, code):
    existing = make_funded_task("CT-2024-01", "CT")

    response = _post_new(app, users, code=code)

    assert response.status_code == 409
    assert "A funded task with this code already exists." in response.text
    assert [t.id for t in _tasks()] == [existing.id]


def test_editing_a_task_to_another_tasks_code_is_refused(app, users):
    make_funded_task("CT-2024-01", "CT")
    second = make_funded_task("CT-2024-02", "CT")

    response = client_for(app, users, "admin").post(
        f"/tasks/{second.id}/edit", data=task_form(second, code="CT-2024-01")
    )

    assert response.status_code == 409
    assert db.session.get(FundedTask, second.id).code == "CT-2024-02"


@pytest.mark.parametrize("code", ["CT 2024", "<b>x</b>", "C" * 65])  # more in test_services
def test_invalid_task_code_is_refused(app, users, code):
    response = _post_new(app, users, code=code)

    assert response.status_code == 400
    assert "<b>x</b>" not in response.text
    assert _tasks() == []


def test_titles_are_required_in_both_languages(app, users):
    response = _post_new(app, users, title_vi="  ", title_en="")

    assert response.status_code == 400
    assert "Give the title in Vietnamese." in response.text
    assert "Give the title in English." in response.text
    assert _tasks() == []


def test_script_in_titles_is_rendered_inert(app, users):
    hostile = '<script>alert("x")</script>'
    response = _post_new(app, users, title_vi=hostile, title_en=hostile + " en")
    assert response.status_code == 302
    (task,) = _tasks()
    assert task.title_vi == hostile  # stored as typed, escaped when shown
    client = client_for(app, users, "admin")

    for url in (f"/tasks/{task.id}", "/tasks/", f"/tasks/{task.id}/edit"):
        page = client.get(url).text
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;alert(" in page, url


def test_a_board_member_cannot_create_a_task_for_another_province(app, users):
    response = _post_new(app, users, role="other_board")

    assert response.status_code == 400
    assert "Choose one of the provinces offered." in response.text
    assert _tasks() == []


def test_a_board_member_creates_tasks_for_their_own_province(app, users):
    ag = province_by_code("AG")

    response = _post_new(app, users, role="other_board", province_id=str(ag.id))

    assert response.status_code == 302
    assert [t.province.code for t in _tasks()] == ["AG"]


def test_the_form_offers_only_the_users_provinces(app, users):
    page = client_for(app, users, "other_board").get("/tasks/new").text
    admin_page = client_for(app, users, "admin").get("/tasks/new").text

    assert "An Giang (AG)" in page
    assert "Can Tho (CT)" not in page
    assert all(f"({code})" in admin_page for code in ("AG", "CM", "CT", "KG"))


@pytest.mark.parametrize("province_id", ["abc", "", "99999"])
def test_junk_province_is_refused(app, users, province_id):
    response = _post_new(app, users, role="admin", province_id=province_id)

    assert response.status_code == 400
    assert "Choose one of the provinces offered." in response.text
    assert _tasks() == []


def test_a_province_editor_cannot_move_a_task_to_another_province(app, users):
    task = make_funded_task("CT-2024-01", "CT")
    ag = province_by_code("AG")

    response = client_for(app, users, "province_editor").post(
        f"/tasks/{task.id}/edit", data=task_form(task, province_id=str(ag.id))
    )

    assert response.status_code == 400
    assert db.session.get(FundedTask, task.id).province.code == "CT"


def test_edit_form_shows_the_budget_with_dots(app, users):
    task = make_funded_task("CT-2024-01", "CT", budget_vnd=2_350_000_000)

    page = client_for(app, users, "province_editor").get(f"/tasks/{task.id}/edit").text

    assert 'value="2.350.000.000"' in page
    assert 'value="CT-2024-01"' in page


def test_missing_task_is_404(app, users):
    client = client_for(app, users, "admin")

    assert client.get("/tasks/424242").status_code == 404
    assert client.get("/tasks/424242/edit").status_code == 404
    assert client.post("/tasks/424242/edit", data=task_form()).status_code == 404


def test_list_filters_by_province_year_and_text(app, users):
    make_funded_task("CT-2020-01", "CT", start_year=2020, end_year=2021, title_en="Old rice")
    make_funded_task("AG-2024-01", "AG", start_year=2024, end_year=2025, title_en="Fish")
    make_funded_task("CT-2024-03", "CT", start_year=2023, end_year=2025, title_en="Mangroves")
    client = client_for(app, users, "other_board")

    def codes(query):
        page = client.get("/tasks/" + query)
        assert page.status_code == 200
        return [c for c in ("CT-2020-01", "AG-2024-01", "CT-2024-03") if c in page.text]

    assert codes("") == ["CT-2020-01", "AG-2024-01", "CT-2024-03"]
    assert codes("?province=CT") == ["CT-2020-01", "CT-2024-03"]
    assert codes("?year=2024") == ["AG-2024-01", "CT-2024-03"]
    assert codes("?province=CT&year=2024") == ["CT-2024-03"]
    assert codes("?q=mangro") == ["CT-2024-03"]
    assert codes("?q=ag-2024") == ["AG-2024-01"]
    assert codes("?year=abc&province=<x>&q=%25") == []
    assert codes("?year=abc&province=ZZ") == ["CT-2020-01", "AG-2024-01", "CT-2024-03"]
