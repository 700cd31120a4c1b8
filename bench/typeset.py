"""Typesetting benchmark: a ~20-page article (text, 5 figures, 3 tables, 10 equations,
40 references) through the whole pipeline, several times, against raw pandoc and raw
WeasyPrint on the same input.

    .venv/bin/python bench/typeset.py [--runs 5] [--xsd ../shared/schemas/jats/...xsd]

Target: pipeline ≤ 1.15 × (raw pandoc + raw WeasyPrint). The pipeline's PDF is PDF/A-3b, tagged,
made in a bounded child process; raw WeasyPrint is a plain `write_pdf` in this process.
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

from journal.publish.typeset import STAGES, load_schema, typeset  # noqa: E402
from journal.publish.typeset.convert import pandoc_path  # noqa: E402
from journal.publish.typeset.pdfgalley import print_stylesheet  # noqa: E402
from tests.publish.typeset import samples  # noqa: E402

PARAGRAPH = (
    "Xâm nhập mặn ở đồng bằng sông Cửu Long ngày càng nghiêm trọng, ảnh hưởng đến sinh kế của "
    "hàng triệu nông hộ. Nghiên cứu phân tích số liệu quan trắc độ mặn, năng suất lúa và các "
    "biện pháp thích ứng tại bốn tỉnh An Giang, Cà Mau, Cần Thơ và Kiên Giang trong giai đoạn "
    "2015–2024, kết hợp khảo sát thực địa và mô hình hóa thủy văn. "
)
EQUATIONS = [
    r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i",
    r"s^2 = \frac{1}{n-1}\sum_{i=1}^{n}(x_i - \bar{x})^2",
    r"y_i = \beta_0 + \beta_1 x_i + \varepsilon_i",
    r"Y = a \cdot e^{-bS}",
    r"E = mc^2",
    r"R^2 = 1 - \frac{SS_{res}}{SS_{tot}}",
    r"\sqrt{a^2 + b^2}",
    r"P(A \mid B) = \frac{P(B \mid A) P(A)}{P(B)}",
    r"\int_0^T Q(t)\,dt",
    r"\Delta S = S_t - S_{t-1}",
]


def build_sample(folder: Path) -> tuple[Path, dict[str, Path]]:
    figures = {}
    for n in range(1, 6):
        figures[f"fig{n}.png"] = samples.figure_png(folder / f"fig{n}.png", text=f"F{n}")
    refs = []
    for n in range(1, 41):
        refs.append(
            f"- id: ref{n}\n  type: article-journal\n"
            f"  author: [{{family: Nguyễn, given: Văn {n}}}, {{family: Smith, given: John}}]\n"
            f"  title: Nghiên cứu số {n} về xâm nhập mặn\n"
            f"  container-title: Tạp chí Khoa học Nông nghiệp\n"
            f"  issued: {{date-parts: [[{2000 + n % 24}]]}}\n  volume: {n}\n"
            f"  page: {n}-{n + 9}\n  DOI: 10.5555/bench.{n}\n"
        )
    parts = [f"---\ntitle: Bench\nreferences:\n{''.join(refs)}---\n"]
    for section in range(1, 11):
        parts.append(f"# Phần {section}\n")
        for p in range(6):
            cites = f" [@ref{(section * 4 + p) % 40 + 1}]"
            parts.append(PARAGRAPH * 2 + cites + "\n")
        parts.append(f"$$ {EQUATIONS[section - 1]} $$\n")
        if section <= 5:
            parts.append(
                f"![Hình {section}. Sơ đồ thí nghiệm số {section}](fig{section}.png)"
                f"{{#fig-{section}}}\n"
            )
        if section in (2, 5, 8):
            rows = "\n".join(f"| {r} | {r * 1.5:.1f} | {r * 0.7:.2f} |" for r in range(1, 9))
            parts.append(
                f"| Độ mặn | Năng suất | Tỉ lệ |\n|---|---|---|\n{rows}\n\n"
                f": Bảng {section}. Số liệu\n"
            )
    parts.append("# Tài liệu tham khảo\n")
    source = folder / "bench.md"
    source.write_text("\n".join(parts), encoding="utf-8")
    return source, figures


def raw_pandoc(source: Path, folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            pandoc_path(),
            "-s",
            "-f",
            "commonmark_x",
            "-t",
            "jats_publishing",
            "--mathml",
            "--citeproc",
            "-o",
            str(folder / "raw.xml"),
            str(source),
        ],
        check=True,
        cwd=folder,
        capture_output=True,
    )
    return time.perf_counter() - started


def raw_weasyprint(html: str, base: Path) -> float:
    from weasyprint import HTML

    started = time.perf_counter()
    HTML(string=html, base_url=base.as_uri() + "/").write_pdf(stylesheets=[print_stylesheet()])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--xsd",
        default=str(ROOT.parent / "shared/schemas/jats/JATS-journalpublishing1-3-mathml3.xsd"),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, figures = build_sample(folder)
        started = time.perf_counter()
        load_schema(str(Path(args.xsd).resolve()))
        print(f"schema loaded once in {time.perf_counter() - started:.2f} s (cached after)")
        meta = samples.article_meta("vi")

        rows = []
        result = None
        for run in range(args.runs + 1):  # the first run warms fonts and caches
            marks: list[tuple[str, float]] = []
            workdir = folder / f"run{run}"
            workdir.mkdir()
            started = time.perf_counter()
            result = typeset(
                source,
                "md",
                meta,
                workdir,
                xsd_path=args.xsd,
                figures=figures,
                progress=lambda stage, marks=marks: marks.append((stage, time.perf_counter())),
            )
            ended = time.perf_counter()
            stamps = [t for _, t in marks] + [ended]
            stages = {name: stamps[i + 1] - stamps[i] for i, (name, _) in enumerate(marks)}
            if run:
                rows.append((ended - started, stages))
        html_base = folder / "run1"
        pandoc_times = [raw_pandoc(source, folder) for _ in range(args.runs)]
        weasy_times = [raw_weasyprint(result.html, html_base) for _ in range(args.runs)]

    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(result.pdf)).pages)
    median = statistics.median
    total = median(r[0] for r in rows)
    raw_p, raw_w = median(pandoc_times), median(weasy_times)
    print(
        f"sample: {pages} pages, 5 figures, 3 tables, 10 equations, 40 references; "
        f"median of {args.runs} runs"
    )
    print(f"{'stage':<12}{'pipeline s':>12}{'raw s':>10}{'ratio':>8}")
    for stage in STAGES:
        value = median(r[1][stage] for r in rows)
        raw = {"converting": raw_p, "pdf": raw_w}.get(stage)
        ratio = f"{value / raw:.2f}" if raw else ""
        print(f"{stage:<12}{value:>12.3f}{(f'{raw:.3f}' if raw else ''):>10}{ratio:>8}")
    print(f"{'total':<12}{total:>12.3f}{raw_p + raw_w:>10.3f}{total / (raw_p + raw_w):>8.2f}")
    verdict = "ok" if total <= 1.15 * (raw_p + raw_w) else "MISSED"
    print(f"target ≤ 1.15 × raw: {verdict}")


if __name__ == "__main__":
    main()
