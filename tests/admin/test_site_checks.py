"""The administration home page shows the installation checks of ``journal doctor`` to
administrators, and to no one else who reaches it."""

from __future__ import annotations

import pytest

from .clients import client_for


def test_administrators_see_the_checks_with_their_fixes(app, users, tmp_path):
    app.config.update(SCHEMAS_DIR=str(tmp_path / "no-schemas"), ISSN_ONLINE="2049-3630")

    page = client_for(app, users, "admin").get("/admin/")

    assert page.status_code == 200
    assert "Installation checks" in page.text
    for name in ("Database migrations", "File storage", "Pandoc", "WeasyPrint and fonts"):
        assert f'<th scope="row">{name}</th>' in page.text
    assert 'class="badge badge-warn">Warning</span>' in page.text  # the schemas
    assert "Run “journal schemas fetch”." in page.text
    assert "badge-fail" not in page.text
    assert '<th scope="row">Journal identity</th>' in page.text


def test_a_failing_check_shows_as_failed(app, users):
    app.config["BASE_URL"] = "https://elsewhere.example"

    page = client_for(app, users, "admin").get("/admin/")

    assert 'class="badge badge-fail">Failed</span>' in page.text
    assert "Add it to JOURNAL_TRUSTED_HOSTS" in page.text


@pytest.mark.parametrize("role", ["editor_in_chief", "province_editor", "board_member"])
def test_other_roles_reaching_the_page_do_not_see_them(app, users, role):
    page = client_for(app, users, role).get("/admin/")

    assert page.status_code == 200
    assert "Installation checks" not in page.text and "badge-ok" not in page.text
    assert app.extensions.get("journal.doctor") is None  # not even run for them
