"""Anonymised copies for double-blind review, and the leak check.

Pure functions over bytes and plain data (no database, no request):

* ``scrub(data, media_type, limits)`` removes who wrote a document from its metadata:
  docx/odt document properties (creator, last modified by, company, manager, comments,
  custom properties, the template's path), the authors of tracked changes and comments;
  the authors of a Markdown front matter (and a pandoc title block); LaTeX ``\\author``,
  ``\\thanks``, ``\\affil`` and their kin. The zip containers are rewritten entry by entry;
  XML is parsed with the safe parser (no entities, no DTD, no network).
* ``document_text(data, media_type, limits)`` lists the places a name could hide: every
  XML part's text and attribute values, every entry name, or the whole text file.
* ``find_leaks(places, needles)`` looks for every author's name (both name orders), e-mail
  address and ORCID iD, comparing accent-folded text ("Nguyễn" matches "Nguyen", "đ" "d").
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from lxml import etree

from ..errors import InvalidUpload
from ..filetypes import DOCX, LATEX, MARKDOWN, ODT, ZipLimits, check_zip
from ..publish.typeset.safexml import parse_xml

ANONYMOUS = "Anonymous"
ANONYMOUS_INITIALS = "A"
TEXT_PLAIN = "text/plain"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
ODF_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
LO_EXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"

# docProps/core.xml and docProps/app.xml elements that name people or their organisation.
CORE_IDENTITY = {f"{{{DC}}}creator", f"{{{CP}}}lastModifiedBy", f"{{{DC}}}description"}
APP_IDENTITY = {f"{{{EXTENDED}}}Company", f"{{{EXTENDED}}}Manager", f"{{{EXTENDED}}}HyperlinkBase"}
# Attributes naming the author of a tracked change or a comment, anywhere in word/*.xml.
WORD_AUTHOR_ATTRIBUTES = {f"{{{W}}}author", f"{{{W15}}}author", f"{{{W15}}}userId"}
WORD_INITIALS_ATTRIBUTES = {f"{{{W}}}initials"}
# word/settings.xml elements pointing at a user's files, and free-form document variables.
WORD_SETTINGS_REMOVE = {f"{{{W}}}attachedTemplate", f"{{{W}}}docVars"}
# meta.xml elements that name people (ODF).
ODF_META_REMOVE = {
    f"{{{ODF_META}}}initial-creator",
    f"{{{DC}}}creator",
    f"{{{ODF_META}}}printed-by",
    f"{{{ODF_META}}}user-defined",
    f"{{{DC}}}description",
    f"{{{ODF_META}}}template",
}

# Markdown front-matter keys and LaTeX commands that identify the authors.
FRONT_MATTER_KEYS = {
    "author",
    "authors",
    "affiliation",
    "affiliations",
    "institute",
    "institution",
    "email",
    "orcid",
    "thanks",
    "corresponding",
    "contact",
    "address",
}
LATEX_COMMANDS = (
    "author",
    "thanks",
    "affil",
    "affiliation",
    "address",
    "email",
    "institute",
    "orcid",
)


class AnonymisationError(InvalidUpload):
    default_message = _l("The document could not be read to make its anonymised copy.")


# --- scrubbing ----------------------------------------------------------------------------


def scrub(data: bytes, media_type: str, limits: ZipLimits) -> bytes:
    """The document without the metadata that names its authors."""
    if media_type == DOCX:
        return scrub_docx(data, limits)
    if media_type == ODT:
        return scrub_odt(data, limits)
    if media_type == MARKDOWN:
        return scrub_markdown(_decode(data)).encode("utf-8")
    if media_type == LATEX:
        return scrub_latex(_decode(data)).encode("utf-8")
    if media_type == TEXT_PLAIN:
        return data
    raise AnonymisationError(_l("This kind of file cannot be anonymised."))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnonymisationError(_l("Text files must be encoded in UTF-8.")) from None


def _parse(name: str, data: bytes) -> etree._Element:
    try:
        return parse_xml(data)
    except etree.XMLSyntaxError:
        raise AnonymisationError(
            _l("The document could not be read: its part “%(part)s” is damaged.", part=name)
        ) from None


def _serialise(root: etree._Element) -> bytes:
    # Entity references stay unexpanded when parsing; without their DTD (not written out)
    # they would make the part unreadable, so they go.
    _remove(list(root.iter(etree.Entity)))
    standalone = root.getroottree().docinfo.standalone
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)


def _remove(elements: Iterable[etree._Element]) -> None:
    """Remove ``elements``, keeping the text that follows each (its tail)."""
    for element in list(elements):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _scrub_docx_part(name: str, data: bytes) -> bytes | None:
    """The scrubbed part, or None when ``name`` needs no change."""
    if name == "docProps/core.xml":
        root = _parse(name, data)
        _remove(e for e in root.iter() if e.tag in CORE_IDENTITY)
        return _serialise(root)
    if name == "docProps/app.xml":
        root = _parse(name, data)
        _remove(e for e in root.iter() if e.tag in APP_IDENTITY)
        return _serialise(root)
    if name == "docProps/custom.xml":
        root = _parse(name, data)
        for child in list(root):
            root.remove(child)
        return _serialise(root)
    if name.startswith("word/") and name.endswith(".xml"):
        root = _parse(name, data)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in list(element.attrib):
                if attribute in WORD_AUTHOR_ATTRIBUTES:
                    element.set(attribute, ANONYMOUS)
                elif attribute in WORD_INITIALS_ATTRIBUTES:
                    element.set(attribute, ANONYMOUS_INITIALS)
            if element.tag == f"{{{W15}}}presenceInfo":
                for attribute in list(element.attrib):
                    element.set(attribute, ANONYMOUS)
        _remove(e for e in root.iter() if e.tag in WORD_SETTINGS_REMOVE)
        return _serialise(root)
    return None


def _scrub_odt_part(name: str, data: bytes) -> bytes | None:
    if name == "meta.xml":
        root = _parse(name, data)
        _remove(e for e in root.iter() if e.tag in ODF_META_REMOVE)
        return _serialise(root)
    if name in ("content.xml", "styles.xml"):
        root = _parse(name, data)
        for element in root.iter():
            if element.tag == f"{{{DC}}}creator":  # annotations and tracked changes
                for child in list(element):
                    element.remove(child)
                element.text = ANONYMOUS
            elif element.tag in (f"{{{ODF_META}}}creator-initials", f"{{{LO_EXT}}}sender-initials"):
                for child in list(element):
                    element.remove(child)
                element.text = ANONYMOUS_INITIALS
        return _serialise(root)
    return None


def _rewrite_zip(data: bytes, limits: ZipLimits, scrub_part) -> bytes:
    source = check_zip(io.BytesIO(data), limits)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if not info.is_dir():
                changed = scrub_part(info.filename, content)
                if changed is not None:
                    content = changed
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def scrub_docx(data: bytes, limits: ZipLimits) -> bytes:
    return _rewrite_zip(data, limits, _scrub_docx_part)


def scrub_odt(data: bytes, limits: ZipLimits) -> bytes:
    return _rewrite_zip(data, limits, _scrub_odt_part)


_FRONT_MATTER = re.compile(r"\A(\ufeff?\s*---[ \t]*\n)(.*?\n)((?:---|\.\.\.)[ \t]*(?:\n|\Z))", re.S)
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def scrub_markdown(text: str) -> str:
    """Drop the identifying keys of a leading YAML front matter (with their nested lines)
    and the author line of a pandoc title block (``% title`` / ``% authors`` / ``% date``)."""
    match = _FRONT_MATTER.match(text)
    if match:
        kept, skipping = [], False
        for line in match.group(2).splitlines(keepends=True):
            key = _TOP_LEVEL_KEY.match(line)
            if key:
                skipping = key.group(1).lower() in FRONT_MATTER_KEYS
            elif line.strip() and not line[:1].isspace() and not line.lstrip().startswith("-"):
                skipping = False
            if not skipping:
                kept.append(line)
        return match.group(1) + "".join(kept) + match.group(3) + text[match.end() :]
    lines = text.splitlines(keepends=True)
    if len(lines) >= 2 and lines[0].startswith("%") and lines[1].startswith("%"):
        return lines[0] + "%\n" + "".join(lines[2:])
    return text


def _skip_group(text: str, start: int, opening: str, closing: str) -> int | None:
    """Index just after the balanced group opening at ``start``; None if unbalanced."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


