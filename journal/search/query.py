"""The reader's query language, parsed into plain data every engine can translate.

    lúa chịu mặn               words: all must match (AND), with or without accents
    "lúa chịu mặn"             a phrase
    lúa OR tôm                 either word
    -tôm   NOT tôm             exclude
    author:Nguyễn  keyword:"rừng ngập mặn"  title:tôm
    doi:10.1234/mdj.2024.001   task:CT-2023-05     exact identifiers

Anything else is read as words: unknown prefixes ("foo:bar") become the words "foo bar",
wildcards are ignored, unbalanced quotes are closed at the end. Input is cut to
:data:`MAX_QUERY_CHARS` characters and :data:`MAX_TERMS` terms, so no query is slow
because it is long. Nothing here raises on any string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import analysis
from .engine import (
    OPERATOR_IGNORED,
    QUERY_TRUNCATED,
    TOO_MANY_TERMS,
    UNBALANCED_QUOTE,
    UNKNOWN_FIELD,
    WILDCARDS_IGNORED,
    Notice,
)

MAX_QUERY_CHARS = 256
MAX_TERMS = 16
MAX_IDENTIFIER_CHARS = 128

# Prefix → logical field. Vietnamese aliases for readers who type in Vietnamese.
FIELD_ALIASES = {
    "author": "author",
    "authors": "author",
    "tacgia": "author",
    "keyword": "keyword",
    "keywords": "keyword",
    "tukhoa": "keyword",
    "title": "title",
    "nhande": "title",
    "doi": "doi",
    "task": "task",
    "nhiemvu": "task",
}
IDENTIFIER_FIELDS = ("doi", "task")

_PREFIX_RE = re.compile(r"(\w+):(?=\S)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})


@dataclass(frozen=True)
class Clause:
    """One thing to match. ``field`` is None (all text), author, keyword, title, doi or task.

    ``words`` are exact forms (NFC, lower case); for doi and task, the one normalised
    identifier. ``phrase`` means the words must be adjacent and in order.
    """

    field: str | None
    words: tuple[str, ...]
    phrase: bool = False

    def as_text(self) -> str:
        value = " ".join(self.words)
        if self.phrase:
            value = f'"{value}"'
        return f"{self.field}:{value}" if self.field else value


@dataclass(frozen=True)
class Group:
    """Alternatives joined by OR; a negated group excludes what it matches."""

    clauses: tuple[Clause, ...]
    negated: bool = False

    def as_text(self) -> str:
        text = " OR ".join(c.as_text() for c in self.clauses)
        return (
            f"-{text}"
            if self.negated and len(self.clauses) == 1
            else (f"NOT ({text})" if self.negated else text)
        )


@dataclass
class ParsedQuery:
    groups: list[Group] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def positive(self) -> list[Group]:
        return [g for g in self.groups if not g.negated]

    @property
    def negative(self) -> list[Group]:
        return [g for g in self.groups if g.negated]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def text_words(self) -> list[str]:
        """Exact forms of the positive words searched as text (for highlighting, spelling)."""
        out = []
        for group in self.positive:
            for clause in group.clauses:
                if clause.field not in IDENTIFIER_FIELDS:
                    out.extend(clause.words)
        return out

    def as_text(self) -> str:
        return " ".join(g.as_text() for g in self.groups)


def normalize_doi(value: str) -> str:
    value = value.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value[:MAX_IDENTIFIER_CHARS]


def normalize_task(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip().upper()[:MAX_IDENTIFIER_CHARS]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub(" ", text).translate(_QUOTES)
    return text


class _Parser:
    def __init__(self, raw: str) -> None:
        self.notices: list[Notice] = []
        if len(raw) > MAX_QUERY_CHARS:
            raw = raw[:MAX_QUERY_CHARS]
            self._notice(QUERY_TRUNCATED, str(MAX_QUERY_CHARS))
        self.text = _clean(raw)
        self.pos = 0
        self.groups: list[Group] = []
        self.terms = 0

    def _notice(self, code: str, detail: str = "") -> None:
        notice = Notice(code, detail[:64])
        if notice not in self.notices:
            self.notices.append(notice)

    def parse(self) -> ParsedQuery:
        pending_or = False
        negate_next = False
        while True:
            token = self._next_token()
            if token is None:
                break
            kind, value = token
            if kind == "op":
                if value == "OR":
                    if self.groups and not self.groups[-1].negated:
                        pending_or = True
                    else:
                        self._notice(OPERATOR_IGNORED, value)
                elif value == "NOT":
                    negate_next = True
                continue
            negated, clauses = value
            negated = negated or negate_next
            negate_next = False
            if not clauses:
                continue
            if self.terms >= MAX_TERMS:
                self._notice(TOO_MANY_TERMS, str(MAX_TERMS))
                break
            self.terms += len(clauses)
            if pending_or and not negated and self.groups:
                last = self.groups.pop()
                self.groups.append(Group(last.clauses + tuple(clauses), False))
            elif negated and len(clauses) > 1:
                # "-lúa-chịu": exclude the words together, as a phrase, not each alone.
                words = tuple(w for c in clauses for w in c.words)
                self.groups.append(Group((Clause(clauses[0].field, words, True),), True))
            else:
                for clause in clauses:
                    group = Group((clause,), negated)
                    if group not in self.groups:  # "lúa lúa lúa" costs one "lúa"
                        self.groups.append(group)
            pending_or = False
        if pending_or or negate_next:
            self._notice(OPERATOR_IGNORED, "OR" if pending_or else "NOT")
        return ParsedQuery(self.groups, self.notices)

    def _next_token(self):
        text = self.text
        while self.pos < len(text) and text[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(text):
            return None
        negated = False
        while self.pos < len(text) and text[self.pos] in "-+!":
            negated = negated or text[self.pos] in "-!"
            self.pos += 1
        if self.pos >= len(text) or text[self.pos].isspace():
            if negated:
                self._notice(OPERATOR_IGNORED, "-")
            return ("words", (False, []))
        field_name = None
        match = _PREFIX_RE.match(text, self.pos)
        if match:
            prefix = match.group(1)
            field_name = FIELD_ALIASES.get(analysis.fold(prefix.lower()))
            if field_name is None:
                self._notice(UNKNOWN_FIELD, prefix)
            self.pos = match.end()
        if text[self.pos] == '"':
            end = text.find('"', self.pos + 1)
            if end < 0:
                self._notice(UNBALANCED_QUOTE)
                raw, self.pos = text[self.pos + 1 :], len(text)
            else:
                raw, self.pos = text[self.pos + 1 : end], end + 1
            quoted = True
        else:
            end = self.pos
            while end < len(text) and not text[end].isspace():
                end += 1
            raw, self.pos = text[self.pos : end], end
            quoted = False
            if field_name is None and not negated and raw in ("AND", "OR", "NOT", "&&", "||"):
                return ("op", {"&&": "AND", "||": "OR"}.get(raw, raw))
        return ("words", (negated, self._clauses(field_name, raw, quoted)))

    def _clauses(self, field_name: str | None, raw: str, quoted: bool) -> list[Clause]:
        if field_name in IDENTIFIER_FIELDS:
            value = normalize_doi(raw) if field_name == "doi" else normalize_task(raw)
            return [Clause(field_name, (value,))] if value else []
        if "*" in raw or "?" in raw:
            self._notice(WILDCARDS_IGNORED)
        found = analysis.words(raw)
        if not found:
            return []
        room = MAX_TERMS - self.terms
        if quoted and len(found) > 1:
            if len(found) > room:
                self._notice(TOO_MANY_TERMS, str(MAX_TERMS))
                found = found[: max(room, 2)]
            return [Clause(field_name, tuple(found), True)]
        if len(found) > room:
            self._notice(TOO_MANY_TERMS, str(MAX_TERMS))
            found = found[: max(room, 0)]
        return [Clause(field_name, (word,)) for word in found]


def parse_query(raw: str | None) -> ParsedQuery:
    """Parse what the reader typed. Never raises; problems become notices."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    return _Parser(raw).parse()
