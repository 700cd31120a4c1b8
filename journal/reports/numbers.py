"""How the report writes its numbers: by the reader's locale on the pages and in the PDF,
plainly (a dot for decimals, no grouping) in the CSV."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from .figures import COUNT, DAYS, RATE

NO_DATA = "—"


def format_value(value, kind: str, locale: str) -> str:
    if value is None:
        return NO_DATA
    if kind == RATE:
        return format_percent(value, "#,##0.#%", locale=locale)
    if kind == DAYS:
        return format_decimal(round(value, 1), "#,##0.#", locale=locale)
    if kind == COUNT:
        return format_decimal(value, "#,##0", locale=locale)
    raise ValueError(kind)


def plain_value(value, kind: str) -> str:
    """The CSV's cell: an integer, a percentage or days with one decimal; empty for none."""
    if value is None:
        return ""
    if kind == RATE:
        return f"{value * 100:.1f}"
    if kind == DAYS:
        return f"{value:.1f}"
    return str(int(value))
