"""Anonymised copies for double-blind review, and the leak check.

Pure functions over bytes and plain data (no database, no request):

* ``scrub(data, media_type, limits)`` removes who wrote a document from its metadata:
  docx/odt document properties (every one but the title and the language), the authors of
  tracked changes and comments, headers and footers, hidden text; the metadata of every
  picture (EXIF, XMP, PNG text chunks: re-encoded with Pillow), thumbnails; embedded
  packages (a spreadsheet inside a docx) scrubbed the same way, recursively, and embedded
  objects that cannot be (OLE binaries) refused with a clear message; the authors of a
  Markdown front matter (and a pandoc title block); LaTeX ``\\author``, ``\\thanks``,
  ``\\affil`` and their kin. The zip containers are rewritten entry by entry; XML is parsed
  with the safe parser (no entities, no DTD, no network).
* ``document_text(data, media_type, limits)`` lists the places a name could hide: every
  entry name, every XML part's text and attribute values, every picture's metadata, the
  readable strings of every other part, embedded packages read the same way; or the whole
  text file.
* ``find_leaks(places, needles)`` looks for every author's name (both name orders), e-mail
  address and ORCID iD, comparing accent-folded text ("Nguyễn" matches "Nguyen", "đ" "d");
  ``make_warning_needles`` adds what only hints at an author (affiliations, initials,
  user-name-like tokens): the editor must acknowledge those before sending.
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
from PIL import Image, ImageSequence, UnidentifiedImageError

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

ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
SVG = "http://www.w3.org/2000/svg"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
THUMBNAIL_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
)

# The only document properties kept (docProps/core.xml, ODF meta.xml): every other one
# (creator, subject, keywords, category, status, description, dates, the template's path
# with the OS user name …) can name the authors or their machine.
KEPT_PROPERTIES = {f"{{{DC}}}title", f"{{{DC}}}language"}
# Attributes naming the author of a tracked change or a comment, in any Office part
# (w:author, w15:userId, a spreadsheet's threaded-comment person …), by local name.
AUTHOR_ATTRIBUTES = {"author", "userId", "displayName", "providerId"}
INITIALS_ATTRIBUTES = {"initials"}
# word/settings.xml elements pointing at a user's files, and free-form document variables.
WORD_SETTINGS_REMOVE = {f"{{{W}}}attachedTemplate", f"{{{W}}}docVars"}
# ODF master-page children that hold headers and footers.
ODF_HEADERS_FOOTERS = {
    f"{{{ODF_STYLE}}}{kind}{variant}"
    for kind in ("header", "footer")
    for variant in ("", "-left", "-first")
}
ODF_HIDDEN = {f"{{{ODF_TEXT}}}hidden-text", f"{{{ODF_TEXT}}}hidden-paragraph"}

# Pictures re-encoded without their metadata (by the format Pillow finds, not the name).
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".jpe", ".gif", ".tif", ".tiff", ".bmp", ".webp")
IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "GIF", "TIFF", "BMP", "WEBP"}
# Embedded packages (zip containers) scrubbed like the document itself.
PACKAGE_EXTENSIONS = (".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm", ".odt", ".ods", ".odp")
# Embedded objects kept in formats nobody here can scrub (OLE compound files): refused.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_NESTING = 3
DROP = object()  # what a part scrubber returns for an entry to leave out

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


class EmbeddedObjectError(AnonymisationError):
    """An embedded object whose metadata cannot be removed."""

    def __init__(self, part: str):
        super().__init__(
            _l(
                "The document contains an embedded object that cannot be anonymised "
                "(“%(part)s”): remove it or paste it as a picture, and upload the document "
                "again.",
                part=part,
            )
        )


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


def _keep_only_title_and_language(root: etree._Element, container: etree._Element) -> None:
    _remove(child for child in container if child.tag not in KEPT_PROPERTIES)


_AUTHOR_ATTRIBUTES = etree.XPath(
    "//@*[" + " or ".join(f"local-name()='{a}'" for a in sorted(AUTHOR_ATTRIBUTES)) + "]"
)
_INITIALS_ATTRIBUTES = etree.XPath(
    "//@*[" + " or ".join(f"local-name()='{a}'" for a in sorted(INITIALS_ATTRIBUTES)) + "]"
)
_AUTHOR_ELEMENTS = etree.XPath("//*[local-name()='author']")
_AUTHOR_MARKERS = tuple(
    name.encode() for name in (*AUTHOR_ATTRIBUTES, *INITIALS_ATTRIBUTES, "presenceInfo")
)


def _anonymise_attributes(root: etree._Element) -> None:
    """Authors and initials of tracked changes and comments, in any Office XML part."""
    for replacement, query in (
        (ANONYMOUS, _AUTHOR_ATTRIBUTES),
        (ANONYMOUS_INITIALS, _INITIALS_ATTRIBUTES),
    ):
        for value in query(root):
            value.getparent().set(value.attrname, replacement)
    for element in root.iter(f"{{{W15}}}presenceInfo"):
        for attribute in list(element.attrib):
            element.set(attribute, ANONYMOUS)
    for element in _AUTHOR_ELEMENTS(root):  # a spreadsheet's comment authors
        if element.text:
            element.text = ANONYMOUS


def _hidden_styles(styles: etree._Element | None) -> set[str]:
    """Ids of the Word styles that hide their text (``w:vanish``)."""
    if styles is None:
        return set()
    return {
        style.get(f"{{{W}}}styleId")
        for style in styles.iter(f"{{{W}}}style")
        if any(_vanishes(v) for v in style.iter(f"{{{W}}}vanish"))
    }


def _vanishes(vanish: etree._Element) -> bool:
    return vanish.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")


def _remove_hidden_runs(root: etree._Element, hidden_styles: set[str]) -> None:
    """Runs of hidden text (``w:vanish`` on the run or its character style) go."""
    hidden = []
    for run in root.iter(f"{{{W}}}r"):
        properties = run.find(f"{{{W}}}rPr")
        if properties is None:
            continue
        vanish = properties.find(f"{{{W}}}vanish")
        style = properties.find(f"{{{W}}}rStyle")
        if (vanish is not None and _vanishes(vanish)) or (
            style is not None and style.get(f"{{{W}}}val") in hidden_styles
        ):
            hidden.append(run)
    _remove(hidden)


def _empty_header_or_footer(root: etree._Element) -> None:
    """A header or footer part keeps its element (the document refers to it) and one empty
    paragraph, nothing else: affiliations and initials often live there."""
    for child in list(root):
        root.remove(child)
    etree.SubElement(root, f"{{{W}}}p")


def _is_header_or_footer(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith(("header", "footer")) and base.endswith(".xml")


def _drop_thumbnail_references(name: str, root: etree._Element, dropped: set[str]) -> bool:
    """Remove the relationship and content type of dropped parts; whether anything went."""
    if name.endswith(".rels"):
        gone = [
            r
            for r in root.iter(f"{{{RELATIONSHIPS}}}Relationship")
            if r.get("Type") == THUMBNAIL_RELATIONSHIP or r.get("Target", "").lstrip("/") in dropped
        ]
    else:
        gone = [
            o
            for o in root.iter(f"{{{CONTENT_TYPES}}}Override")
            if o.get("PartName", "").lstrip("/") in dropped
        ]
    _remove(gone)
    return bool(gone)


class PackageScrubber:
    """Scrubs the entries of one zip container (a docx, an odt, or a package embedded in
    one), ``depth`` packages deep."""

    def __init__(self, archive: zipfile.ZipFile, limits: ZipLimits, depth: int, label: str):
        self.archive, self.limits, self.depth, self.label = archive, limits, depth, label
        names = archive.namelist()
        self.dropped = {n for n in names if _is_thumbnail(n)}
        self._hidden = None
        if "word/styles.xml" in names:
            self._hidden = _hidden_styles(
                _parse("word/styles.xml", archive.read("word/styles.xml"))
            )

    def part(self, name: str, data: bytes):
        """The scrubbed part, None when ``name`` needs no change, DROP to leave it out."""
        lower = name.lower()
        if name in self.dropped:
            return DROP
        if data[:8] == OLE_SIGNATURE or (lower.endswith(".bin") and "embeddings/" in lower):
            raise EmbeddedObjectError(self._where(name))
        if lower.endswith(IMAGE_EXTENSIONS):
            return scrub_image(self._where(name), data)
        if lower.endswith(PACKAGE_EXTENSIONS) or data[:4] == b"PK\x03\x04":
            return self.package(name, data)
        if lower.endswith(".svg"):
            root = _parse(name, data)
            _remove(e for e in root.iter() if e.tag == f"{{{SVG}}}metadata")
            return _serialise(root)
        if lower.endswith((".xml", ".rels")):
            return self.xml(name, data)
        return None

    def _where(self, name: str) -> str:
        return f"{self.label}: {name}" if self.label else name

    def package(self, name: str, data: bytes) -> bytes:
        if self.depth >= MAX_NESTING:
            raise EmbeddedObjectError(self._where(name))
        return scrub_package(data, self.limits, depth=self.depth + 1, label=self._where(name))

    def xml(self, name: str, data: bytes) -> bytes | None:
        base = name.rsplit("/", 1)[-1]
        if name == "docProps/core.xml":
            root = _parse(name, data)
            _keep_only_title_and_language(root, root)
            return _serialise(root)
        if name in ("docProps/app.xml", "docProps/custom.xml"):
            root = _parse(name, data)
            _remove(list(root))
            return _serialise(root)
        if base == "meta.xml":  # ODF, also an embedded object's
            root = _parse(name, data)
            for meta in root.iter(f"{{{ODF_OFFICE}}}meta"):
                _keep_only_title_and_language(root, meta)
            return _serialise(root)
        if name == "META-INF/manifest.xml":
            root = _parse(name, data)
            _remove(
                e
                for e in root.iter(f"{{{ODF_MANIFEST}}}file-entry")
                if e.get(f"{{{ODF_MANIFEST}}}full-path", "") in self.dropped
            )
            return _serialise(root)
        if name.endswith(".rels") or name == "[Content_Types].xml":
            root = _parse(name, data)
            return (
                _serialise(root) if _drop_thumbnail_references(name, root, self.dropped) else None
            )
        root = _parse(name, data)
        if name.startswith("word/") and _is_header_or_footer(name):
            _empty_header_or_footer(root)
            return _serialise(root)
        if base in ("content.xml", "styles.xml") and root.tag.startswith(f"{{{ODF_OFFICE}}}"):
            self._odf(root)
            return _serialise(root)
        # Cheap byte tests first: most parts (styles, themes, fonts) have nothing to scrub.
        if any(marker in data for marker in _AUTHOR_MARKERS):
            _anonymise_attributes(root)
        if name.startswith("word/"):
            _remove(e for e in root.iter(*WORD_SETTINGS_REMOVE))
            if b"vanish" in data or self._hidden:
                _remove_hidden_runs(root, self._hidden or set())
        return _serialise(root)

    @staticmethod
    def _odf(root: etree._Element) -> None:
        for element in root.iter():
            if element.tag == f"{{{DC}}}creator":  # annotations and tracked changes
                for child in list(element):
                    element.remove(child)
                element.text = ANONYMOUS
            elif element.tag in (f"{{{ODF_META}}}creator-initials", f"{{{LO_EXT}}}sender-initials"):
                for child in list(element):
                    element.remove(child)
                element.text = ANONYMOUS_INITIALS
        _remove(e for e in root.iter() if e.tag in ODF_HEADERS_FOOTERS or e.tag in ODF_HIDDEN)
        _remove(
            e
            for e in root.iter(f"{{{ODF_TEXT}}}section")
            if e.get(f"{{{ODF_TEXT}}}display") == "none"
        )


def _is_thumbnail(name: str) -> bool:
    return name.startswith(("docProps/thumbnail.", "Thumbnails/")) and not name.endswith("/")


def scrub_image(where: str, data: bytes) -> bytes:
    """The picture re-encoded from its pixels alone: no EXIF, XMP, comment or text chunk
    (only the colour profile is kept)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in IMAGE_FORMATS:
                raise UnidentifiedImageError(kind)
            icc = image.info.get("icc_profile")
            frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise AnonymisationError(
            _l(
                "The picture “%(part)s” could not be read to remove its metadata: replace it "
                "and upload the document again.",
                part=where,
            )
        ) from None
    for frame in frames:
        frame.info = {}
    kind = "JPEG" if kind == "MPO" else kind
    options = {"format": kind}
    if icc:
        options["icc_profile"] = icc
    if kind == "JPEG":
        options["quality"] = 95
        frames = frames[:1]
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:])
    out = io.BytesIO()
    frames[0].save(out, **options)
    return out.getvalue()


