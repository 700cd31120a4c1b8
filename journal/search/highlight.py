"""Highlighted titles and snippets: HTML-escaped text where only ``<mark>`` is markup.

Matching is done on folded words (and English stems), so a reader who typed "lua chiu
man" sees "lúa chịu mặn" marked in the text. Independent of the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from . import analysis

SNIPPET_WORDS = 36


class Highlighter:
    def __init__(self, query_words: Iterable[str]) -> None:
        exact = list(query_words)
        self.folded = {analysis.fold_word(w) for w in exact}
        self.stems = {analysis.stem_word(w) for w in self.folded}
        # Candidates are found by one regular expression over the folded text (in C), and
        # only they are checked word by word: the words of the query, and for English the
        # words beginning like a stem (a stem is a word's beginning but for its last letter:
        # "hoping" → "hope", "happy" → "happi").
        prefixes = sorted(self.folded, key=len, reverse=True)
        english = sorted({s[:-1] or s for s in self.stems} | self.folded, key=len, reverse=True)
        self.pattern = _candidates(prefixes, whole=True)
        self.english_pattern = _candidates(english, whole=False)

    def _is_match(self, exact_word: str, english: bool) -> bool:
        folded = analysis.fold_word(exact_word)
        if folded in self.folded:
            return True
        return english and analysis.stem_word(folded) in self.stems

    def _spans(self, text: str, english: bool) -> list[tuple[int, int, bool]]:
        return [
            (start, end, self._is_match(word, english))
            for start, end, word in analysis.word_spans(text)
        ]

    def _matches(self, text: str, english: bool) -> list[tuple[int, int, bool]]:
        """The matched words only, as (start, end, True)."""
        folded = analysis.fold(text.lower())
        if len(folded) != len(text):  # a letter that folds to two: word by word
            return [span for span in self._spans(text, english) if span[2]]
        pattern = self.english_pattern if english else self.pattern
        if pattern is None:
            return []
        limit = analysis.MAX_WORD_CHARS
        found = []
        for match in pattern.finditer(folded):
            word = match.group()[:limit]
            if word in self.folded or (english and analysis.stem_word(word) in self.stems):
                found.append((match.start(), match.end(), True))
        return found

    def title(self, text: str, english: bool = False) -> Markup:
        """The whole text, matches marked."""
        text = analysis.prepare_text(text)
        return _render(text, self._matches(text, english), 0, len(text))

    def snippet(self, text: str, english: bool = False, size: int = SNIPPET_WORDS) -> Markup:
        """About ``size`` words around the densest run of matches (or the start)."""
        text = analysis.prepare_text(text)
        if len(analysis.WORD_RE.findall(text)) <= size:
            return _render(text, self._matches(text, english), 0, len(text))
        words = len(analysis.WORD_RE.findall(text))
        matches = self._matches(text, english)
        width = len(text) * size // words  # the window, in characters
        start = 0
        if matches:
            # the match that starts the window holding the most matches
            best, most, j = 0, 0, 0
            for i, (begin, _end, _) in enumerate(matches):
                while j < len(matches) and matches[j][0] < begin + width:
                    j += 1
                if j - i > most:
                    best, most = i, j - i
            start = max(0, matches[best][0] - width // 6)
        start = min(start, max(0, len(text) - width))
        if start:
            space = _SPACE.search(text[:start][::-1])
            start = start - space.start() if space else 0
        end = start + width
        if end >= len(text):
            end = len(text)
        else:
            space = _SPACE.search(text, end)
            end = space.start() if space else len(text)
        window = [m for m in matches if m[0] >= start and m[1] <= end]
        rendered = _render(text, window, start, end)
        if start > 0:
            rendered = Markup("… ") + rendered
        if end < len(text):
            rendered = rendered + Markup(" …")
        return rendered


_SPACE = re.compile(r"\s")


def _candidates(words: list[str], whole: bool) -> re.Pattern | None:
    """Words of the folded text equal to (``whole``) or beginning with one of ``words``."""
    words = [w for w in words if w]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    tail = r"(?!\w)" if whole else r"\w*"
    return re.compile(rf"(?<!\w)(?:{alternatives}){tail}")


def _render(text: str, spans, start: int, end: int) -> Markup:
    parts: list[str] = []
    cursor = start
    for span_start, span_end, matched in spans:
        if not matched or span_start < start or span_end > end:
            continue
        parts.append(str(escape(text[cursor:span_start])))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(str(escape(text[cursor:end])))
    # Every piece of text was escaped above; the only markup is our <mark> elements.
    return Markup("".join(parts))  # noqa: S704
