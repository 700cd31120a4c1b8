"""Roles × routes of the search area: who reaches which search page, and every route of the
area is in the table."""

from __future__ import annotations

import pytest

ROUTES = {
    "search.results": "/search?q=lua",
    "search.submissions": "/search/submissions?q=lua",
    "api.search": "/api/v1/search?q=lua",
}
ROLES = (
    "anonymous",
    "author",
    "other_author",
    "board_member",
    "province_editor",
    "other_board",
    "editor_in_chief",
    "admin",
)
STAFF = {"board_member", "province_editor", "other_board", "editor_in_chief"}


def expected(endpoint: str, role: str) -> int:
    if endpoint != "search.submissions":
        return 200
    if role == "anonymous":
        return 302
    return 200 if role in STAFF else 403


def test_every_search_route_is_in_the_table(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("search.") or rule.endpoint == "api.search"
    }
    assert endpoints == set(ROUTES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_roles_by_routes(app, client, users, login, role, endpoint):
    visitor = client if role == "anonymous" else login(users[role])
    response = visitor.get(ROUTES[endpoint])
    assert response.status_code == expected(endpoint, role), (role, endpoint)
