"""The PDF galley: WeasyPrint, the print stylesheet, and a URL fetcher that serves only the
article's own media.

WeasyPrint fetches every ``<img>``, stylesheet, ``url(…)`` and ``<link rel=attachment>``
through the fetcher: ours answers only for regular files inside the media folder (and for
``data:`` images), so no ``file://`` elsewhere, no network, no attachment but the JATS
attached here. Fonts: Noto Serif and Noto Sans (Debian ``fonts-noto-core``), DejaVu
(``fonts-dejavu-core``) as fallback; both cover Vietnamese completely; Noto CJK, Thai, Khmer
and Lao (Debian's Noto families) for names and references in those scripts. WeasyPrint
embeds the subset of each font it uses.

The PDF is PDF/A-3b (the JATS attached as its source), tagged (a structure tree for
assistive technology), and, for the version of record, numbered from the article's first
page in the issue, with page labels that match the printed numbers.

WeasyPrint runs in a child process with the same bounds as pandoc: a wall-time limit and an
address-space limit. A child over either is killed and the run fails with a plain message;
the worker that asked survives. Children are forked from a server process that has already
imported WeasyPrint, so a render costs no start-up.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from flask_babel import lazy_gettext as _l

from .errors import TypesetError
from .htmlgalley import TEMPLATES

DATA_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
JATS_NAME = "article.xml"
PDF_VARIANT = "pdf/a-3b"
TIME_LIMIT = 120.0
MEMORY_LIMIT = 2 << 30
# The child's exit status when WeasyPrint ran out of the memory it is allowed.
_OUT_OF_MEMORY = 3


def _fetcher_class():
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class MediaOnlyFetcher(URLFetcher):
        """Serves files from one folder and ``data:`` images; refuses everything else."""

        def __init__(self, media_dir: Path):
            super().__init__(timeout=1, allowed_protocols=("file", "data"))
            self.media_dir = Path(media_dir).resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                media_type = parts.path.split(",", 1)[0].split(";", 1)[0].strip().lower()
                if media_type in DATA_IMAGE_TYPES:
                    return super().fetch(url, headers)
            elif scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(unquote(parts.path))).resolve()
                if path.is_file() and path.is_relative_to(self.media_dir):
                    return URLFetcherResponse(url, path.read_bytes(), status=200)
            self.refused.append(url[:200])
            raise ValueError(f"not part of this article: {url[:200]}")

    return MediaOnlyFetcher


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _drop_links(root) -> None:
    """No ``<link>`` (attachments, stylesheets) and no ``rel=attachment`` anchor reaches
    WeasyPrint: the only attachment is the JATS, the only stylesheet ours."""
    for parent in root.iter():
        for child in list(parent):
            if _local(child.tag) == "link":
                parent.remove(child)
            elif _local(child.tag) == "a" and "attachment" in (child.get("rel") or "").lower():
                del child.attrib["rel"]


@cache
def print_stylesheet():
    from weasyprint import CSS

    return CSS(string=(TEMPLATES / "print.css").read_text(encoding="utf-8"))


def render_pdf(
    html: str,
    media_dir: str | Path,
    *,
    jats: bytes | None = None,
    created: datetime | None = None,
    first_page: int | None = None,
    time_limit: float = TIME_LIMIT,
    memory_limit: int = MEMORY_LIMIT,
) -> bytes:
    """Typeset ``html`` (the HTML galley, which refers to images as ``media/<name>``) as an
    A4 PDF/A-3b with the JATS attached. Only files inside ``media_dir`` can be read. Pages are
    numbered from ``first_page`` (1 when None). Raises ``TypesetError`` past ``time_limit``
    seconds or ``memory_limit`` bytes. Returns the PDF's bytes."""
    media_dir = Path(media_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="pdf-") as scratch:
        scratch = Path(scratch)
        (scratch / "galley.html").write_text(html, encoding="utf-8")
        if jats is not None:
            (scratch / JATS_NAME).write_bytes(jats)
        child = _context().Process(
            target=_render_in_child,
            args=(str(scratch), str(media_dir), created, first_page, memory_limit),
            daemon=True,
        )
        child.start()
        try:
            child.join(time_limit)
            if child.is_alive():
                child.kill()
                child.join()
                raise TypesetError(
                    _l(
                        "Making the PDF took longer than %(seconds)s seconds and was stopped.",
                        seconds=f"{time_limit:g}",
                    )
                )
            code = child.exitcode
        finally:
            child.close()
        error = scratch / "error.txt"
        if code == _OUT_OF_MEMORY:
            raise TypesetError(
                _l(
                    "Making the PDF needed more than %(megabytes)s MB of memory and was "
                    "stopped. Split very large tables or reduce the images.",
                    megabytes=memory_limit >> 20,
                )
            )
        if error.is_file():
            raise TypesetError(
                _l(
                    "The PDF could not be made: %(detail)s",
                    detail=error.read_text(encoding="utf-8")[:300],
                )
            )
        if code != 0 or not (scratch / "galley.pdf").is_file():
            raise TypesetError(
                _l(
                    "The PDF could not be made: the typesetter stopped (status %(code)s), "
                    "perhaps short of memory (the limit is %(megabytes)s MB).",
                    code=code,
                    megabytes=memory_limit >> 20,
                )
            )
        return (scratch / "galley.pdf").read_bytes()


