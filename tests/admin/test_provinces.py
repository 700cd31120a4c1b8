"""Provinces: add, edit, one coordinating office, hostile codes."""

from __future__ import annotations

import pytest

from journal.extensions import db
from journal.provinces import (
    DuplicateProvince,
    Province,
    ProvinceError,
    add_province,
    normalize_province_code,
    province_by_code,
    update_province,
)

from .clients import client_for


def _count():
    return db.session.execute(db.select(db.func.count(Province.id))).scalar_one()


def _coordinating():
    return [
        p.code
        for p in db.session.execute(db.select(Province).filter_by(coordinating=True)).scalars()
    ]


def test_admin_adds_a_province_with_a_lowercase_code(app, users):
    client = client_for(app, users, "admin")

    response = client.post(
        "/admin/provinces/new",
        data={"code": " dt ", "name_vi": "Đồng Tháp", "name_en": "Dong Thap"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Province DT added." in response.text
    province = province_by_code("DT")
    assert (province.name_vi, province.name_en, province.coordinating) == (
        "Đồng Tháp",
        "Dong Thap",
        False,
    )
    assert '<td lang="vi">Đồng Tháp</td>' in response.text


def test_duplicate_province_code_is_refused_and_nothing_is_written(app, users):
    client = client_for(app, users, "admin")
    before = _count()

    response = client.post(
        "/admin/provinces/new", data={"code": "ct", "name_vi": "Cần Thơ 2", "name_en": "Can Tho 2"}
    )

    assert response.status_code == 409
    assert "A province with this code already exists." in response.text
    assert _count() == before
    assert province_by_code("CT").name_vi == "Cần Thơ"


@pytest.mark.parametrize("code", ["C1", "ABCDEFGHI", "<script>"])
def test_invalid_province_code_is_refused(app, users, code):
    client = client_for(app, users, "admin")
    before = _count()

    response = client.post(
        "/admin/provinces/new", data={"code": code, "name_vi": "Tỉnh mới", "name_en": "New"}
    )

    assert response.status_code == 400
    assert "The province code must be 2 to 8 letters" in response.text
    assert "<script>" not in response.text.split("<main", 1)[1]
    assert _count() == before


def test_province_names_are_required(app, users):
    client = client_for(app, users, "admin")

    response = client.post(
        "/admin/provinces/new", data={"code": "DT", "name_vi": " ", "name_en": ""}
    )

    assert response.status_code == 400
    assert "Give the name in Vietnamese." in response.text
    assert "Give the name in English." in response.text
    assert province_by_code("DT") is None


def test_a_new_coordinating_province_takes_the_flag(app, users):
    client = client_for(app, users, "admin")

    response = client.post(
        "/admin/provinces/new",
        data={"code": "DT", "name_vi": "Đồng Tháp", "name_en": "Dong Thap", "coordinating": "y"},
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert _coordinating() == ["DT"]


def test_editing_moves_the_coordinating_flag_and_keeps_the_code(app, users):
    client = client_for(app, users, "admin")

    response = client.post(
        "/admin/provinces/AG/edit",
        data={"code": "XX", "name_vi": "An Giang", "name_en": "An Giang", "coordinating": "y"},
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert _coordinating() == ["AG"]
    assert province_by_code("XX") is None
    assert province_by_code("AG").name_en == "An Giang"


def test_edit_form_is_prefilled(app, users):
    response = client_for(app, users, "admin").get("/admin/provinces/CT/edit")

    assert response.status_code == 200
    assert 'value="Can Tho"' in response.text
    assert 'name="code"' not in response.text


def test_unknown_province_is_404(app, users):
    client = client_for(app, users, "admin")

    assert client.get("/admin/provinces/ZZ/edit").status_code == 404
    assert client.get("/admin/provinces/ZZ/board").status_code == 404


def test_province_list_shows_board_sizes_and_links_by_role(app, users):
    admin_page = client_for(app, users, "admin").get("/admin/provinces").text
    eic_page = client_for(app, users, "editor_in_chief").get("/admin/provinces").text

    assert "/admin/provinces/CT/edit" in admin_page
    assert "/admin/provinces/new" in admin_page
    assert "/admin/provinces/CT/board" in eic_page
    assert "/admin/provinces/CT/edit" not in eic_page
    assert "/admin/provinces/new" not in eic_page
    assert "<td>2</td>" in eic_page  # Cần Thơ: a province editor and a board member


def test_services_refuse_duplicates_and_bad_names(app):
    with pytest.raises(DuplicateProvince):
        add_province("ag", "An Giang", "An Giang")
    with pytest.raises(ProvinceError):
        add_province("DT", "", "Dong Thap")
    with pytest.raises(ProvinceError):
        update_province(province_by_code("CT"), "x" * 121, "Can Tho", True)
    db.session.rollback()
    assert province_by_code("DT") is None
    assert province_by_code("CT").name_vi == "Cần Thơ"


def test_unsetting_the_coordinating_flag_leaves_no_coordinator(app):
    update_province(province_by_code("CT"), "Cần Thơ", "Can Tho", False)

    assert _coordinating() == []


@pytest.mark.parametrize("code", ["C", "C1", "ABCDEFGHI", "ĐT", "D-T", "", " ", "C\nT", "ＣＴ"])
def test_province_code_rules(code):
    with pytest.raises(ProvinceError):
        normalize_province_code(code)


def test_province_code_is_upper_cased():
    assert normalize_province_code(" dt ") == "DT"
    assert normalize_province_code("abcdefgh") == "ABCDEFGH"
