"""Splitting a person's name as printed into given name and family name.

The platform stores authors' names the way they are printed on the article. Crossref wants
``given_name`` and ``surname`` apart, and the order depends on the name:

* Vietnamese names are written family name first: ``Nguyễn Văn An`` is family ``Nguyễn``,
  given ``Văn An`` (the middle name stays with the given name, as Vietnamese citation
  practice and Crossref's own records of Vietnamese journals do).
* Most other names the platform sees are written given name first: ``Jane M. Smith`` is
  family ``Smith``, given ``Jane M.``.

``split_name(full_name, order)`` applies one rule:

1. a comma means ``Family, Given`` whatever the order (``Smith, Jane``);
2. a single word is a family name alone (Crossref allows a surname without a given name);
3. ``order="family-first"``: the first word is the family name;
   ``order="given-first"``: the last word is the family name;
4. ``order="auto"`` (the default): family first when the first word is a Vietnamese (or
   Khmer-Vietnamese, Hoa) family name, compared without diacritics so ``Nguyen Van An``
   counts too; given first otherwise, and also when only the last word is one of the most
   frequent family names (``Mai Nguyen``, ``Tom Le``: a name already written the Western
   way).

When the heuristic is wrong for someone (``Kim`` is a family name in the Mekong Delta and a
given name elsewhere), give the contributor an explicit ``name_order`` or explicit
``given_name``/``family_name``.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from .text import clean_line

NameOrder = Literal["auto", "family-first", "given-first"]


def fold(word: str) -> str:
    """Lower case without diacritics (``Đặng`` → ``dang``)."""
    word = word.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# Family names as written; compared folded (see ``fold``).
_FAMILY_NAMES = """
    Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh
    Trương Lâm Phùng Mai Tô Hà Tạ Châu Lương Quách Thái Cao Lưu Đinh Diệp Kiều Tăng Lục La Triệu
    Mạc Khúc Đàm Thân Từ Chu Hứa Doãn Nghiêm Tôn Giang Âu Ông Quan Lữ Lạc Kha Thạch Danh Sơn Kim
    Tiêu Mã Thiều Nhan Viên Trang Ninh Khương Ung Tống Lò Hàn Bạch Phó
"""
VIETNAMESE_FAMILY_NAMES = frozenset(fold(name) for name in _FAMILY_NAMES.split())
# The most frequent ones (the first sixteen): at the end of a name they mark a name written
# given name first ("Mai Nguyen"), even when the first word could also be a family name.
COMMON_FAMILY_NAMES = frozenset(fold(name) for name in _FAMILY_NAMES.split()[:16])


def split_name(full_name: str, order: NameOrder = "auto") -> tuple[str, str]:
    """``(given, family)`` for a name as printed; ``given`` may be empty."""
    name = clean_line(full_name)
    if "," in name:
        family, _, given = name.partition(",")
        return clean_line(given), clean_line(family)
    words = name.split(" ")
    if len(words) < 2:
        return "", name
    if order == "auto":
        order = _guess_order(words)
    if order == "family-first":
        return " ".join(words[1:]), words[0]
    return " ".join(words[:-1]), words[-1]


def _guess_order(words: list[str]) -> NameOrder:
    first, last = fold(words[0]), fold(words[-1])
    if first in COMMON_FAMILY_NAMES:
        return "family-first"
    if last in COMMON_FAMILY_NAMES:
        return "given-first"
    return "family-first" if first in VIETNAMESE_FAMILY_NAMES else "given-first"