_LATEX_COMMAND = re.compile(r"\\(" + "|".join(LATEX_COMMANDS) + r")(?![A-Za-z])\*?", re.I)


def scrub_latex(text: str) -> str:
    """Remove ``\\author[..]{..}``, ``\\thanks{..}``, ``\\affil[..]{..}`` (and address, email,
    institute, orcid) with their balanced arguments, wherever they are."""
    out, position = [], 0
    for match in _LATEX_COMMAND.finditer(text):
        if match.start() < position:
            continue  # inside an argument already removed
        i = match.end()
        while i < len(text) and text[i] in " \t\n":
            i += 1
        while i < len(text) and text[i] == "[":
            end = _skip_group(text, i, "[", "]")
            if end is None:
                break
            i = end
            while i < len(text) and text[i] in " \t\n":
                i += 1
        if i < len(text) and text[i] == "{":
            end = _skip_group(text, i, "{", "}")
            if end is None:  # unbalanced: drop the rest rather than leak it
                end = len(text)
        else:
            continue
        out.append(text[position : match.start()])
        position = end
    out.append(text[position:])
    return "".join(out)


# --- reading the places a name could hide -------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Text found at a location of a document (or of the submission's metadata). The
    location may be a lazy string: it is shown in the reader's language."""

    location: object
    text: str


