"""With CSRF protection on (as in production), a POST without the token is refused."""

from __future__ import annotations

import re

import pytest

from journal import create_app
from journal.extensions import db
from journal.funded_tasks.models import FundedTask
from journal.provinces import province_by_code
from journal.settings import JournalSetting

from ..conftest import IsolatedClient


@pytest.fixture
def csrf_app(app, app_config):
    protected = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    protected.test_client_class = IsolatedClient
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()  # its own engine: close its connections now, not at GC time


def _task_count():
    return db.session.execute(db.select(db.func.count(FundedTask.id))).scalar_one()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/provinces/new", {"code": "DT", "name_vi": "Đồng Tháp", "name_en": "Dong Thap"}),
        ("/admin/provinces/CT/board", {"email": "other@example.org", "role": "board_member"}),
        ("/admin/users", {"user_id": "1", "role": "admin", "action": "grant"}),
        ("/tasks/new", {"code": "CT-1", "title_vi": "Lúa", "title_en": "Rice"}),
        ("/admin/settings", {"ISSN_ONLINE": "2049-3630", "JOURNAL_TITLE_VI": "Tập san"}),
    ],
)
def test_post_without_token_is_400_and_writes_nothing(csrf_app, users, url, data):
    client = csrf_app.test_client(user=users["admin"])
    tasks_before = _task_count()

    response = client.post(url, data=data)

    assert response.status_code == 400
    assert "The form expired or was sent from another site." in response.text
    assert province_by_code("DT") is None
    assert _task_count() == tasks_before
    assert not users["other_author"].memberships
    assert db.session.execute(db.select(db.func.count(JournalSetting.key))).scalar_one() == 0


def test_post_with_the_token_goes_through(csrf_app, users):
    client = csrf_app.test_client(user=users["admin"])
    page = client.get("/admin/provinces/new")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)

    response = client.post(
        "/admin/provinces/new",
        data={"code": "DT", "name_vi": "Đồng Tháp", "name_en": "Dong Thap", "csrf_token": token},
    )

    assert response.status_code == 302
    assert province_by_code("DT") is not None
