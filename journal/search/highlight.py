"""Highlighted titles and snippets: HTML-escaped text where only ``<mark>`` is markup.

Matching is done on folded words (and English stems), so a reader who typed "lua chiu
man" sees "lúa chịu mặn" marked in the text. Independent of the engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from . import analysis

SNIPPET_WORDS = 36


class Highlighter:
    def __init__(self, query_words: Iterable[str]) -> None:
        exact = list(query_words)
        self.folded = {analysis.fold_word(w) for w in exact}
        self.stems = {analysis.stem_word(w) for w in self.folded}

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

    def title(self, text: str, english: bool = False) -> Markup:
        """The whole text, matches marked."""
        text = analysis.prepare_text(text)
        return _render(text, self._spans(text, english), 0, len(text))

    def snippet(self, text: str, english: bool = False, size: int = SNIPPET_WORDS) -> Markup:
        """About ``size`` words around the densest run of matches (or the start)."""
        text = analysis.prepare_text(text)
        spans = self._spans(text, english)
        if len(spans) <= size:
            return _render(text, spans, 0, len(text))
        best_start, best_hits = 0, -1
        hits_in_window = sum(1 for s in spans[:size] if s[2])
        for first in range(len(spans) - size + 1):
            if first:
                hits_in_window += spans[first + size - 1][2] - spans[first - 1][2]
            if hits_in_window > best_hits:
                best_start, best_hits = first, hits_in_window
        if best_hits <= 0:
            best_start = 0
        window = spans[best_start : best_start + size]
        start = 0 if best_start == 0 else window[0][0]
        end = len(text) if best_start + size >= len(spans) else window[-1][1]
        rendered = _render(text, window, start, end)
        if start > 0:
            rendered = Markup("… ") + rendered
        if end < len(text):
            rendered = rendered + Markup(" …")
        return rendered


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
