"""Vietnamese queries against the fixture corpus: accents or none, đ/d, short syllables,
province and author names, English stems, phrases and field prefixes."""

from collections import Counter

import pytest
from markupsafe import Markup

from journal.search import SearchRequest

from .corpus import BY_ID, CORPUS

# query → the article that must be among the first results
CASES = [
    ("lúa chịu mặn", "a1"),
    ("lua chiu man", "a1"),
    ("LÚA CHỊU MẶN", "a1"),
    ("lúa chiu man", "a1"),
    ("Lua Chịu man", "a1"),
    ('"lúa chịu mặn"', "a1"),
    ('"lua chiu man"', "a1"),
    ("xâm nhập mặn", "a1"),
    ("Sóc Trăng", "a1"),
    ("soc trang", "a1"),
    ("Cần Thơ quy hoạch", "a5"),
    ("can tho quy hoach", "a5"),
    ("CẦN THƠ QUY HOẠCH", "a5"),
    ("cần tho do thi", "a5"),
    ("đất phèn", "a6"),
    ("dat phen", "a6"),
    ("Đất Phèn", "a6"),
    ("Đồng Tháp cá tra", "a2"),
    ("dong thap ca tra", "a2"),
    ("bò thịt", "a3"),
    ("bo thit", "a3"),
    ("ô nhiễm", "a3"),
    ("o nhiem", "a3"),
    ("y tế", "a3"),
    ("ớt", "a10"),
    ("ot bo tri", "a10"),
    ("sầu riêng", "a9"),
    ("sau rieng", "a9"),
    ("rừng ngập mặn Cà Mau", "a8"),
    ("rung ngap man ca mau", "a8"),
    ("Trần Văn Đức", "a1"),
    ("tran van duc", "a1"),
    ("author:Đức", "a1"),
    ("author:duc", "a1"),
    ("author:ngo", "a8"),
    ("Đặng Đình Dũng", "a6"),
    ("dang dinh dung", "a6"),
    ("farmers catfish", "a2"),
    ("farmer", "a2"),
    ("protection forest", "a7"),
    ("protects", "a7"),
    ("salinity", "a1"),
    ("salt-tolerant rice", "a1"),
    ('"salt-tolerant rice"', "a1"),
    ("keyword:salinity", "a1"),
    ('keyword:"rừng ngập mặn"', "a8"),
    ("keyword:rung", "a7"),
    ("title:khóm", "a6"),
    ("task:ST-2022-03", "a1"),
    ("task:st-2022-03", "a1"),
    ("doi:10.58000/MDJ.2023.001", "a1"),
    ("doi:https://doi.org/10.58000/mdj.2023.001", "a1"),
    ("tôm lúa Bạc Liêu", "a14"),
    ("tom lua bac lieu", "a14"),
    ("điện mặt trời", "a13"),
    ("dien mat troi", "a13"),
    ("households solar", "a13"),
    ("du lịch OR ecotourism", "a12"),
    ("vịt -lúa", None),
]


def ids(results):
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
def test_query_finds_article(engine, query, expected):
    results = engine.search(query)
    assert results.error is None
    if expected is None:
        assert results.total == 0
    else:
        assert expected in ids(results)[:3], (query, ids(results))


def test_table_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("query", "first", "also"),
    [
        # the exact word ranks above words that only match once accents are stripped
        ("lúa", "a1", "a11"),  # lúa (rice) before lùa (to herd)
        ("lùa", "a11", "a1"),
        ("cá", "a2", "a4"),  # cá (fish) before cà (tomato)
        ("cà", "a4", "a2"),
        ("Đức", "a1", "a11"),  # Trần Văn Đức before Trần Duc Minh
    ],
)
def test_accented_matches_rank_first(engine, query, first, also):
    found = ids(engine.search(SearchRequest(query, page_size=20)))
    assert first in found and also in found, found
    assert found.index(first) < found.index(also), found


@pytest.mark.parametrize(("accented", "folded"), [("lúa", "lua"), ("cá", "ca"), ("đức", "duc")])
def test_unaccented_query_finds_every_accented_variant(engine, accented, folded):
    with_accents = set(ids(engine.search(SearchRequest(accented, page_size=50))))
    without = set(ids(engine.search(SearchRequest(folded, page_size=50))))
    assert with_accents <= without
    assert len(without) >= 2


def test_short_syllables_are_words(engine):
    # "ở" is a one-letter word: articles with "ở" are found, and nothing requires 3 letters
    expected = {d.id for d in CORPUS if " ở " in f" {d.title_vi} {d.abstract_vi} {d.full_text} "}
    found = set(ids(engine.search(SearchRequest("ở", page_size=50))))
    assert expected and expected <= found


def test_words_are_anded(engine):
    assert ids(engine.search("lúa Cà Mau")) == []
    assert set(ids(engine.search("lúa Bạc Liêu"))) == {"a14"}


