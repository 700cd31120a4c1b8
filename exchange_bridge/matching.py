"""Matching a technology request against offers, articles and experts.

The journal's search engine (journal/search/) indexes published articles only and is not
yet fed by the application, so the bridge ranks candidates itself: TF-IDF weighted cosine
similarity over the folded words of each text (Vietnamese without diacritics, so "lúa"
and "lua" agree) and their two-word sequences (Vietnamese words are often two syllables:
"chịu mặn", "tôm rừng"). A shared field of application and province add a little.
Pure functions over plain data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from .text import folded

# Function words of both languages that carry no meaning for matching.
STOP_WORDS = frozenset(
    (
        "va",
        "cua",
        "cho",
        "cac",
        "nhung",
        "mot",
        "la",
        "o",
        "tai",
        "trong",
        "voi",
        "theo",
        "tu",
        "den",
        "tren",
        "duoc",
        "co",
        "khong",
        "nay",
        "do",
        "de",
        "ve",
        "nhu",
        "khi",
        "thi",
        "ma",
        "hay",
        "hoac",
        "vao",
        "ra",
        "se",
        "da",
        "dang",
        "bi",
        "boi",
        "cung",
        "rat",
        "nhieu",
        "it",
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "be",
        "this",
        "that",
        "these",
        "those",
        "we",
        "our",
        "it",
        "its",
        "into",
        "using",
        "use",
        "based",
        "new",
        "can",
    )
)
FIELD_BONUS = 0.1
PROVINCE_BONUS = 0.05
# Below this similarity a candidate shares only a word in passing: not a match.
MIN_SIMILARITY = 0.05


@dataclass(frozen=True)
class Candidate:
    kind: str  # "offer", "article", "expert"
    id: int
    text: str
    field: str | Sequence[str] = ""
    province_id: int | None = None


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float


def terms(text: str) -> list[str]:
    """Folded words without function words, plus each pair of neighbouring words."""
    words = [w for w in folded(text).split() if w not in STOP_WORDS and len(w) > 1]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def _vector(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vector = {t: (1 + math.log(n)) * idf.get(t, 0.0) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def rank(
    query: str,
    candidates: Iterable[Candidate],
    *,
    field: str = "",
    province_id: int | None = None,
    per_kind: int = 5,
) -> list[Match]:
    """The best ``per_kind`` candidates of each kind whose similarity with ``query`` is at
    least MIN_SIMILARITY, best first (ties by kind and id, so the order is stable)."""
    candidates = list(candidates)
    bags = [Counter(terms(c.text)) for c in candidates]
    query_bag = Counter(terms(query))
    if not query_bag:
        return []
    documents = len(bags) + 1
    frequency = Counter(t for bag in [*bags, query_bag] for t in bag)
    idf = {t: math.log(1 + documents / n) for t, n in frequency.items()}
    query_vector = _vector(query_bag, idf)
    found: dict[str, list[Match]] = {}
    for candidate, bag in zip(candidates, bags, strict=True):
        vector = _vector(bag, idf)
        similarity = sum(w * vector.get(t, 0.0) for t, w in query_vector.items())
        if similarity < MIN_SIMILARITY:
            continue
        fields = [candidate.field] if isinstance(candidate.field, str) else candidate.field
        score = similarity
        score += FIELD_BONUS if field and field in fields else 0
        score += PROVINCE_BONUS if province_id and candidate.province_id == province_id else 0
        found.setdefault(candidate.kind, []).append(Match(candidate, round(score, 6)))
    best = []
    for matches in found.values():
        matches.sort(key=lambda m: (-m.score, m.candidate.id))
        best.extend(matches[:per_kind])
    return sorted(best, key=lambda m: (-m.score, m.candidate.kind, m.candidate.id))
