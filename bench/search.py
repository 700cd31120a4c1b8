"""Search benchmark: whoosh engine vs SQLite FTS5 on the same generated bilingual corpus.

    python bench/search.py                 # 50,000 articles
    python bench/search.py --n 5000        # smaller
    python bench/search.py --body-words 3000 --n 2000   # realistic full-text length
    python bench/search.py --profile       # cProfile of the slowest whoosh queries

Prints the index build rate, warm query latency p50/p95 over a fixed list of 50 queries
(each query run --repeat times after one warm-up run; its median counts), the same on
SQLite FTS5 (tokenize="unicode61 remove_diacritics 2"), and the ratios. Targets: p95 ≤ 30 ms,
build ≥ 500 articles/s. The corpus is deterministic (--seed).

The whoosh side runs the engine's full search (query parsing, matching set, facet counts
over all matches, top 10 by relevance or date, highlighted snippets). The FTS5 side does the
equivalent SQL: the top 10 by bm25, and the facet values of every match counted.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journal.search import SearchDocument, SearchRequest, open_engine
from journal.search.query import normalize_doi, normalize_task, parse_query


def _wordlist(text: str) -> list[str]:
    return text.split()


PROVINCES = [
    ("AG", "An Giang", "An Giang"),
    ("BL", "Bạc Liêu", "Bac Lieu"),
    ("BT", "Bến Tre", "Ben Tre"),
    ("CM", "Cà Mau", "Ca Mau"),
    ("CT", "Cần Thơ", "Can Tho"),
    ("DT", "Đồng Tháp", "Dong Thap"),
    ("HG", "Hậu Giang", "Hau Giang"),
    ("KG", "Kiên Giang", "Kien Giang"),
    ("LA", "Long An", "Long An"),
    ("ST", "Sóc Trăng", "Soc Trang"),
    ("TG", "Tiền Giang", "Tien Giang"),
    ("TV", "Trà Vinh", "Tra Vinh"),
    ("VL", "Vĩnh Long", "Vinh Long"),
]
SECTIONS = ["research", "review", "short_communication", "policy"]
TOPICS = [
    ("lúa chịu mặn", "salt-tolerant rice"),
    ("nuôi tôm", "shrimp farming"),
    ("cá tra", "pangasius catfish"),
    ("rừng ngập mặn", "mangrove forest"),
    ("xâm nhập mặn", "saltwater intrusion"),
    ("biến đổi khí hậu", "climate change"),
    ("sầu riêng", "durian orchards"),
    ("bò thịt", "beef cattle"),
    ("đất phèn", "acid sulfate soil"),
    ("nước ngầm", "groundwater"),
    ("sạt lở bờ sông", "riverbank erosion"),
    ("năng lượng mặt trời", "solar energy"),
    ("khoai lang", "sweet potato"),
    ("dừa", "coconut"),
    ("xoài", "mango"),
    ("vịt chạy đồng", "free-range ducks"),
    ("ốc bươu vàng", "golden apple snail"),
    ("phân bón hữu cơ", "organic fertilizer"),
    ("thuốc bảo vệ thực vật", "pesticide use"),
    ("chuỗi giá trị", "value chain"),
    ("du lịch sinh thái", "ecotourism"),
    ("chuyển đổi số", "digital transformation"),
    ("khởi nghiệp", "startups"),
    ("vi khuẩn", "bacteria"),
    ("nấm men", "yeast"),
    ("ớt", "chili peppers"),
    ("bưởi da xanh", "green-skin pomelo"),
    ("cua biển", "mud crab"),
    ("lục bình", "water hyacinth"),
    ("rừng tràm", "melaleuca forest"),
    ("cá lóc", "snakehead fish"),
    ("mía đường", "sugarcane"),
    ("tôm càng xanh", "giant freshwater prawn"),
    ("hạn mặn", "drought and salinity"),
    ("giống lúa thơm", "aromatic rice varieties"),
]
VI_COMMON = _wordlist(
    """
    nghiên cứu kết quả của và các cho trong được với có là một những tại phát triển ảnh
    hưởng hiệu quả năng suất mô hình đánh giá giải pháp nông dân sản xuất vùng tỉnh huyện xã
    hộ thí nghiệm phương pháp phân tích chất lượng môi trường ở về đến từ theo cao thấp tăng
    giảm đồng bằng sông cửu long nước mặn ngọt mùa vụ thu hoạch lợi nhuận chi phí thị trường
    """
)
EN_COMMON = _wordlist(
    """
    the of and in to a for with study results effect yield farmers province mekong delta
    analysis quality model growth production households water soil was were is by on from
    this that these higher lower increase decrease season harvest profit cost market
    salinity
    """
)
FAMILY = _wordlist(
    """
    Nguyễn Trần Lê Phạm Huỳnh Hoàng Phan Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý
    """
)
MIDDLE = _wordlist(
    """
    Văn Thị Hoàng Minh Thanh Ngọc Quốc Hữu Đức Kim
    """
)
GIVEN = _wordlist(
    """
    An Bình Cường Dũng Đức Hà Hải Hùng Lan Linh Long Mai Nam Phúc Quang Sơn Tâm Thảo Trang
    Tuấn Vy Yến Khoa Nhân Ánh
    """
)
AFFILIATIONS = [
    "Trường Đại học Cần Thơ",
    "Viện Lúa Đồng bằng sông Cửu Long",
    "Trường Đại học An Giang",
    "Trường Đại học Kiên Giang",
    "Viện Nghiên cứu Nuôi trồng Thủy sản II",
    "Sở Khoa học và Công nghệ Cà Mau",
    "Trường Đại học Trà Vinh",
    "Viện Cây ăn quả miền Nam",
    "Trường Đại học Đồng Tháp",
    "Sở Nông nghiệp và Phát triển Nông thôn Sóc Trăng",
    "Can Tho University of Medicine and Pharmacy",
    "Wageningen University",
]
ONSETS = _wordlist(
    """
    b c ch d đ g gh h k kh l m n ng nh p ph qu r s t th tr v x
    """
)
RHYMES = _wordlist(
    """
    a ai am an ang anh ao au ay e em en eng i ia im in inh o oi om on ong u ui um un ung uy
    ưa ươ ươi ương ơ ơi ơn ê ên êu ô ôi ông
    """
)
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
EN_SUFFIXES = _wordlist(
    """
    tion ment ness ity ing ed er al ous ive
    """
)
EN_STEMS = _wordlist(
    """
    irrigat cultivat fertil harvest sediment nutri salin fisher aquacult ecolog sustain
    econom biomass nitrogen phosphor canal dike flood drought pest disease seed variet
    """
)


def _syllable(rng: random.Random) -> str:
    import unicodedata

    rhyme = rng.choice(RHYMES)
    tone = rng.choice(TONES)
    # put the tone mark on the first vowel: close enough for a benchmark vocabulary
    for i, ch in enumerate(rhyme):
        if ch in "aăâeêioôơuưy":
            rhyme = rhyme[: i + 1] + tone + rhyme[i + 1 :]
            break
    return unicodedata.normalize("NFC", rng.choice(ONSETS) + rhyme)


class Corpus:
    """Deterministic bilingual articles."""

    def __init__(self, n: int, seed: int = 2024, body_words: int = 300) -> None:
        self.n = n
        self.seed = seed
        self.body_words = body_words
        rng = random.Random(seed)
        tail_vi = sorted({_syllable(rng) for _ in range(6000)})
        tail_en = sorted({rng.choice(EN_STEMS) + rng.choice(EN_SUFFIXES) for _ in range(800)})
        self.vocab_vi = VI_COMMON + [w for t, _ in TOPICS for w in t.split()] + tail_vi
        self.vocab_en = EN_COMMON + [w for _, t in TOPICS for w in t.split()] + tail_en
        # Zipf weights: rank r has weight 1/r.
        self.cum_vi = _cumulative(len(self.vocab_vi))
        self.cum_en = _cumulative(len(self.vocab_en))

    def _words(self, rng, count, english):
        vocab, cum = (self.vocab_en, self.cum_en) if english else (self.vocab_vi, self.cum_vi)
        return rng.choices(vocab, cum_weights=cum, k=count)

    def article(self, i: int) -> SearchDocument:
        rng = random.Random(self.seed * 1_000_003 + i)
        topic, other = rng.sample(TOPICS, 2)
        code, name_vi, name_en = rng.choice(PROVINCES)
        year = 2008 + i % 18
        published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        language = "en" if rng.random() < 0.2 else "vi"
        title_vi = (
            f"{rng.choice(['Nghiên cứu', 'Đánh giá', 'Ảnh hưởng của', 'Giải pháp cho'])} "
            f"{topic[0]} {rng.choice(['tại', 'ở', 'vùng'])} {name_vi}"
        )
        title_en = (
            f"{rng.choice(['A study of', 'Assessment of', 'Effects of', 'Solutions for'])} "
            f"{topic[1]} in {name_en} province"
        )
        abstract_vi = " ".join(
            [
                topic[0],
                "và",
                other[0],
                *self._words(rng, 60, False),
                topic[0],
                name_vi,
                *self._words(rng, 40, False),
            ]
        )
        abstract_en = " ".join(
            [
                topic[1],
                "and",
                other[1],
                *self._words(rng, 60, True),
                topic[1],
                name_en,
                *self._words(rng, 40, True),
            ]
        )
        authors = tuple(
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            for _ in range(rng.randint(1, 5))
        )
        body = " ".join(
            [
                topic[0] if language == "vi" else topic[1],
                *self._words(rng, self.body_words, language == "en"),
            ]
        )
        task = f"{code}-{year}-{rng.randint(1, 30):02d}" if rng.random() < 0.4 else ""
        return SearchDocument(
            id=str(i + 1),
            title_vi=title_vi,
            title_en=title_en,
            abstract_vi=abstract_vi,
            abstract_en=abstract_en,
            keywords_vi=(topic[0], other[0], name_vi),
            keywords_en=(topic[1], other[1], name_en),
            authors=authors,
            affiliations=tuple(rng.sample(AFFILIATIONS, min(len(authors), 3))),
            full_text=body,
            province_code=code,
            province_name_vi=name_vi,
            province_name_en=name_en,
            section=SECTIONS[rng.randrange(len(SECTIONS))],
            year=year,
            language=language,
            task_code=task,
            doi=f"10.58000/mdj.{year}.{i + 1:05d}",
            published=published,
        )

    def __iter__(self):
        for i in range(self.n):
            yield self.article(i)


def _cumulative(size: int) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank
        out.append(total)
    return out


def queries(corpus: Corpus) -> list[tuple[str, dict, str]]:
    """Fifty (text, filters, sort): accents, no accents, common words, phrases, fields."""
    some = corpus.article(min(41, corpus.n - 1))
    with_task = next(
        (corpus.article(i) for i in range(min(corpus.n, 200)) if corpus.article(i).task_code),
        some,
    )
    plain = [
        "lúa chịu mặn",
        "lua chiu man",
        "nuôi tôm",
        "nuoi tom",
        "cá tra",
        "ca tra",
        "rừng ngập mặn",
        "xam nhap man",
        "biến đổi khí hậu",
        "bien doi khi hau",
        "đất phèn",
        "dat phen",
        "sầu riêng Cần Thơ",
        "nghiên cứu",
        "của",
        "và",
        "kết quả nghiên cứu",
        "đồng bằng sông cửu long",
        "the",
        "yield",
        "farmers",
        "nông dân năng suất",
        "Cần Thơ",
        "can tho",
        "CẦN THƠ",
        "Đồng Tháp",
        '"lúa chịu mặn"',
        '"salt-tolerant rice"',
        '"biến đổi khí hậu" Cà Mau',
        "author:Nguyễn",
        "author:tran van",
        "keyword:mangrove",
        f"task:{with_task.task_code}",
        f"doi:{some.doi}",
        "salinity",
        "shrimp farming",
        "mangrove forest",
        "acid sulfate soil",
        "climate change adaptation",
        "lúa salinity",
        "tôm shrimp",
        "sau rieeng",
        "lúa -tôm",
        "xoài OR bưởi",
        "ở",
        "ớt",
        "bò",
    ]
    out = [(q, {}, "relevance") for q in plain]
    out += [
        ("lúa", {"province": ["CT"]}, "relevance"),
        ("nghiên cứu", {"year": ["2020", "2021"], "language": ["vi"]}, "newest"),
        ("tôm", {}, "newest"),
    ]
    assert len(out) == 50, len(out)
    return out


# --- FTS5 reference ------------------------------------------------------------------------

FTS_COLUMNS = _wordlist(
    """
    title_vi title_en abstract_vi abstract_en keywords authors affiliations place body
    """
)


def fts_build(path: Path, corpus: Corpus) -> float:
    con = sqlite3.connect(path)
    con.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(FTS_COLUMNS)}, "
        'tokenize="unicode61 remove_diacritics 2")'
    )
    con.execute(
        "CREATE TABLE meta (id INTEGER PRIMARY KEY, province TEXT, year TEXT, section TEXT, "
        "language TEXT, published TEXT, doi TEXT, task TEXT)"
    )
    started = time.perf_counter()
    with con:
        for n, d in enumerate(corpus, start=1):
            con.execute(
                f"INSERT INTO docs(rowid, {', '.join(FTS_COLUMNS)}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    n,
                    d.title_vi,
                    d.title_en,
                    d.abstract_vi,
                    d.abstract_en,
                    "\n".join(d.keywords_vi + d.keywords_en),
                    "\n".join(d.authors),
                    "\n".join(d.affiliations),
                    f"{d.province_name_vi}\n{d.province_name_en}",
                    d.full_text,
                ),
            )
            con.execute(
                "INSERT INTO meta VALUES (?,?,?,?,?,?,?,?)",
                (
                    n,
                    d.province_code,
                    str(d.year),
                    d.section,
                    d.language,
                    d.published.isoformat(),
                    normalize_doi(d.doi),
                    normalize_task(d.task_code) if d.task_code else "",
                ),
            )
        con.execute("CREATE INDEX ix_meta_doi ON meta(doi)")
        con.execute("CREATE INDEX ix_meta_task ON meta(task)")
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def _fts_clause(clause) -> str:
    column = {"author": "authors", "keyword": "keywords", "title": "title_vi title_en"}
    words = " ".join('"' + w.replace('"', '""') + '"' for w in clause.words)
    expr = f'"{" ".join(clause.words)}"' if clause.phrase else words
    if clause.field in column:
        return "{" + column[clause.field] + "} : (" + expr + ")"
    return f"({expr})"


def fts_query(con, text, filters, sort):
    parsed = parse_query(text)
    ident = [c for g in parsed.positive for c in g.clauses if c.field in ("doi", "task")]
    where, params = [], []
    match_parts = []
    for group in parsed.positive:
        clauses = [c for c in group.clauses if c.field not in ("doi", "task")]
        if clauses:
            match_parts.append("(" + " OR ".join(_fts_clause(c) for c in clauses) + ")")
    for group in parsed.negative:
        match_parts.append("NOT " + " OR ".join(_fts_clause(c) for c in group.clauses))
    for clause in ident:
        where.append(f"m.{clause.field} = ?")
        params.append(clause.words[0])
    for name, values in filters.items():
        where.append(f"m.{name} IN ({','.join('?' * len(values))})")
        params.extend(values)
    if match_parts:
        match = " AND ".join(match_parts).replace("AND NOT", "NOT")
        base = "FROM docs JOIN meta m ON m.id = docs.rowid WHERE docs MATCH ?"
        params = [match, *params]
        order = "ORDER BY bm25(docs, 6, 6, 2, 2, 3, 3, 1, 2, 1)"
    else:
        base = "FROM meta m WHERE 1"
        order = "ORDER BY m.id"
    if where:
        base += " AND " + " AND ".join(where)
    if sort == "newest":
        order = "ORDER BY m.published DESC"
    top = con.execute(f"SELECT m.id {base} {order} LIMIT 10", params).fetchall()
    counts = {f: Counter() for f in ("province", "year", "section", "language")}
    total = 0
    for province, year, section, language in con.execute(
        f"SELECT m.province, m.year, m.section, m.language {base}", params
    ):
        total += 1
        counts["province"][province] += 1
        counts["year"][year] += 1
        counts["section"][section] += 1
        counts["language"][language] += 1
    return total, top


# --- running -------------------------------------------------------------------------------


CPU_TIMES: dict[str, list[float]] = {"whoosh": [], "fts5": []}


def timed_runs(fn, repeat: int, engine: str) -> float:
    """Median wall time (ms) of ``repeat`` runs after a warm-up; the median CPU time of this
    process is kept in CPU_TIMES too (less disturbed when the machine is shared)."""
    fn()  # warm-up
    samples, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    CPU_TIMES[engine].append(statistics.median(cpu))
    return statistics.median(samples)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="articles (default 50,000)")
    parser.add_argument("--body-words", type=int, default=300, help="full-text words")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--time-limit", type=float, default=5.0, help="engine time limit (s)")
    parser.add_argument("--dir", help="work directory (default: a temporary one, removed)")
    parser.add_argument("--skip-fts", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="query the indexes already in --dir (no build)"
    )
    parser.add_argument("--profile", action="store_true", help="profile the slowest queries")
    args = parser.parse_args(argv)

    import whoosh

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="searchbench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(args.n, args.seed, args.body_words)
    qs = queries(corpus)
    print(f"whoosh {whoosh.versionstring()} ({Path(whoosh.__file__).parent})")
    print(f"corpus: {args.n} articles, {args.body_words} full-text words each, seed {args.seed}")

    # The benchmark measures the engine, not its time limit: set it high.
    engine = open_engine(work / "whoosh", time_limit=args.time_limit)
    reuse = args.reuse and args.dir and engine.count() == args.n
    build_s = fts_s = None
    if not reuse:
        started = time.perf_counter()
        engine.rebuild(iter(corpus))
        build_s = time.perf_counter() - started
        print(
            f"whoosh build: {build_s:.1f} s, {args.n / build_s:.0f} articles/s, "
            f"index {dir_size(work / 'whoosh') / 1e6:.0f} MB"
        )

    rows = []
    for text, filters, sort in qs:
        request = SearchRequest(text=text, filters=filters, sort=sort)
        result = engine.search(request)
        ms = timed_runs(lambda r=request: engine.search(r), args.repeat, "whoosh")
        rows.append([text, filters, sort, result.total, ms, result.notice_codes()])

    fts = None
    if not args.skip_fts:
        fts_path = work / "fts.sqlite3"
        if not (reuse and fts_path.exists()):
            fts_path.unlink(missing_ok=True)
            fts_s = fts_build(fts_path, corpus)
            print(
                f"fts5 build:   {fts_s:.1f} s, {args.n / fts_s:.0f} articles/s, "
                f"db {fts_path.stat().st_size / 1e6:.0f} MB"
            )
        con = sqlite3.connect(fts_path)
        fts = []
        for row in rows:
            text, filters, sort = row[:3]
            total, _ = fts_query(con, text, filters, sort)
            ms = timed_runs(
                lambda t=text, f=filters, s=sort: fts_query(con, t, f, s), args.repeat, "fts5"
            )
            row += [total, ms]
            fts.append(ms)
        con.close()

    print()
    header = f"{'query':<34} {'filters/sort':<24} {'whoosh hits':>11} {'ms':>8}"
    if fts is not None:
        header += f" {'fts5 hits':>9} {'ms':>7}"
    print(header)
    for row in rows:
        extra = ",".join(f"{k}={'|'.join(v)}" for k, v in row[1].items())
        if row[2] != "relevance":
            extra = (extra + " " if extra else "") + row[2]
        line = f"{row[0][:34]:<34} {extra[:24]:<24} {row[3]:>11} {row[4]:>8.1f}"
        if fts is not None:
            line += f" {row[6]:>9} {row[7]:>7.1f}"
        if row[5]:
            line += "  " + ",".join(row[5])
        print(line)

    whoosh_ms = [r[4] for r in rows]
    p50, p95 = percentile(whoosh_ms, 50), percentile(whoosh_ms, 95)
    print()
    timed_out = sum(1 for r in rows if "timed_out" in r[5])
    line = (
        f"whoosh: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(whoosh_ms):.1f} ms "
        f"(target p95 <= 30 ms: {'met' if p95 <= 30 else 'MISSED'}; "
        f"{timed_out} queries hit the {args.time_limit:g} s time limit)"
    )
    if build_s:
        rate = args.n / build_s
        line += f"; build {rate:.0f}/s (target >= 500/s: {'met' if rate >= 500 else 'MISSED'})"
    print(line)
    if fts is not None:
        f50, f95 = percentile(fts, 50), percentile(fts, 95)
        print(f"fts5:   p50 {f50:.2f} ms, p95 {f95:.2f} ms, max {max(fts):.2f} ms")
        ratio = (
            f"ratio whoosh/fts5: p50 {p50 / max(f50, 1e-6):.1f}x, p95 {p95 / max(f95, 1e-6):.1f}x"
        )
        if build_s and fts_s:
            ratio += f", build time {build_s / fts_s:.1f}x"
        print(ratio)

    cpu_line = "cpu time:"
    for name, values in CPU_TIMES.items():
        if values:
            cpu_line += (
                f" {name} p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} ms;"
            )
    print(cpu_line + f" load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")

    if args.profile:
        slowest = sorted(rows, key=lambda r: -r[4])[:5]
        profiler = cProfile.Profile()
        profiler.enable()
        for row in slowest:
            for _ in range(3):
                engine.search(SearchRequest(text=row[0], filters=row[1], sort=row[2]))
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())

    engine.close()
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
