"""Who may open the bridge's editorial and administration routes: every role × route."""

from __future__ import annotations

import pytest

from exchange_bridge import demand, offers, startups
from journal.provinces import province_by_code

from .factories import publish_funded_article, request_fields

ROLES = (
    "anonymous",
    "author",
    "other_author",
    "province_editor",
    "board_member",
    "other_board",
    "editor_in_chief",
    "admin",
)

# route → the roles that may use it; everyone else gets 403 (anonymous: the login page,
# or 404 where the page's existence is not revealed).
ALLOWED = {
    "GET /technologies/manage": {
        "author",
        "other_author",
        "province_editor",
        "board_member",
        "other_board",
        "editor_in_chief",
        "admin",
    },
    "GET /technologies/{offer}/edit": {"author", "province_editor", "editor_in_chief"},
    "POST /technologies/{offer}/approve": {"author", "province_editor", "editor_in_chief"},
    "POST /technologies/{offer}/withdraw": {"author", "province_editor", "editor_in_chief"},
    "GET /technologies/{offer}": {"author", "province_editor", "editor_in_chief"},
    "GET /startups/new": {"author", "province_editor", "other_board", "editor_in_chief"},
    "GET /startups/manage": {"province_editor", "other_board", "editor_in_chief"},
    "GET /startups/{startup}": {"author", "province_editor", "editor_in_chief"},
    "POST /startups/{startup}/approve": {"province_editor", "editor_in_chief"},
    "POST /startups/{startup}/withdraw": {"province_editor", "editor_in_chief"},
    "GET /experts/me": {
        "author",
        "other_author",
        "province_editor",
        "board_member",
        "other_board",
        "editor_in_chief",
        "admin",
    },
    "GET /requests/manage": {"province_editor", "other_board", "editor_in_chief"},
    "GET /requests/{request}": {"province_editor", "editor_in_chief"},
    "POST /requests/{request}/list": {"province_editor", "editor_in_chief"},
    "POST /requests/{request}/close": {"province_editor", "editor_in_chief"},
    "GET /bridge/deliveries": {"admin"},
    "GET /bridge/deliveries/{delivery}": {"admin"},
    "POST /bridge/deliveries/retry": {"admin"},
}
# Unlisted things are not revealed: 404 rather than 403.
HIDDEN = {"GET /technologies/{offer}", "GET /startups/{startup}", "GET /requests/{request}"}


@pytest.fixture
def objects(app, users):
    from exchange_bridge.models import Delivery
    from journal.extensions import db

    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = offers.offer_for(article)
    startup = startups.flag_startup(
        users["author"],
        startups.StartupFields(
            name="Mầm Xanh",
            founders="Nguyễn Văn An",
            province_id=province_by_code("CT").id,
            field="agriculture",
            stage="idea",
            article_ids=(article.id,),
        ),
    )
    request = demand.post_request(request_fields())
    delivery = Delivery(
        target="exchange",
        kind="technology_offer",
        subject_id=offer.id,
        action="upsert",
        idempotency_key="k-1",
        body="{}",
        status="dead",
    )
    db.session.add(delivery)
    db.session.commit()
    return {
        "offer": offer.id,
        "startup": startup.id,
        "request": request.id,
        "delivery": delivery.id,
    }


def _order(route: str) -> tuple:
    """Reading first, then changes; withdrawing and closing last (they end the others)."""
    method, path = route.split(" ", 1)
    last = path.endswith(("/withdraw", "/close"))
    return (method == "POST", last, path)


def test_roles_by_routes(app, users, login, objects):
    clients = {
        role: app.test_client() if role == "anonymous" else login(users[role]) for role in ROLES
    }
    for route in sorted(ALLOWED, key=_order):
        method, path = route.split(" ", 1)
        path = path.format(**objects)
        for role in ROLES:
            response = clients[role].open(path, method=method)
            status = response.status_code
            if role in ALLOWED[route]:
                assert status in (200, 302), (role, route, status)
                if status == 302:
                    assert "/account/login" not in response.headers["Location"], (role, route)
            elif route in HIDDEN:
                assert status == 404, (role, route, status)
            elif role == "anonymous":
                assert status == 302, (role, route, status)
                assert "/account/login" in response.headers["Location"], (role, route)
            else:
                assert status == 403, (role, route, status)
