"""Repair, then validate: what is merely untidy in a converted manuscript is fixed and listed
for the editor, never refused. Each function takes the JATS tree and a ``Repairs`` list and
adds one plain sentence (Vietnamese and English, through the translations) per repair.

What is refused stays in ``convert`` (unsafe input, an empty manuscript) and ``validate``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from lxml import etree

from .counts import count_words
from .meta import ArticleMeta
from .safexml import HREF, MML

# Elements that only mark text up: unwrapping them keeps every word.
UNWRAPPABLE = {
    "xref",
    "ext-link",
    "uri",
    "styled-content",
    "named-content",
    "bold",
    "italic",
    "underline",
    "sc",
    "monospace",
    "sup",
    "sub",
    "strike",
    "overline",
    "roman",
    "sans-serif",
}
LINKS = ("xref", "ext-link", "uri")
MAX_SCHEMA_ROUNDS = 20
TOC_TITLES = {"table of contents", "contents", "mục lục", "muc luc"}
TOC_ANCHOR = re.compile(r"^#?_?toc\d*", re.I)


@dataclass(frozen=True)
class Repair:
    """One repair, as a sentence in the editor's language (a lazy string)."""

    kind: str
    message: object
    words_removed: int = 0  # words taken out on purpose (a table of contents, front matter)

    def __str__(self) -> str:
        return str(self.message)


Repairs = list[Repair]


def snippet(element: etree._Element, limit: int = 80) -> str:
    text = " ".join("".join(element.itertext()).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unwrap(element: etree._Element) -> None:
    """Replace ``element`` by its content, keeping its text, children and tail."""
    parent = element.getparent()
    index = parent.index(element)
    previous = parent[index - 1] if index else None

    def append(text: str | None) -> None:
        if not text:
            return
        if previous is None:
            parent.text = (parent.text or "") + text
        else:
            previous.tail = (previous.tail or "") + text

    append(element.text)
    children = list(element)
    tail = element.tail
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (tail or "")
    else:
        append(tail)


def remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _elements(tree: etree._Element) -> Iterable[etree._Element]:
    return (e for e in tree.iter() if isinstance(e.tag, str))


# ------------------------------------------------------------------------------ ids


def ncname(value: str) -> str:
    """An ASCII XML name made from ``value``, stable: "Hình-1 (a)" → "Hinh-1-a"."""
    folded = unicodedata.normalize("NFKD", value.replace("đ", "d").replace("Đ", "D"))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_only).strip("-.")
    if not name or not re.match(r"[A-Za-z_]", name):
        name = "id-" + name if name else "id"
    return name


