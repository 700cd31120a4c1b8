"""Where WeasyPrint's time goes on the benchmark's 17-page sample (bench/typeset.py): the
sample typeset once, then its HTML galley made into the PDF under cProfile, in this process,
with the time of each function grouped by what it does.

    .venv/bin/python bench/typeset_profile.py [--runs 3] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from typeset import build_sample  # noqa: E402

from journal.publish.typeset import typeset  # noqa: E402
from journal.publish.typeset.pdfgalley import write_pdf  # noqa: E402
from tests.publish.typeset import samples  # noqa: E402

# (group, fragments of a function's file path), first match wins
GROUPS = (
    ("fonts: subsetting and embedding", ("weasyprint/pdf/fonts", "fontTools")),
    ("fonts: text shaping (Pango, HarfBuzz)", ("weasyprint/text/",)),
    ("images: decoding and embedding", ("weasyprint/images", "PIL/", "weasyprint/pdf/images")),
    ("layout: boxes, lines, pages", ("weasyprint/layout/", "weasyprint/formatting_structure")),
    ("style: CSS parsing and cascade", ("weasyprint/css/", "tinycss2", "cssselect2")),
    ("HTML parsing", ("tinyhtml5", "html5lib", "weasyprint/html")),
    (
        "drawing: page content streams",
        ("weasyprint/draw", "weasyprint/stacking", "weasyprint/matrix"),
    ),
    ("PDF: tags, metadata, writing", ("weasyprint/pdf/", "pydyf")),
    ("compression", ("zlib",)),
)


def group_of(filename: str) -> str:
    for name, fragments in GROUPS:
        if any(fragment in filename for fragment in fragments):
            return name
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, figures = build_sample(folder)
        result = typeset(
            source,
            "md",
            samples.article_meta("vi"),
            folder / "work",
            xsd_path=None,
            figures=figures,
        )
        media = folder / "work" / "media"
        media.mkdir(exist_ok=True)
        for name, data in result.media.items():
            (media / name).write_bytes(data)
        write_pdf(result.html, media, jats=result.jats, first_page=12)  # warm fonts, caches
        profile = cProfile.Profile()
        started = time.perf_counter()
        for _ in range(args.runs):
            profile.runcall(write_pdf, result.html, media, jats=result.jats, first_page=12)
        wall = (time.perf_counter() - started) / args.runs
    stats = pstats.Stats(profile)
    groups: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        group = "other" if filename == "~" else group_of(filename)
        groups[group] = groups.get(group, 0.0) + tottime / args.runs
    total = sum(groups.values())
    print(f"WeasyPrint on the 17-page sample: {wall:.2f} s per PDF (wall, {args.runs} runs)")
    print(f"{'where':<42}{'s':>8}{'share':>8}")
    for group, seconds in sorted(groups.items(), key=lambda item: -item[1]):
        print(f"{group:<42}{seconds:>8.3f}{seconds / total:>8.0%}")
    print(f"\nthe {args.top} functions with the most time of their own:")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
