"""Cleaning free text before it goes into XML.

Metadata comes from forms and uploaded manuscripts: it may hold characters XML 1.0 cannot
carry (C0 controls, lone surrogates, U+FFFE/U+FFFF), C1 controls pasted from old word
processors, decomposed Vietnamese diacritics, and arbitrary line breaks. Markup-looking text
such as ``<script>`` or ``&`` needs nothing here: lxml escapes it when it becomes element text.
"""

from __future__ import annotations

import re
import unicodedata

# Everything XML 1.0 forbids, plus the C1 controls (legal but never meant as text).
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]",
)
_SPACES = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def clean_text(value: object) -> str:
    """NFC-normalised text without characters XML cannot carry; line breaks are kept."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_TEXT.sub("", text)


def clean_line(value: object) -> str:
    """``clean_text`` on one line: every run of white space becomes one space."""
    return _SPACES.sub(" ", clean_text(value)).strip()


def paragraphs(value: object) -> list[str]:
    """Split plain text on blank lines into cleaned, non-empty paragraphs."""
    text = clean_text(value)
    return [p for p in (clean_line(chunk) for chunk in _PARAGRAPH_BREAK.split(text)) if p]


def shorten(value: str, limit: int = 60) -> str:
    """``value`` cut to ``limit`` characters, with an ellipsis when cut."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
