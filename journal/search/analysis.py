"""Vietnamese-aware text analysis: normalisation, accent folding, tokens, English stems.

Three forms of every word are used:

* the exact form: Unicode NFC, lower case ("lúa", "cá", "đồng");
* the folded form: the exact form with combining marks stripped and ``đ`` → ``d``
  ("lua", "ca", "dong"), so readers typing without diacritics still find;
* for English text, the folded form stemmed ("farmers" → "farmer", "salinity" → "salin").

No word is dropped for being short and there is no stop-word list: Vietnamese syllables
such as "cá", "bò", "ở" or "ớt" are words in their own right.

The functions here are plain Python; :mod:`journal.search.whoosh_backend` wraps them in
whoosh analyzers, and the highlighter and the query parser use them directly, so the three
always agree on what a word is. :mod:`journal.search.tantivy_backend` builds the same
three forms with tantivy's own filters (lower case, ASCII folding, which also maps đ → d,
and the English Snowball stemmer), used alike on the indexed text and on the query's words.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

# A word: a run of letters, digits or underscores (Python's \w is Unicode-aware). Text is
# NFC-normalised first, so precomposed Vietnamese letters are single \w characters.
WORD_RE = re.compile(r"\w+")

# Longest word kept (longer runs are cut): no language has 64-letter words, and it keeps
# pathological input from producing huge terms.
MAX_WORD_CHARS = 64


def _build_fold_table() -> dict[int, str | None]:
    """Translation table: every precomposed Latin letter → its base letter(s); marks → None."""
    table: dict[int, str | None] = {}
    ranges = [(0x00C0, 0x0250), (0x1E00, 0x1F00)]
    for start, stop in ranges:
        for code in range(start, stop):
            char = chr(code)
            decomposed = unicodedata.normalize("NFD", char)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            if base != char and base:
                table[code] = base
    for code in range(0x0300, 0x0370):  # stray combining marks (text that was not NFC)
        table[code] = None
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    table[ord("ð")] = "d"
    return table


_FOLD_TABLE = _build_fold_table()


def normalize(text: str) -> str:
    """NFC and lower case: the exact form of a text."""
    return unicodedata.normalize("NFC", text).lower()


def fold(text: str) -> str:
    """Strip diacritics and map đ → d. Expects lower-cased NFC text (but copes with any)."""
    folded = text.translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    # Letters outside the table (other scripts): generic decomposition.
    decomposed = unicodedata.normalize("NFD", folded)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@lru_cache(maxsize=50_000)
def fold_word(word: str) -> str:
    """fold() with a cache: the vocabulary is small, words repeat a lot."""
    return sys.intern(fold(word))


def words(text: str) -> list[str]:
    """The exact forms of the words of ``text``, in order."""
    return [m.group()[:MAX_WORD_CHARS] for m in WORD_RE.finditer(normalize(text))]


def word_spans(text: str):
    """(start, end, exact form) for every word of an NFC text, offsets into ``text``."""
    for match in WORD_RE.finditer(text):
        yield match.start(), match.end(), match.group().lower()[:MAX_WORD_CHARS]


@lru_cache(maxsize=50_000)
def stem_word(folded_word: str) -> str:
    """English stem of a folded word (Porter, as whoosh's StemFilter uses)."""
    from whoosh.lang.porter import stem

    return sys.intern(stem(folded_word))


def prepare_text(text: str | None) -> str:
    """What is indexed and stored: NFC (offsets of stored text then match the tokens)."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text)
