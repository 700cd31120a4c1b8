"""The PDF galley: WeasyPrint, the print stylesheet, and a URL fetcher that serves only the
article's own media.

WeasyPrint fetches every ``<img>``, stylesheet, ``url(…)`` and ``<link rel=attachment>``
through the fetcher: ours answers only for regular files inside the media folder (and for
``data:`` images), so no ``file://`` elsewhere, no network, no attachment but the JATS
attached here. Fonts: Noto Serif and Noto Sans (Debian ``fonts-noto-core``), DejaVu
(``fonts-dejavu-core``) as fallback; both cover Vietnamese completely. WeasyPrint embeds the
subset of each font it uses.
"""

from __future__ import annotations

import logging
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
) -> bytes:
    """Typeset ``html`` (the HTML galley, which refers to images as ``media/<name>``) as an
    A4 PDF with the JATS attached. Only files inside ``media_dir`` can be read. Returns the
    PDF's bytes."""
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
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # refused fetches are expected; they are counted
    try:
        source = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher)
        _drop_links(source.etree_element)
        document = source.render(stylesheets=[print_stylesheet()])
        if created is not None:
            stamp = created.astimezone(UTC).isoformat()
            document.metadata.created = stamp
            document.metadata.modified = stamp
        pdf = document.write_pdf(attachments=attachments, pdf_identifier=None)
    except Exception as error:  # WeasyPrint has no error hierarchy of its own
        raise TypesetError(
            _l("The PDF could not be made: %(detail)s", detail=str(error)[:300])
        ) from error
    finally:
        logger.setLevel(level)
    return pdf


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
