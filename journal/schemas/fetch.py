"""``journal schemas fetch``: the official schemas, from their official addresses, into
SCHEMAS_DIR. Plain functions: no Flask app is needed to call them.

Each set starts from its entry point(s) and follows every ``xs:include``, ``xs:import``,
``xs:redefine`` and ``xs:override`` that names a ``schemaLocation``, recursively. A file
found under the first entry point's folder keeps its relative path; a file from anywhere else
is stored under ``_external/<host>/<path>``, and the ``schemaLocation`` that named it is
rewritten to point at that local copy, so the installed schemas never reach for the network.
A set of several entry points (OAI-PMH with oai_dc) gets a small driver schema importing them
all, at the set's entry point name.

Everything is downloaded into a new folder beside SCHEMAS_DIR; every fetched entry point must
then load as an lxml ``XMLSchema`` (parsed with network and entity resolution off) before the
new folder is swapped in, atomically, by replacing the symlink SCHEMAS_DIR with one pointing
at it. Any failure leaves the old files as they were and raises ``SchemaFetchError`` listing
what failed.
"""

from __future__ import annotations

import os
import posixpath
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from lxml import etree

XSD = "http://www.w3.org/2001/XMLSchema"
REFERENCES = tuple(f"{{{XSD}}}{tag}" for tag in ("include", "import", "redefine", "override"))
EXTERNAL = "_external"
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILES_PER_SET = 200
USER_AGENT = "mekong-journal-schemas-fetch/1"
_SAFE_SEGMENT = re.compile(r"[^A-Za-z0-9._-]")

Downloader = Callable[[str], bytes]


class SchemaFetchError(Exception):
    """Nothing was installed; ``problems`` says what failed, one line each."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class FetchedSet:
    entry: str
    entry_point: str  # relative to SCHEMAS_DIR
    files: int


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def http_downloader(timeout: float) -> Downloader:
    """GET over http(s) with a time limit and a size limit; raises ``OSError`` (with the
    address and the reason) on any failure."""

    def download(url: str) -> bytes:
        request = Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - http(s) only
        try:
            with urlopen(request, timeout=timeout) as response:  # noqa: S310
                data = response.read(MAX_FILE_BYTES + 1)
        except HTTPError as error:
            raise OSError(f"{url}: HTTP {error.code} {error.reason}") from None
        except (URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise OSError(f"{url}: {reason}") from None
        if len(data) > MAX_FILE_BYTES:
            raise OSError(f"{url}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        return data

    return download


def fetch_schemas(
    target: Path,
    sources: Mapping[str, str | Sequence[str]],
    entry_points: Mapping[str, str],
    *,
    download: Downloader,
    entries: Iterable[str] | None = None,
) -> list[FetchedSet]:
    """Download the sets named in ``entries`` (default: all of ``entry_points``) from
    ``sources`` and install them in ``target``; the other sets already in ``target`` are kept.
    Raises ``SchemaFetchError`` and changes nothing on any failure."""
    chosen = list(entries) if entries is not None else list(entry_points)
    unknown = [e for e in chosen if e not in entry_points]
    if unknown:
        raise SchemaFetchError([f"unknown schema set: {e}" for e in unknown])
    missing = [e for e in chosen if not _urls(sources.get(e))]
    if missing:
        raise SchemaFetchError([f"{e}: no source address configured" for e in missing])

    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    new = target.parent / f".{target.name}-{stamp}-{secrets.token_hex(3)}"
    new.mkdir()
    try:
        fetched, problems = [], []
        for entry in chosen:
            folder, name = entry_points[entry].split("/", 1)
            try:
                count = _fetch_set(new / folder, _urls(sources[entry]), name, download)
                _check_loads(new / entry_points[entry])
            except SchemaFetchError as error:
                problems += [f"{entry}: {p}" for p in error.problems]
            else:
                fetched.append(FetchedSet(entry, entry_points[entry], count))
        if problems:
            raise SchemaFetchError(problems)
        _keep_other_sets(target, new, {entry_points[e].split("/", 1)[0] for e in chosen})
        _swap(target, new)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return fetched


def _urls(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass
class _Document:
    local: str  # posix path relative to the set's folder
    data: bytes
    tree: etree._ElementTree
    references: list[tuple[etree._Element, str]]  # (element, absolute URL it names)


def _fetch_set(folder: Path, urls: list[str], entry_name: str, download: Downloader) -> int:
    base = urls[0].rsplit("/", 1)[0] + "/"
    documents: dict[str, _Document] = {}
    owner_of: dict[str, str] = {}  # local path → URL (two addresses must not share a file)
    queue = [_clean(u) for u in urls]
    seen: set[str] = set()
    problems: list[str] = []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        if len(seen) > MAX_FILES_PER_SET:
            raise SchemaFetchError([f"more than {MAX_FILES_PER_SET} files: stopped"])
        try:
            local = _local_path(url, base)
            if owner_of.setdefault(local, url) != url:
                raise SchemaFetchError([f"{url} and {owner_of[local]} would share {local}"])
            data = download(url)
            tree = etree.ElementTree(etree.fromstring(data, safe_parser(), base_url=url))
        except OSError as error:
            problems.append(str(error))
            continue
        except etree.XMLSyntaxError as error:
            problems.append(f"{url}: not well-formed XML ({error.msg})")
            continue
        references = []
        for element in tree.getroot().iter(*REFERENCES):
            location = (element.get("schemaLocation") or "").strip()
            if location:
                referenced = _clean(urljoin(url, location))
                references.append((element, referenced))
                queue.append(referenced)
        documents[url] = _Document(local, data, tree, references)
    if problems:
        raise SchemaFetchError(problems)

    for document in documents.values():
        changed = False
        for element, referenced in document.references:
            relative = posixpath.relpath(
                documents[referenced].local, posixpath.dirname(document.local) or "."
            )
            if element.get("schemaLocation") != relative:
                element.set("schemaLocation", relative)
                changed = True
        path = folder.joinpath(*document.local.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_serialise(document.tree) if changed else document.data)

    roots = [documents[_clean(u)] for u in urls]
    if [r.local for r in roots] != [entry_name]:
        if any(d.local == entry_name for d in documents.values()):
            raise SchemaFetchError([f"a fetched file is already named {entry_name}"])
        (folder / entry_name).write_bytes(_driver(roots))
    return len(documents)


def _clean(url: str) -> str:
    """The address without its fragment or query (a schema file is named by its path)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))


