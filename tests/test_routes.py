"""Every route with an integer in its URL answers 404 for ids beyond the databases'
BIGINT (2^63 and above), never a 500 from the database driver."""

from __future__ import annotations

from werkzeug.routing import AnyConverter, IntegerConverter

from journal import MAX_URL_ID


def _integer_routes(app):
    """(rule, URL with ``id_value`` for every integer argument, method) for every route."""
    adapter = app.url_map.bind("localhost")

    def build(rule, id_value):
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                values[name] = id_value
            elif isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            else:
                values[name] = "x"
        return adapter.build(rule.endpoint, values, method=None, force_external=False)

    for rule in app.url_map.iter_rules():
        if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule, build, method


def test_ids_beyond_bigint_are_not_found_on_every_route(app, users):
    routes = list(_integer_routes(app))
    assert len(routes) >= 36
    clients = {
        "anonymous": app.test_client(),
        "editor_in_chief": app.test_client(user=users["editor_in_chief"]),
    }
    failures = []
    for rule, build, method in routes:
        for too_big in (MAX_URL_ID + 1, 10**30):
            url = build(rule, too_big)
            for who, client in clients.items():
                response = client.open(url, method=method)
                if response.status_code != 404:
                    failures.append(f"{method} {url} as {who}: {response.status_code}")
                response.close()
    assert failures == []


def test_the_largest_id_is_routed_and_finds_nothing(app, users):
    client = app.test_client(user=users["editor_in_chief"])
    failures = []
    for rule, build, method in _integer_routes(app):
        if method != "GET":
            continue
        response = client.get(build(rule, MAX_URL_ID))
        if response.status_code >= 500:
            failures.append(f"{rule.rule}: {response.status_code}")
        response.close()
    assert failures == []


def test_the_pattern_bound_is_exact():
    import re

    from journal import BoundedIntegerConverter

    pattern = re.compile(f"(?:{BoundedIntegerConverter.regex})")
    for n in (0, 7, 10**9 - 1, 10**9, MAX_URL_ID - 1, MAX_URL_ID, 2123456789):
        assert pattern.fullmatch(str(n)), n
    assert pattern.fullmatch("007")
    for n in (MAX_URL_ID + 1, 2147483650, 2200000000, 10**10, 2**63, 10**30):
        assert not pattern.fullmatch(str(n)), n