def test_phrase_requires_adjacent_words(engine):
    assert ids(engine.search('"mặn chịu"')) == []
    assert ids(engine.search("mặn chịu"))[:1] == ["a1"]


def test_exclusion(engine):
    with_rice = set(ids(engine.search(SearchRequest("lúa", page_size=50))))
    without_shrimp = set(ids(engine.search(SearchRequest("lúa -tôm", page_size=50))))
    assert "a14" in with_rice and "a14" not in without_shrimp
    assert without_shrimp == with_rice - {"a14"}


def test_author_prefix_searches_authors_only(engine):
    # "Lan" is an author of a1 and a14 but appears in no text of other articles
    assert set(ids(engine.search("author:lan"))) == {"a1", "a14"}
    # "Cần Thơ" is in a5's text but no author is called that
    assert ids(engine.search('author:"Cần Thơ"')) == []


def test_highlights_mark_folded_matches_and_escape(engine):
    hit = engine.search("lua chiu man").hits[0]
    assert hit.id == "a1"
    title = hit.highlights["title_vi"]
    assert isinstance(title, Markup)
    assert "<mark>lúa</mark> <mark>chịu</mark> <mark>mặn</mark>" in title
    english = engine.search("protection").hits[0].highlights["abstract_en"]
    assert "<mark>protection</mark>" in english


def test_highlight_escapes_markup_in_text(engine_name, tmp_path):
    from journal.search import SearchDocument, open_engine

    eng = open_engine(tmp_path / "s", engine_name)
    title = 'Cá <script>alert("x")</script> & tôm'
    eng.index([SearchDocument("x", title_vi=title, abstract_vi="<b>cá</b>")])
    hit = eng.search("cá").hits[0]
    assert hit.highlights["title_vi"] == Markup(
        "<mark>Cá</mark> &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; tôm"
    )
    assert hit.highlights["abstract_vi"] == Markup("&lt;b&gt;<mark>cá</mark>&lt;/b&gt;")
    eng.close()


def test_facet_counts_match_the_corpus(engine):
    results = engine.search(SearchRequest("mekong", page_size=50))
    assert results.total == len(CORPUS)
    for facet, attribute in [
        ("province", "province_code"),
        ("section", "section"),
        ("language", "language"),
        ("year", "year"),
    ]:
        expected = Counter(str(getattr(d, attribute)) for d in CORPUS)
        got = {v.value: v.count for v in results.facets[facet]}
        assert got == expected, facet


def test_facets_narrow_and_count_over_the_other_filters(engine):
    results = engine.search(SearchRequest("mekong", filters={"province": ["CT", "KG"]}))
    expected_ids = {d.id for d in CORPUS if d.province_code in ("CT", "KG")}
    assert results.total == len(expected_ids)
    assert {h.id for h in results.hits} <= expected_ids
    # the province facet still shows every province (its own filter does not narrow it)
    provinces = {v.value: (v.count, v.selected) for v in results.facets["province"]}
    assert provinces["CT"] == (3, True) and provinces["KG"] == (2, True)
    assert provinces["AG"] == (2, False)
    # other facets count within the selected provinces
    years = {v.value: v.count for v in results.facets["year"]}
    assert years == Counter(str(BY_ID[i].year) for i in expected_ids)

    narrowed = engine.search(
        SearchRequest("mekong", filters={"province": ["CT"], "year": ["2024"]})
    )
    assert {h.id for h in narrowed.hits} == {"a13"}
    assert narrowed.total == 1


def test_sort_newest_and_pagination(engine):
    newest = engine.search(SearchRequest("mekong", sort="newest", page_size=5))
    by_date = sorted(CORPUS, key=lambda d: d.published, reverse=True)
    assert ids(newest) == [d.id for d in by_date[:5]]
    page2 = engine.search(SearchRequest("mekong", sort="newest", page=2, page_size=5))
    assert ids(page2) == [d.id for d in by_date[5:10]]
    assert [h.rank for h in page2.hits] == [6, 7, 8, 9, 10]
    assert newest.pages == 3
    relevance = [engine.search(SearchRequest("mekong", page=p, page_size=4)) for p in (1, 2, 3, 4)]
    seen = [i for r in relevance for i in ids(r)]
    assert sorted(seen) == sorted(d.id for d in CORPUS)


def test_did_you_mean_from_the_folded_vocabulary(engine):
    results = engine.search("sau rieeng")
    assert results.total == 0
    assert results.suggestion == "sau rieng"
    assert engine.search(results.suggestion).hits[0].id == "a9"
    assert engine.search("lúa chịu mặn").suggestion is None
    assert engine.search("qqqqqzzzz").suggestion is None


def test_hit_fields_for_display(engine):
    hit = engine.search("doi:10.58000/mdj.2023.044").hits[0]
    assert hit.id == "a12"
    assert hit.fields["title_vi"] == "Du lịch sinh thái ở Phú Quốc"
    assert hit.fields["province_code"] == "KG"
    assert hit.fields["published"] == "2023-10-01"
    assert hit.rank == 1 and hit.score >= 0