def _local_path(url: str, base: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OSError(f"{url}: only http and https addresses are followed")
    inside = url.startswith(base)
    relative = url[len(base) :] if inside else f"{EXTERNAL}/{parts.netloc}{parts.path}"
    segments = [_SAFE_SEGMENT.sub("_", s) for s in relative.split("/") if s]
    if not segments or any(s in (".", "..") for s in segments):
        raise OSError(f"{url}: not a file address")
    return "/".join(segments)


def _serialise(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding=tree.docinfo.encoding or "UTF-8")


def _driver(roots: list[_Document]) -> bytes:
    """A schema that brings several entry points together (xs:import by namespace, or
    xs:include for a schema without one)."""
    schema = etree.Element(f"{{{XSD}}}schema", nsmap={"xs": XSD})
    schema.append(
        etree.Comment(" Written by `journal schemas fetch`: the set's entry points together. ")
    )
    for root in roots:
        namespace = root.tree.getroot().get("targetNamespace")
        if namespace:
            etree.SubElement(
                schema, f"{{{XSD}}}import", namespace=namespace, schemaLocation=root.local
            )
        else:
            etree.SubElement(schema, f"{{{XSD}}}include", schemaLocation=root.local)
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _check_loads(entry_point: Path) -> None:
    try:
        etree.XMLSchema(etree.parse(str(entry_point), safe_parser()))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as error:
        raise SchemaFetchError([f"{entry_point.name} does not load as a schema: {error}"]) from None


def _keep_other_sets(target: Path, new: Path, replaced: set[str]) -> None:
    """Copy the sets that were not fetched this time from the old folder into the new one."""
    if not target.is_dir():
        return
    for item in target.iterdir():
        if item.name not in replaced and not (new / item.name).exists():
            if item.is_dir():
                shutil.copytree(item, new / item.name)
            else:
                shutil.copy2(item, new / item.name)


def _swap(target: Path, new: Path) -> None:
    """Point ``target`` at ``new``: a symlink replaced atomically. A real folder found at
    ``target`` (schemas copied there by hand) is moved aside first, then removed."""
    previous = target.resolve() if target.is_symlink() else None
    aside = None
    if target.exists() and not target.is_symlink():
        aside = target.parent / f".{target.name}-replaced-{secrets.token_hex(3)}"
        os.rename(target, aside)
    link = target.parent / f".{target.name}-link-{secrets.token_hex(3)}"
    os.symlink(new.name, link)
    os.replace(link, target)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    if (
        previous is not None
        and previous != new.resolve()
        and previous.parent == target.parent
        and previous.name.startswith(f".{target.name}-")
    ):
        shutil.rmtree(previous, ignore_errors=True)
