"""The real-manuscript corpus (tests/publish/typeset/corpus) through the pipeline: for each
document, whether its JATS is valid, words/tables/figures/equations/references in pandoc's
own reading of the manuscript and in the JATS, the repairs made, and the time of each stage
against raw pandoc on the same manuscript.

    .venv/bin/python bench/corpus.py [--full] [--only NAME] [--xsd …]

``--full`` also renders the HTML and PDF galleys (slow). Targets: ≥ 95 % valid, ≥ 98 % of
the words and every table, figure, equation and reference kept; conversion ≤ 1.2 × pandoc.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journal.publish.typeset import TypesetError, enrich, load_schema, validate  # noqa: E402
from journal.publish.typeset.convert import READERS, convert, pandoc_path  # noqa: E402
from journal.publish.typeset.counts import check_kept, html_counts  # noqa: E402
from journal.publish.typeset.htmlgalley import render_html  # noqa: E402
from journal.publish.typeset.pdfgalley import render_pdf  # noqa: E402
from journal.publish.typeset.pipeline import (  # noqa: E402
    check_jats_content,
    check_pdf_content,
    jats_bytes,
)
from journal.publish.typeset.repair import repair_against_schema  # noqa: E402
from tests.publish.typeset import samples  # noqa: E402
from tests.publish.typeset.corpus import build, content_counts, source_counts  # noqa: E402


def raw_pandoc(manuscript, folder: Path) -> float:
    args = [pandoc_path(), "-s", f"--from={READERS[manuscript.fmt]}", "--to=jats_publishing"]
    args += ["--mathml", "--citeproc", "-o", str(folder / "raw.xml"), str(manuscript.path)]
    if manuscript.bibliography:
        args.append(f"--bibliography={manuscript.bibliography}")
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=folder)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--only")
    parser.add_argument(
        "--xsd",
        default=str(ROOT.parent / "shared/schemas/jats/JATS-journalpublishing1-3-mathml3.xsd"),
    )
    args = parser.parse_args()
    schema = load_schema(str(Path(args.xsd).resolve()))
    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manuscripts = [m for m in build(folder) if not args.only or args.only in m.name]
        print(
            "| document | format | source | valid | words before/after | tables | figures "
            "| equations | references | repairs |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for manuscript in manuscripts:
            before = source_counts(manuscript)
            work = folder / f"work-{manuscript.name}"
            work.mkdir()
            started = time.perf_counter()
            problem, repairs, after = "", [], None
            try:
                converted = convert(
                    manuscript.path,
                    manuscript.fmt,
                    work,
                    figures=manuscript.figures,
                    bibliography=manuscript.bibliography,
                )
                converting = time.perf_counter() - started
                repairs = converted.repairs
                tree = enrich(converted.tree, samples.article_meta("en"))
                tree = repair_against_schema(tree, schema, repairs)
                after = content_counts(tree)
                validate(tree, args.xsd)
                in_jats = check_jats_content(converted, tree)
                if args.full:
                    html = render_html(tree)
                    check_kept(
                        in_jats, html_counts(html), "html", compare=("words", "tables", "figures")
                    )
                    check_pdf_content(
                        in_jats, render_pdf(html, converted.media_dir, jats=jats_bytes(tree))
                    )
                ratios.append(converting / raw_pandoc(manuscript, work))
            except TypesetError as error:
                problem = str(error.message)[:160]
            after_row = after or content_counts_empty()
            rows.append((manuscript, before, after, problem))
            print(
                f"| {manuscript.name} | {manuscript.fmt} | {manuscript.source} | "
                f"{'no: ' + problem if problem else 'yes'} | {before.words}/{after_row.words} | "
                f"{before.tables}/{after_row.tables} | {before.figures}/{after_row.figures} | "
                f"{before.equations}/{after_row.equations} | "
                f"{before.references}/{after_row.references} | "
                f"{'; '.join(str(r) for r in repairs)[:300]} |",
                flush=True,
            )
    valid = [r for r in rows if not r[3]]
    kept = [
        r
        for r in valid
        if r[2].words >= 0.98 * r[1].words
        and r[2].tables >= r[1].tables
        and r[2].figures >= r[1].figures
        and r[2].equations >= r[1].equations
        and r[2].references >= r[1].references
    ]
    print(f"\nvalid JATS: {len(valid)}/{len(rows)} ({100 * len(valid) / len(rows):.0f} %)")
    print(f"valid with ≥ 98 % of words and every object kept: {len(kept)}/{len(rows)}")
    if ratios:
        print(
            f"conversion / raw pandoc: median {statistics.median(ratios):.2f} "
            f"(range {min(ratios):.2f}–{max(ratios):.2f}) over {len(ratios)} documents"
        )


def content_counts_empty():
    from tests.publish.typeset.corpus import Counts

    return Counts()


if __name__ == "__main__":
    main()
