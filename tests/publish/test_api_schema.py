"""The OpenAPI document is the contract: schemathesis generates requests for every operation
it describes (the journal's and the exchange listings'), with valid and invalid parameters,
and runs all its checks on the answers: no server error, status codes, content types,
headers and bodies as documented, invalid data refused, valid data accepted. Bounded in
time: a fixed number of examples per operation, generation only (no shrinking), no
deadline."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from .factories import make_issue, make_published_article

EXAMPLES = 10  # per operation and mode: the whole run stays within a minute


@pytest.fixture
def api_schema(app, users):
    issue = make_issue(1, 1, 2025, published=True)
    make_published_article(users["author"], issue=issue, first_page=1, last_page=4)
    make_published_article(users["author"], language="en", section="short", province="AG")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


def _without_cursor(case):
    if case.query:
        case.query.pop("cursor", None)
    return case


def _dates_in_order(case):
    """A usage report from a month after its last is refused (COUNTER exception 3020, tested
    in tests/usage/test_sushi.py); a schema cannot say that one parameter follows another."""
    query = case.query or {}
    begin, end = query.get("begin_date"), query.get("end_date")
    if isinstance(begin, str) and isinstance(end, str) and end[:7] < begin[:7]:
        query["begin_date"], query["end_date"] = end, begin
    return case


def _cases(operation, mode):
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is schemathesis.GenerationMode.POSITIVE:
        # Only the server makes valid cursors (signed, bound to the filters): a generated one
        # is rightly refused. Cursors are tested in tests/publish/test_api.py.
        strategy = strategy.map(_without_cursor).map(_dates_in_order)
    return strategy


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_every_operation_keeps_to_the_openapi_document(api_schema, mode):
    operations = _operations(api_schema)
    # (schemathesis leaves out the document's own address)
    assert {o.path for o in operations} == set(api_schema.raw_schema["paths"]) - {"/openapi.json"}
    paths = api_schema.raw_schema["paths"]
    for operation in operations:
        if mode is schemathesis.GenerationMode.NEGATIVE and not paths[operation.path]["get"].get(
            "parameters"
        ):
            continue  # nothing to make invalid

        @given(case=_cases(operation, mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same examples on every run: a finding is reproducible
        )
        def check(case):
            case.call_and_validate()

        check()