def _is_ncname(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", value))


def repair_ids(tree: etree._Element, repairs: Repairs) -> None:
    """Ids become valid, unique ASCII names; every ``rid`` follows its target. Reported
    when something links to them or they were used twice (pandoc's own names for headings,
    "mở-đầu", are renamed silently)."""
    linked = {r for e in _elements(tree) for r in (e.get("rid") or "").split()}
    seen: set[str] = set()
    renamed: dict[str, str] = {}
    used: set[str] = set()
    changed: list[str] = []
    for element in _elements(tree):
        old = element.get("id")
        if old is None:
            continue
        new = old if _is_ncname(old) else ncname(old)
        base, n = new, 1
        while new in used:
            n += 1
            new = f"{base}-{n}"
        used.add(new)
        if new != old:
            element.set("id", new)
            if old in linked or old in seen:
                changed.append(old)
            if old not in seen:  # links go to the first element that had the id
                renamed[old] = new
        seen.add(old)
    if renamed:
        for element in _elements(tree):
            rid = element.get("rid")
            if rid:
                element.set("rid", " ".join(renamed.get(r, r) for r in rid.split()))
    if not changed:
        return
    repairs.append(
        Repair(
            "ids",
            _l(
                "%(count)s internal names (bookmarks, labels) were not valid or were used twice "
                "and were renamed: %(names)s.",
                count=len(changed),
                names=", ".join(f"“{c}”" for c in changed[:5]) + ("…" if len(changed) > 5 else ""),
            ),
        )
    )


# ------------------------------------------------------------------- empty blocks


def repair_empty_blocks(tree: etree._Element, repairs: Repairs) -> None:
    """Empty list items get an empty paragraph; a reference with no details keeps its key
    as text (JATS needs content in both)."""
    for item in tree.iter("list-item"):
        if not any(isinstance(c.tag, str) for c in item):
            paragraph = etree.SubElement(item, "p")
            paragraph.text, item.text = (item.text or "").strip() or None, None
    empty = []
    for citation in list(tree.iter("element-citation")):
        if not any(isinstance(c.tag, str) for c in citation):
            citation.tag = "mixed-citation"
            ref = citation.getparent()
            citation.text = (citation.text or "").strip() or (ref.get("id") or "").removeprefix(
                "ref-"
            )
            empty.append(citation.text)
    if empty:
        repairs.append(
            Repair(
                "reference",
                _l(
                    "%(count)s references have no details in the bibliography and are listed "
                    "by their key: %(examples)s.",
                    count=len(empty),
                    examples=_examples([f"“{e}”" for e in empty]),
                ),
            )
        )


# ---------------------------------------------------------------------------- links


LABELLED = re.compile(r"^\s*(fig(?:ure)?s?\.?|hình|table|tables|bảng)\s*(\d+)", re.I)


def _numbered_target(tree: etree._Element, text: str) -> etree._Element | None:
    """ "Figure 2", "Bảng 3": the document's second figure, third table (Word loses the
    bookmarks around floats, never their order)."""
    match = LABELLED.match(text)
    if not match:
        return None
    word = match.group(1).lower()
    tag = "table-wrap" if word.startswith(("tab", "bảng")) else "fig"
    number = int(match.group(2))
    found = [e for e in tree.iter(tag) if e.getparent().tag != "fig-group"]
    return found[number - 1] if 0 < number <= len(found) else None


def repair_dangling_links(tree: etree._Element, repairs: Repairs) -> None:
    """A link to a target the document does not have points at the figure or table its text
    names ("Figure 2"), or else becomes its plain text."""
    ids = {e.get("id") for e in _elements(tree) if e.get("id")}
    relinked: list[str] = []
    unlinked: list[str] = []
    for element in list(_elements(tree)):
        rid = element.get("rid")
        if rid is None:
            continue
        kept = [r for r in rid.split() if r in ids]
        if len(kept) == len(rid.split()):
            continue
        missing = [r for r in rid.split() if r not in ids]
        if kept:
            element.set("rid", " ".join(kept))
        elif element.tag == "xref":
            text = snippet(element)
            target = _numbered_target(tree, text)
            if target is not None and target.get("id"):
                element.set("rid", target.get("id"))
                element.set("ref-type", "table" if target.tag == "table-wrap" else "fig")
                relinked.append(f"“{text}”")
            else:
                unwrap(element)
                unlinked.append(f"“{text or '…'}” → {missing[0]}")
        else:
            del element.attrib["rid"]
    if relinked:
        repairs.append(
            Repair(
                "link",
                _l(
                    "%(count)s links to figures or tables had lost their target and now point "
                    "at the figure or table their text names: %(examples)s.",
                    count=len(relinked),
                    examples=_examples(relinked),
                ),
            )
        )
    if unlinked:
        repairs.append(
            Repair(
                "link",
                _l(
                    "%(count)s links pointed at something the manuscript does not contain and "
                    "are kept as plain text: %(examples)s.",
                    count=len(unlinked),
                    examples=_examples(unlinked),
                ),
            )
        )


def _examples(items: list[str], limit: int = 5) -> str:
    unique = list(dict.fromkeys(items))
    return ", ".join(unique[:limit]) + ("…" if len(unique) > limit else "")


def repair_nested_links(tree: etree._Element, repairs: Repairs) -> None:
    """A link inside a link (a citation inside a web address, a bookmark around a
    cross-reference) keeps the inner text; JATS allows no nesting."""
    count = 0
    for link in list(tree.iter(*LINKS)):
        if link.getparent() is None:
            continue
        if any(a.tag in LINKS for a in link.iterancestors()):
            unwrap(link)
            count += 1
    if count:
        repairs.append(
            Repair(
                "link",
                _l("%(count)s links nested inside other links were made plain text.", count=count),
            )
        )


# --------------------------------------------------------------------------- tables


def repair_tables(tree: etree._Element, repairs: Repairs) -> None:
    """Header-only tables get their rows as the body; empty tables are removed, named."""
    for table in list(tree.iter("table")):
        wrap = table.getparent() if table.getparent().tag == "table-wrap" else table
        bodies = table.findall("tbody")
        rows = [tr for body in bodies for tr in body.iter("tr")]
        if rows:
            for body in bodies:
                if not len(body.findall("tr")):
                    table.remove(body)
            continue
        head = table.find("thead")
        head_rows = head.findall("tr") if head is not None else []
        label = snippet(wrap.find("caption")) if wrap.find("caption") is not None else ""
        if head_rows:
            for body in bodies:
                table.remove(body)
            head.tag = "tbody"
            repairs.append(
                Repair(
                    "table",
                    _l(
                        "The table “%(label)s” had only a header row; it is kept as a table of "
                        "one row.",
                        label=label or snippet(head, 40),
                    ),
                )
            )
        elif not "".join(wrap.itertext()).strip():
            remove_keeping_tail(wrap)
            repairs.append(Repair("table", _l("An empty table (no rows) was removed.")))
        else:
            for body in bodies:
                table.remove(body)


# ------------------------------------------------------------ Word table of contents


def _toc_link(element: etree._Element) -> bool:
    target = element.get("rid") or element.get(HREF) or ""
    return bool(TOC_ANCHOR.match(target))


def drop_word_toc(tree: etree._Element, repairs: Repairs) -> None:
    """Word's table of contents (paragraphs of links to ``_Toc`` bookmarks) is not part of
    an article: it is dropped, with its "Contents" heading."""
    body = tree.find("body")
    if body is None:
        return
    dropped = 0
    words = 0
    for block in list(body.iter("p", "list")):
        if block.getparent() is None or block.getparent().tag == "list-item":
            continue
        links = [e for e in block.iter(*LINKS) if _toc_link(e)]
        if not links:
            continue
        outside = "".join(block.itertext())
        for link in links:
            outside = outside.replace("".join(link.itertext()), "", 1)
        if re.sub(r"[\s.\d…·_-]+", "", outside):  # more than links and page numbers
            continue
        words += count_words(block)
        remove_keeping_tail(block)
        dropped += 1
    for title in list(body.iter("title")):
        if snippet(title).lower().strip(" :") in TOC_TITLES:
            sec = title.getparent()
            if sec.tag == "sec" and not snippet(sec).lower().replace(snippet(title).lower(), ""):
                words += count_words(sec)
                remove_keeping_tail(sec)
                dropped += 1
    for p in list(body.iter("p")):
        if p.getparent() is not None and snippet(p).lower().strip(" :") in TOC_TITLES and dropped:
            words += count_words(p)
            remove_keeping_tail(p)
    if dropped:
        repairs.append(
            Repair(
                "toc",
                _l(
                    "The manuscript's table of contents (%(count)s lines) was dropped: the "
                    "journal makes its own.",
                    count=dropped,
                ),
                words,
            )
        )


# ---------------------------------------------------------------- graphics in context


def repair_graphics(tree: etree._Element, repairs: Repairs) -> None:
    """A picture inside running text or a link becomes ``inline-graphic``; a picture in a
    link keeps the picture and drops the link around it."""
    count = 0
    for graphic in list(tree.iter("inline-graphic")):
        links = [a for a in graphic.iterancestors() if a.tag in LINKS]
        if links:  # JATS links hold text only: the picture goes right after the link
            outer = links[-1]
            tail = graphic.tail
            graphic.tail = None
            previous = graphic.getprevious()
            parent = graphic.getparent()
            parent.remove(graphic)
            if tail:
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            graphic.tail = outer.tail
            outer.tail = None
            outer.addnext(graphic)
            count += 1
    for graphic in list(tree.iter("graphic")):
        parent = graphic.getparent()
        if parent.tag in LINKS:
            holder = parent
            unwrap(holder)
            parent = graphic.getparent()
            count += 1
        in_text = (parent.text or "").strip() or len(parent) > 1 or (graphic.tail or "").strip()
        if parent.tag in ("p", "td", "th", "title") and in_text:
            graphic.tag = "inline-graphic"
            for child in list(graphic):
                if child.tag != "alt-text":
                    graphic.remove(child)
            count += 1
    if count:
        repairs.append(
            Repair(
                "graphic",
                _l(
                    "%(count)s pictures placed inside text or links were kept as pictures in "
                    "the line.",
                    count=count,
                ),
            )
        )


# --------------------------------------------------------------- against the schema


def repair_against_schema(
    tree: etree._Element, schema: etree.XMLSchema, repairs: Repairs
) -> etree._Element:
    """Unwrap the markup the official schema does not expect where it stands (an xref in
    a title, a link around a formula), one round per error batch; the words stay. Returns
    the tree to use (reparsed, so errors have lines)."""
    from .safexml import parse_xml

    unwrapped: list[str] = []
    for _round in range(MAX_SCHEMA_ROUNDS):
        if schema.validate(tree):
            break
        tree = parse_xml(etree.tostring(tree, encoding="UTF-8"))
        schema.validate(tree)
        by_line: dict[int, list[str]] = {}
        for error in schema.error_log:
            match = re.match(r"Element '([\w:-]+)': This element is not expected", error.message)
            if match and match.group(1) in UNWRAPPABLE:
                by_line.setdefault(error.line, []).append(match.group(1))
        if not by_line:
            break
        done = 0
        for element in list(_elements(tree)):
            tags = by_line.get(element.sourceline or -1)
            if tags and element.tag in tags and element.getparent() is not None:
                tags.remove(element.tag)
                unwrapped.append(f"{element.tag} “{snippet(element, 40)}”")
                unwrap(element)
                done += 1
        if not done:
            break
    if unwrapped:
        repairs.append(
            Repair(
                "markup",
                _l(
                    "Markup the JATS standard does not allow where it stood was removed, its "
                    "text kept: %(detail)s.",
                    detail="; ".join(unwrapped[:5]) + ("…" if len(unwrapped) > 5 else ""),
                ),
            )
        )
    return tree


# ------------------------------------------------------------- front matter, once


def fold(text: str) -> str:
    """Accent- and case-folded words, for comparing a manuscript's lines with metadata."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", bare))


def similarity(a: str, b: str) -> float:
    """Word-overlap similarity of two folded texts, 0…1 (Dice coefficient on words)."""
    from collections import Counter

    wa, wb = Counter(a.split()), Counter(b.split())
    if not wa or not wb:
        return 0.0
    common = sum((wa & wb).values())
    return 2 * common / (sum(wa.values()) + sum(wb.values()))


FRONT_LABELS = re.compile(
    r"^(abstract|summary|tóm tắt|tom tat|keywords?|key words|từ khóa|từ khoá|tu khoa)\b[\s:.–-]*",
    re.I,
)
MATCH = 0.8


def remove_repeated_front_matter(tree: etree._Element, meta: ArticleMeta, repairs: Repairs) -> None:
    """The title, author line, abstracts and keywords a manuscript opens with, when they
    match the submission's metadata, are removed from the body: the journal prints them
    from the metadata, once."""
    body = tree.find("body")
    if body is None:
        return
    wanted: list[tuple[str, str]] = []
    for lang in ("vi", "en"):
        if meta.title(lang):
            wanted.append(("title", fold(meta.title(lang))))
        abstract = meta.abstract(lang)
        if abstract:
            wanted.append(("abstract", fold(abstract)))
        keywords = meta.keywords(lang)
        if keywords:
            wanted.append(("keywords", fold(" ".join(keywords))))
    names = fold(" ".join(a.display_name for a in meta.authors))
    removed: list[str] = []
    words = 0
    for block in _leading_blocks(body):
        text = fold(snippet(block, 100_000))
        if not text:
            continue
        bare = fold(FRONT_LABELS.sub("", snippet(block, 100_000)))
        kind = next(
            (k for k, w in wanted if similarity(text, w) >= MATCH or similarity(bare, w) >= MATCH),
            None,
        )
        if kind is None and names and _is_author_line(text, names):
            kind = "authors"
        if kind is None and bare != text and not bare:  # a lone "Abstract" / "Từ khóa" label
            kind = "label"
        if kind is None:
            break
        removed.append(kind)
        words += count_words(block)
        _remove_block(block)
    if removed:
        repairs.append(
            Repair(
                "front",
                _l(
                    "The title, authors, abstract or keywords at the start of the manuscript "
                    "repeat the submission's details; the journal prints them once, from the "
                    "details (%(count)s paragraphs removed).",
                    count=len(removed),
                ),
                words,
            )
        )


def _is_author_line(text: str, names: str) -> bool:
    words = text.split()
    known = set(names.split())
    hits = sum(1 for w in words if w in known)
    return len(words) <= 4 * len(known) and hits >= max(2, 0.6 * len(words))


def _leading_blocks(body: etree._Element) -> list[etree._Element]:
    """The paragraphs (and section titles) before the first real section content."""
    blocks: list[etree._Element] = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "p":
            blocks.append(child)
            continue
        if child.tag == "sec":
            title = child.find("title")
            if title is not None:
                blocks.append(title)
            for inner in child:
                if inner.tag == "p":
                    blocks.append(inner)
                elif inner.tag != "title":
                    break
        break
    return blocks[:12]


def _remove_block(block: etree._Element) -> None:
    if block.tag == "title":
        sec = block.getparent()
        sec.remove(block)
        if not len(sec) and not (sec.text or "").strip():
            remove_keeping_tail(sec)
        elif sec.getparent().tag == "body" and sec.find("title") is None:
            # its remaining content belongs to the body, before the next section
            unwrap(sec)
        return
    remove_keeping_tail(block)


def is_math(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.startswith(f"{{{MML}}}")
