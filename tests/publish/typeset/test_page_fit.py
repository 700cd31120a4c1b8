"""Pictures fit the page: an image in a paragraph, a list, a table cell and a figure is
scaled to the text block (aspect ratio kept); a figure's caption stays on its page; a long
title's running head is the short title from the metadata (or the title cut at a word), on
one line."""

from __future__ import annotations

import dataclasses
import subprocess

from PIL import Image

from journal.publish.typeset import typeset
from journal.publish.typeset.meta import RUNNING_HEAD_MAX

from . import samples

TEXT_BLOCK_INCHES = (210 - 20 - 20) / 25.4  # A4 less the print stylesheet's margins
LONG_TITLE = (
    "Đánh giá khả năng chịu mặn, năng suất và hiệu quả kinh tế của các giống lúa mới trong "
    "điều kiện xâm nhập mặn kéo dài tại các tỉnh ven biển đồng bằng sông Cửu Long giai đoạn "
    "2015–2024 và đề xuất giải pháp thích ứng"
)
MANUSCRIPT = (
    """# Mở đầu

Một hình rất rộng trong đoạn văn: ![](wide.png) và chữ tiếp theo.

- Trong danh sách: ![](wide.png)

| Cột | Hình |
|-----|------|
| 1 | ![](wide.png) |

![Hình 1. Sơ đồ rất rộng của thí nghiệm](wide.png){#fig-wide}

"""
    + "Xâm nhập mặn ở đồng bằng sông Cửu Long ngày càng nghiêm trọng. " * 400
)


def _wide_png(path):
    image = Image.new("RGB", (4000, 400), (30, 90, 160))
    image.save(path)
    return path


def _pdftotext(pdf: bytes, *options: str) -> str:
    return subprocess.run(
        ["/usr/bin/pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_running_head_is_short_and_images_fit_the_text_block(tmp_path, xsd_path):
    manuscript = tmp_path / "wide.md"
    manuscript.write_text(MANUSCRIPT, encoding="utf-8")
    meta = dataclasses.replace(samples.article_meta("vi"), title_vi=LONG_TITLE)
    result = typeset(
        manuscript,
        "md",
        meta,
        tmp_path / "work",
        xsd_path=xsd_path,
        figures={"wide.png": _wide_png(tmp_path / "wide.png")},
    )
    # the JATS carries the running head
    assert b'alt-title-type="running-head"' in result.jats
    head = meta.running_head
    assert len(head) <= RUNNING_HEAD_MAX and head.endswith("…")
    assert LONG_TITLE.startswith(head[:-1])

    pages = _pdftotext(result.pdf, "-layout").split("\f")[:-1]
    assert len(pages) >= 3
    second = pages[1].splitlines()
    header = next(line for line in second if line.strip())
    assert head in " ".join(header.split())  # on one line, shortened
    assert LONG_TITLE not in " ".join(pages[1].split())

    # every drawing of the wide picture is within the text block
    listing = subprocess.run(
        ["/usr/bin/pdfimages", "-list", "-"], input=result.pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = [line.split() for line in listing.splitlines()[2:] if line.split()]
    wide = [row for row in rows if row[3] == "4000"]
    assert len(wide) >= 4
    for row in wide:
        width_in = 4000 / float(row[12])
        height_in = 400 / float(row[13])
        assert width_in <= TEXT_BLOCK_INCHES + 0.01, row
        assert abs(width_in / height_in - 10) < 0.2  # aspect ratio kept

    # the figure's caption is on the page that shows the figure
    figure_page = next(n for n, page in enumerate(pages) if "Sơ đồ rất rộng" in page)
    page_of_images = {int(row[0]) - 1 for row in wide}
    assert figure_page in page_of_images