def _xml_text(root: etree._Element) -> str:
    chunks = []
    for element in root.iter():
        if isinstance(element.tag, str):
            chunks.extend(str(v) for v in element.attrib.values())
        if element.text:
            chunks.append(element.text)
        if element.tail:
            chunks.append(element.tail)
    return " ".join(chunks)


def document_text(data: bytes, media_type: str, limits: ZipLimits, label: str) -> list[Place]:
    """Every place of a document where a name could be: for zip containers, each entry's
    name and each XML part's text and attribute values; for text files, the text."""
    if media_type in (DOCX, ODT):
        archive = check_zip(io.BytesIO(data), limits)
        places = [
            Place(_l("%(file)s: names of the parts", file=label), " ".join(archive.namelist()))
        ]
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                root = _parse(info.filename, archive.read(info))
                places.append(Place(f"{label}: {info.filename}", _xml_text(root)))
        return places
    return [Place(label, _decode(data))]


# --- the leak check -------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without diacritics ("Nguyễn Đức" → "nguyen duc")."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_with_index(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, for each of its characters, the index in ``text`` (None when
    folding kept every character's position)."""
    if text.isascii():
        return text.lower(), None
    pieces = [_fold_char(ch) for ch in text]
    if all(len(piece) == 1 for piece in pieces):
        return "".join(pieces), None
    index = [i for i, piece in enumerate(pieces) for _ in piece]
    return "".join(pieces), index


@dataclass(frozen=True)
class Needle:
    """Something that names an author: ``kind`` is "name", "email" or "orcid"."""

    kind: str
    value: str
    pattern: re.Pattern


_BOUNDARY_BEFORE = r"(?<![0-9a-z])"
_BOUNDARY_AFTER = r"(?![0-9a-z])"
_SEPARATOR = r"[\W_]+"


def _name_patterns(name: str) -> list[str]:
    tokens = [t for t in re.split(r"[\W_]+", fold(name)) if t]
    if not tokens or (len(tokens) == 1 and len(tokens[0]) < 4):
        return []  # a one-word name that short is a common word too
    orders = [tokens]
    if len(tokens) >= 2:
        orders.append(tokens[1:] + tokens[:1])  # family name last: "Van An Nguyen"
    return [_SEPARATOR.join(re.escape(t) for t in order) for order in orders]


def make_needles(people: Iterable[tuple[str | None, str | None, str | None]]) -> list[Needle]:
    """Needles for each (name, e-mail, ORCID) of ``people``; empty values are skipped."""
    needles, seen = [], set()

    def add(kind, value, pattern):
        if (kind, pattern) not in seen:
            seen.add((kind, pattern))
            needles.append(
                Needle(kind, value, re.compile(_BOUNDARY_BEFORE + pattern + _BOUNDARY_AFTER))
            )

    for name, email, orcid in people:
        if name and name.strip():
            for pattern in _name_patterns(name):
                add("name", name.strip(), pattern)
        if email and "@" in email:
            add("email", email.strip(), re.escape(fold(email.strip())))
        if orcid:
            digits = re.sub(r"[^0-9Xx]", "", orcid.rsplit("/", 1)[-1]).lower()
            if len(digits) == 16:
                groups = [digits[i : i + 4] for i in range(0, 16, 4)]
                add("orcid", orcid.strip(), r"[\s-]?".join(groups))
    return needles


@dataclass(frozen=True)
class Finding:
    location: object
    kind: str
    value: str
    excerpt: str


EXCERPT_CHARS = 40


def find_leaks(places: Iterable[Place], needles: list[Needle]) -> list[Finding]:
    """Every occurrence of a needle in ``places`` (at most one per needle and place)."""
    findings = []
    for place in places:
        folded, index = _folded_with_index(place.text)
        for needle in needles:
            match = needle.pattern.search(folded)
            if match is None:
                continue
            if index is None:
                start, end = match.start(), match.end()
            else:
                start, end = index[match.start()], index[match.end() - 1] + 1
            excerpt = place.text[max(0, start - EXCERPT_CHARS) : end + EXCERPT_CHARS]
            findings.append(
                Finding(place.location, needle.kind, needle.value, " ".join(excerpt.split()))
            )
    return findings


class PlaceList:
    """The distinct locations of ``findings``, joined in the language active when shown."""

    def __init__(self, findings: Iterable[Finding]):
        self.locations = [f.location for f in findings]

    def __str__(self) -> str:
        return "; ".join(sorted({str(location) for location in self.locations}))