def scrub_package(data: bytes, limits: ZipLimits, *, depth: int = 0, label: str = "") -> bytes:
    """A zip container rewritten entry by entry, each part scrubbed (see PackageScrubber)."""
    source = check_zip(io.BytesIO(data), limits)
    scrubber = PackageScrubber(source, limits, depth, label)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if not info.is_dir():
                changed = scrubber.part(info.filename, content)
                if changed is DROP:
                    continue
                if changed is not None:
                    content = changed
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def scrub_docx(data: bytes, limits: ZipLimits) -> bytes:
    return scrub_package(data, limits)


def scrub_odt(data: bytes, limits: ZipLimits) -> bytes:
    return scrub_package(data, limits)


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


_READABLE = re.compile(r"[^\x00-\x1f\x7f\ufffd]{4,}")


def readable_strings(data: bytes) -> str:
    """The runs of at least four readable characters in binary data, read as UTF-8 and as
    UTF-16 (EXIF's XPAuthor), like ``strings``."""
    runs = _READABLE.findall(data.decode("utf-8", "replace"))
    for offset in (0, 1):
        runs += _READABLE.findall(data[offset:].decode("utf-16-le", "replace"))
    return " ".join(runs)


def image_metadata(data: bytes) -> str:
    """What Pillow reads in a picture's metadata: EXIF tags, XMP, text chunks, comments
    (compressed ones included, which no ``strings`` finds)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            chunks = [str(v) for v in image.info.values() if isinstance(v, (str, bytes))]
            for value in image.getexif().values():
                if isinstance(value, bytes):
                    value = value.decode("utf-16-le", "replace")  # XPAuthor and its kin
                chunks.append(str(value))
            if hasattr(image, "text"):
                chunks.extend(str(v) for v in image.text.values())
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return ""
    return " ".join(c.decode("utf-8", "replace") if isinstance(c, bytes) else c for c in chunks)


def _package_places(data: bytes, limits: ZipLimits, label: str, depth: int) -> list[Place]:
    archive = check_zip(io.BytesIO(data), limits)
    places = [Place(_l("%(file)s: names of the parts", file=label), " ".join(archive.namelist()))]
    for info in archive.infolist():
        if info.is_dir():
            continue
        name, content = info.filename, archive.read(info)
        where = f"{label}: {name}"
        lower = name.lower()
        if name.endswith((".xml", ".rels")) or lower.endswith(".svg"):
            places.append(Place(where, _xml_text(_parse(name, content))))
        elif content[:4] == b"PK\x03\x04" and depth < MAX_NESTING:
            places.extend(_package_places(content, limits, where, depth + 1))
        else:
            text = readable_strings(content)
            if lower.endswith(IMAGE_EXTENSIONS):
                text = image_metadata(content) + " " + text
            places.append(Place(where, text))
    return places


def document_text(data: bytes, media_type: str, limits: ZipLimits, label: str) -> list[Place]:
    """Every place of a document where a name could be: for zip containers, each entry's
    name, each XML part's text and attribute values, each picture's metadata, the readable
    strings of every other part, and embedded packages the same way; for text files, the
    text."""
    if media_type in (DOCX, ODT):
        return _package_places(data, limits, label, 0)
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


# What only hints at an author: shown as warnings the editor must acknowledge.
WARNING_KINDS = ("affiliation", "initials", "username")
AFFILIATION_MIN_CHARS = 8
USERNAME_MIN_CHARS = 5


def _username_patterns(name: str | None, email: str | None) -> set[str]:
    """Tokens an account or a machine would be named after: the e-mail address's local
    part, and the name written without spaces ("nguyenvanan", "annguyen", "anguyen")."""
    found = set()
    if email and "@" in email:
        local = fold(email.strip().split("@", 1)[0])
        if len(local) >= USERNAME_MIN_CHARS:
            found.add(re.escape(local))
    tokens = [t for t in re.split(r"[\W_]+", fold(name or "")) if t]
    if len(tokens) >= 2:
        family, given = tokens[0], tokens[-1]
        for candidate in (
            "".join(tokens),
            "".join(tokens[1:] + tokens[:1]),
            given + family,
            family + given,
            given[0] + family,
            family + "".join(t[0] for t in tokens[1:]),
        ):
            if len(candidate) >= USERNAME_MIN_CHARS:
                found.add(re.escape(candidate))
    return found


def _initials_pattern(name: str | None) -> str | None:
    """ "N.V.A", "NVA" for a name of three words or more (two letters are too common)."""
    tokens = [t for t in re.split(r"[\W_]+", fold(name or "")) if t]
    if len(tokens) < 3:
        return None
    return r"\.?\s?".join(re.escape(t[0]) for t in tokens) + r"\.?"


def make_warning_needles(
    people: Iterable[tuple[str | None, str | None, str | None]],
) -> list[Needle]:
    """Needles for what hints at each (name, e-mail, affiliation) of ``people``: the
    affiliation, the initials, user-name-like tokens."""
    needles, seen = [], set()

    def add(kind, value, pattern):
        if (kind, pattern) not in seen:
            seen.add((kind, pattern))
            compiled = re.compile(_BOUNDARY_BEFORE + pattern + _BOUNDARY_AFTER)
            needles.append(Needle(kind, value, compiled))

    for name, email, affiliation in people:
        folded = " ".join(re.split(r"[\W_]+", fold(affiliation or ""))).strip()
        if len(folded) >= AFFILIATION_MIN_CHARS:
            add("affiliation", affiliation.strip(), _SEPARATOR.join(map(re.escape, folded.split())))
        initials = _initials_pattern(name)
        if initials:
            add("initials", "".join(t[0] for t in (name or "").split()).upper(), initials)
        for pattern in sorted(_username_patterns(name, email)):
            add("username", pattern.replace("\\", ""), pattern)
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
