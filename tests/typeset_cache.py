"""Typesetting done once per test run: the pipeline (``journal.publish.typeset.typeset``) is
a pure function of its inputs, so the typesetting job's calls go through a cache shared by
every test of the run (and every xdist worker, and both database passes of ``make test``).

A result is looked up by the manuscript's bytes, its format, the front matter, the figures'
and bibliography's bytes, the schema, the limits, and a digest of the pipeline's own code
(its modules, Lua filter, templates and print CSS) with the pandoc and WeasyPrint versions: a
changed pipeline never reuses an old galley. Only results are kept: a manuscript that fails
fails again, for real, each time. A hit reports every stage in order, as a run does.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from journal.publish.typeset import htmlgalley, pipeline
from journal.publish.typeset.pdfgalley import pdf_preview_pngs


@cache
def pipeline_digest() -> str:
    """The pipeline's code and the programs it runs, as one digest."""
    import pypandoc
    import weasyprint

    digest = hashlib.sha256()
    digest.update(f"pandoc {pypandoc.get_pandoc_version()}\n".encode())
    digest.update(f"weasyprint {weasyprint.__version__}\n".encode())
    for folder in (Path(pipeline.__file__).parent, Path(htmlgalley.TEMPLATES)):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(f"{path.relative_to(folder)}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _file_digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class TypesetCache:
    """A drop-in for ``typeset`` that keeps each result in ``folder`` (one pickle per key);
    ``previews`` does the same for ``pdf_preview_pngs`` (pdftoppm), keyed on the PDF."""

    def __init__(self, folder: Path, real=pipeline.typeset, real_previews=pdf_preview_pngs):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.real = real
        self.real_previews = real_previews
        self.hits = 0
        self.misses = 0

    def previews(self, pdf: bytes, pages: int = 2, dpi: int = 60) -> list[bytes]:
        digest = hashlib.sha256(pdf).hexdigest()
        key = hashlib.sha256(f"{pipeline_digest()} {digest} {pages} {dpi}".encode()).hexdigest()
        return self._cached(key, lambda: self.real_previews(pdf, pages=pages, dpi=dpi))

    def _cached(self, key: str, make):
        stored = self.folder / f"{key}.pickle"
        with _locked(self.folder / f"{key}.lock"):  # one worker makes it, the other waits
            if not stored.is_file():
                self.misses += 1
                made = make()
                _write_atomically(stored, pickle.dumps(made))
                return made
        self.hits += 1
        return pickle.loads(stored.read_bytes())  # noqa: S301 - written by this run

    def key(self, manuscript, fmt, meta, *, xsd_path, figures, bibliography, limits) -> str:
        digest = hashlib.sha256()
        parts = [
            pipeline_digest(),
            _file_digest(manuscript),
            fmt,
            repr(meta),  # frozen dataclasses: every field, in order
            # None: no official schema installed, the structural checks only
            str(Path(xsd_path).resolve()) if xsd_path is not None else "structural only",
            _file_digest(xsd_path) if xsd_path is not None else "",
            repr(sorted((name, _file_digest(path)) for name, path in (figures or {}).items())),
            _file_digest(bibliography) if bibliography is not None else "",
            repr(limits),
        ]
        for part in parts:
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def __call__(self, manuscript, fmt, meta, workdir, *, xsd_path, progress=None, **options):
        figures = options.get("figures")
        bibliography = options.get("bibliography")
        limits = tuple(
            options.get(name)
            for name in ("time_limit", "memory_limit", "pdf_time_limit", "pdf_memory_limit")
        )
        key = self.key(
            manuscript,
            fmt,
            meta,
            xsd_path=xsd_path,
            figures=figures,
            bibliography=bibliography,
            limits=limits,
        )
        made = []

        def make():
            made.append(True)
            return self.real(
                manuscript, fmt, meta, workdir, xsd_path=xsd_path, progress=progress, **options
            )

        galleys = self._cached(key, make)
        if not made and progress is not None:
            for stage in pipeline.STAGES:  # a run reports every stage as it starts it
                progress(stage)
        return galleys


@contextmanager
def _locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
