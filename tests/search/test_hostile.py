"""Malformed and hostile input: results or a clear error code, never an exception, never slow."""

import time

import pytest

from journal.search import SearchRequest
from journal.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query

HOSTILE_QUERIES = [
    '"lúa chịu mặn',
    'lúa "chịu',
    '"',
    '""',
    '"""',
    "AND",
    "OR",
    "NOT",
    "-",
    "- -",
    "--lúa",
    "lúa AND",
    "OR lúa",
    "lúa OR",
    "lúa NOT",
    "*",
    "**",
    "?",
    "lú*",
    "*:*",
    "author:",
    "author:*",
    ":",
    "foo:bar",
    "content:lúa",
    "id:a1",
    "__class__:x",
    "title_f:lua",
    "doi:",
    'doi:"',
    "task:%00",
    "(lúa",
    "lúa)",
    "[a TO z]",
    "lúa^1000",
    "lúa~2",
    "<script>alert(1)</script>",
    "\x00\x01\x02",
    "\u200b\u200b",
    "lúa\u0301",  # a stray combining mark
    "l\u0075\u0301a",  # decomposed (NFD) "lúa"
    "🐟 cá",
    "a" * 10_000,
    "lúa " * 2_500,
    '"' + "lúa " * 3_000 + '"',
    "-lúa -tôm",
    "NOT lúa",
    "author:" + "x" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_answer_quickly(engine, query):
    started = time.monotonic()
    results = engine.search(query)
    assert time.monotonic() - started < 1.0
    assert results.error in (None, "empty_query", "only_exclusions")
    assert results.total >= 0
    assert results.total == 0 or results.hits


def test_unbalanced_quote_searches_the_words(engine):
    results = engine.search('"lúa chịu mặn')
    assert results.hits[0].id == "a1"
    assert "unbalanced_quote" in results.notice_codes()


@pytest.mark.parametrize("query", ["AND", "OR", "NOT", "-", "*", "?", "", "   ", '""'])
def test_nothing_to_search_is_an_empty_query(engine, query):
    results = engine.search(query)
    assert results.error == "empty_query"
    assert results.hits == [] and results.total == 0


def test_only_exclusions_is_reported(engine):
    results = engine.search("-lúa -tôm")
    assert results.error == "only_exclusions"


def test_wildcards_are_ignored_with_a_notice(engine):
    results = engine.search("lú*")
    assert "wildcards_ignored" in results.notice_codes()
    assert results.error is None


def test_unknown_prefix_searches_the_value(engine):
    results = engine.search("foo:khóm")
    assert [h.id for h in results.hits] == ["a6"]
    assert ("unknown_field", "foo") in [(n.code, n.detail) for n in results.notices]
    # internal field names are not reachable
    assert "unknown_field" in engine.search("title_f:lua").notice_codes()


def test_long_query_is_cut(engine):
    results = engine.search("lúa " * 2_500)
    assert "query_truncated" in results.notice_codes()
    assert results.hits[0].id in {"a1", "a11", "a14"}
    parsed = parse_query("x" * 10_000)
    assert len(parsed.groups[0].clauses[0].words[0]) <= MAX_QUERY_CHARS


def test_repeated_words_are_searched_once():
    assert len(parse_query("lúa lúa LÚA lúa").groups) == 1
    assert len(parse_query("lúa -lúa").groups) == 2


def test_many_terms_are_cut(engine):
    parsed = parse_query(" ".join(f"w{i}" for i in range(100)))
    assert len(parsed.groups) == MAX_TERMS
    assert "too_many_terms" in [n.code for n in parsed.notices]


def test_decomposed_input_is_normalised(engine):
    assert engine.search("l\u0075\u0301a chi\u0323u ma\u0306\u0323n").hits[0].id == "a1"


@pytest.mark.parametrize(
    ("page", "expected_page", "notice"),
    [(-5, 1, True), (0, 1, True), ("abc", 1, True), (None, 1, True), (10**30, 10**30, True)],
)
def test_pages_out_of_range(engine, page, expected_page, notice):
    results = engine.search(SearchRequest("mekong", page=page))
    assert results.page == expected_page
    assert ("page_out_of_range" in results.notice_codes()) is notice
    if expected_page == 1:
        assert results.hits
    else:
        assert results.hits == [] and results.total == 15


def test_page_beyond_the_last(engine):
    results = engine.search(SearchRequest("mekong", page=4, page_size=5))
    assert results.hits == [] and results.total == 15
    assert "page_out_of_range" in results.notice_codes()


@pytest.mark.parametrize("size", [-1, 0, 10**9, "x"])
def test_page_size_is_clamped(engine, size):
    results = engine.search(SearchRequest("mekong", page_size=size))
    assert 1 <= results.page_size <= 50
    assert len(results.hits) <= results.page_size


@pytest.mark.parametrize(
    "filters",
    [
        {"province": ["<b>CT</b>"]},
        {"province": ["ZZ"]},
        {"year": ["'; DROP TABLE x; --"]},
        {"language": ["x" * 1000]},
        {"province": [None, 3, ["nested"]]},
        {"section": "research\x00"},
    ],
)
def test_facet_values_that_do_not_exist(engine, filters):
    results = engine.search(SearchRequest("mekong", filters=filters))
    assert results.error is None
    assert results.hits == [] or results.total > 0
    for facet, values in results.filters.items():
        for value in values:
            shown = {v.value: v for v in results.facets[facet]}
            assert shown[value].selected and shown[value].count == 0


def test_markup_in_facet_value_is_plain_data(engine):
    results = engine.search(SearchRequest("mekong", filters={"province": ["<b>CT</b>"]}))
    assert results.total == 0
    selected = [v for v in results.facets["province"] if v.selected]
    assert [v.value for v in selected] == ["<b>CT</b>"]
    assert type(selected[0].value) is str  # not Markup: templates escape it


def test_unknown_facet_and_sort(engine):
    results = engine.search(
        SearchRequest("mekong", filters={"colour": ["red"], "province": ["CT"]}, sort="random")
    )
    assert set(results.notice_codes()) >= {"unknown_facet", "unknown_sort"}
    assert results.sort == "relevance"
    assert results.total == 3


def test_non_mapping_filters_and_non_string_query(engine):
    assert engine.search(SearchRequest(None, filters=["x"])).error == "empty_query"
    assert engine.search(SearchRequest("mekong", filters="province=CT")).total == 15


def test_time_limit_returns_partial_results_with_a_notice(engine_name, tmp_path):
    from journal.search import open_engine

    from .corpus import CORPUS

    eng = open_engine(tmp_path / "s", engine_name, time_limit=0.0)
    eng.rebuild(CORPUS)
    results = eng.search("mekong")
    assert results.error is None
    assert "timed_out" in results.notice_codes()
    eng.close()
