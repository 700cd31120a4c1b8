"""Galleys typeset once per run with the real pipeline (a short Markdown manuscript
with a figure, a table, equations and references, in Vietnamese and in English)."""

from __future__ import annotations

import pytest

from ..conftest import SCHEMAS_DIR
from .factories import GalleyFiles

JATS_XSD = SCHEMAS_DIR / "jats" / "JATS-journalpublishing1-3-mathml3.xsd"


@pytest.fixture(scope="session")
def typeset_galleys(tmp_path_factory, shared_typesetting) -> dict[str, GalleyFiles]:
    """``{"vi": GalleyFiles, "en": GalleyFiles}`` made by journal.publish.typeset (once per
    run: tests/typeset_cache.py)."""
    if not JATS_XSD.is_file():
        pytest.skip(f"the JATS 1.3 schema is not at {JATS_XSD} (set JOURNAL_SCHEMAS_DIR)")
    from pypdf import PdfReader

    from .typeset import samples

    folder = tmp_path_factory.mktemp("publish-galleys")
    figure = samples.figure_png(folder / "figure.png")
    made = {}
    for lang in ("vi", "en"):
        manuscript = folder / f"article-{lang}.md"
        manuscript.write_text(samples.markdown(lang), encoding="utf-8")
        workdir = folder / f"work-{lang}"
        workdir.mkdir()
        galleys = shared_typesetting(
            manuscript,
            "md",
            samples.article_meta(lang),
            workdir,
            xsd_path=JATS_XSD,
            figures={"figure.png": figure},
        )
        import io

        pages = len(PdfReader(io.BytesIO(galleys.pdf)).pages)
        made[lang] = GalleyFiles(
            galleys.jats, galleys.html.encode("utf-8"), galleys.pdf, dict(galleys.media), pages
        )
    return made
