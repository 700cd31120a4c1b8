"""Session fixtures: the JATS schema (loaded once), sample manuscripts made once, and the
galleys typeset once per format and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.publish.typeset import load_schema, typeset

from ...conftest import SCHEMAS_DIR
from . import samples

XSD = SCHEMAS_DIR / "jats" / "JATS-journalpublishing1-3-mathml3.xsd"
FORMATS = ("md", "tex", "docx", "odt")
LANGS = ("vi", "en")


@pytest.fixture(scope="session")
def xsd_path() -> Path:
    if not XSD.is_file():
        pytest.skip(f"the JATS 1.3 schema is not at {XSD} (set JOURNAL_SCHEMAS_DIR)")
    load_schema(str(XSD.resolve()))
    return XSD


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("manuscripts")
    samples.figure_png(folder / "figure.png")
    return folder


@pytest.fixture(scope="session")
def manuscripts(sample_dir) -> dict[tuple[str, str], Path]:
    made = {}
    for lang in LANGS:
        md = sample_dir / f"sample-{lang}.md"
        md.write_text(samples.markdown(lang), encoding="utf-8")
        made["md", lang] = md
        tex = sample_dir / f"sample-{lang}.tex"
        tex.write_text(samples.latex(lang), encoding="utf-8")
        made["tex", lang] = tex
        made["docx", lang] = samples.docx(lang, sample_dir, sample_dir / "figure.png")
        made["odt", lang] = samples.odt(lang, sample_dir)
    return made


@pytest.fixture(scope="session")
def galleys(manuscripts, sample_dir, xsd_path, tmp_path_factory):
    """``galleys(fmt, lang)`` → (Galleys, stages reported, workdir); typeset once each."""
    cache: dict = {}

    def get(fmt: str, lang: str):
        if (fmt, lang) not in cache:
            workdir = tmp_path_factory.mktemp(f"typeset-{fmt}-{lang}")
            stages: list[str] = []
            result = typeset(
                manuscripts[fmt, lang],
                fmt,
                samples.article_meta(lang),
                workdir,
                xsd_path=xsd_path,
                progress=stages.append,
                figures={"figure.png": sample_dir / "figure.png"},
            )
            cache[fmt, lang] = (result, stages, workdir)
        return cache[fmt, lang]

    return get