@cache
def _context():
    """Children forked from a server that has imported WeasyPrint already."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", __name__])
    return context


def _render_in_child(scratch, media_dir, created, first_page, memory_limit) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    scratch = Path(scratch)
    try:
        jats = scratch / JATS_NAME
        pdf = write_pdf(
            (scratch / "galley.html").read_text(encoding="utf-8"),
            Path(media_dir),
            jats=jats.read_bytes() if jats.is_file() else None,
            created=created,
            first_page=first_page,
        )
        (scratch / "galley.pdf").write_bytes(pdf)
    except MemoryError:
        raise SystemExit(_OUT_OF_MEMORY) from None
    except Exception as error:  # WeasyPrint has no error hierarchy of its own
        (scratch / "error.txt").write_text(str(error) or type(error).__name__, encoding="utf-8")


def _numbering(first_page: int):
    """A stylesheet that numbers the pages from ``first_page``, and a finisher that gives the
    PDF page labels with the same numbers (what a reader's page box shows)."""
    import pydyf
    from weasyprint import CSS

    css = CSS(string=f"@page :first {{ counter-reset: page {int(first_page)}; }}")

    def finisher(document, pdf) -> None:
        pdf.catalog["PageLabels"] = pydyf.Dictionary(
            {"Nums": pydyf.Array([0, pydyf.Dictionary({"S": "/D", "St": int(first_page)})])}
        )

    return css, finisher


def write_pdf(
    html: str,
    media_dir: Path,
    *,
    jats: bytes | None = None,
    created: datetime | None = None,
    first_page: int | None = None,
) -> bytes:
    """The WeasyPrint run itself, in this process (``render_pdf`` bounds it)."""
    from weasyprint import HTML, Attachment

    media_dir = Path(media_dir).resolve()
    base_dir = media_dir.parent
    fetcher = _fetcher_class()(media_dir)
    attachments = []
    if jats is not None:
        attachments.append(
            Attachment(
                string=jats,
                name=JATS_NAME,
                description="JATS XML",
                relationship="Source",
                url_fetcher=fetcher,
                created=created,
                modified=created,
            )
        )
    stylesheets, finisher = [print_stylesheet()], None
    if first_page is not None:
        numbering, finisher = _numbering(first_page)
        stylesheets.append(numbering)
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # refused fetches are expected; they are counted
    try:
        source = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher)
        _drop_links(source.etree_element)
        document = source.render(stylesheets=stylesheets)
        if created is not None:
            stamp = created.astimezone(UTC).isoformat()
            document.metadata.created = stamp
            document.metadata.modified = stamp
        return document.write_pdf(
            attachments=attachments,
            pdf_identifier=None,
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            finisher=finisher,
        )
    finally:
        logger.setLevel(level)


def pdf_preview_pngs(pdf: bytes, pages: int = 2, dpi: int = 60) -> list[bytes]:
    """The first ``pages`` pages of ``pdf`` as PNG images (poppler's ``pdftoppm``)."""
    with tempfile.TemporaryDirectory(prefix="preview-") as tmp:
        source = Path(tmp) / "galley.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(  # noqa: S603
                [
                    shutil.which("pdftoppm") or "/usr/bin/pdftoppm",
                    "-png",
                    "-r",
                    str(dpi),
                    "-f",
                    "1",
                    "-l",
                    str(pages),
                    str(source),
                    str(Path(tmp) / "page"),
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise TypesetError(_l("The PDF preview could not be made.")) from error
        return [p.read_bytes() for p in sorted(Path(tmp).glob("page-*.png"))]
