"""``journal typeset MANUSCRIPT [--metadata FILE.json] --out DIR``: the production pipeline
outside the workflow, its galleys and report written into DIR, exit 0 or a plain error."""

from __future__ import annotations

import json

from lxml import etree

from ..typeset import samples
from .support import HOSTILE_TEX

METADATA = {
    "language": "vi",
    "title_vi": "Khả năng chịu mặn của giống lúa OM18",
    "title_en": "Salinity tolerance of the OM18 rice variety",
    "abstract_vi": "Nghiên cứu đánh giá khả năng chịu mặn.",
    "abstract_en": "We assessed salinity tolerance.",
    "keywords_vi": ["lúa", "xâm nhập mặn"],
    "authors": [
        {
            "name": "Nguyễn Văn An",
            "affiliation": "Trường Đại học Cần Thơ",
            "corresponding": True,
            "email": "an@example.org",
        },
        {"name": "John Smith", "orcid": "0000-0002-1825-0097"},
    ],
    "doi": "10.99999/mdjst.2026.0042",
    "volume": 4,
    "issue": 2,
    "fpage": 31,
    "lpage": 33,
    "pub_date": "2026-06-30",
    "history": {"received": "2026-01-05", "accepted": "2026-04-01"},
}


def test_typeset_a_manuscript_with_its_metadata(app, runner, tmp_path, xsd_path):
    source = tmp_path / "in"
    source.mkdir()
    manuscript = source / "bai-bao.md"
    manuscript.write_text(samples.markdown("vi"), encoding="utf-8")
    samples.figure_png(source / "figure.png")
    metadata = tmp_path / "meta.json"
    metadata.write_text(json.dumps(METADATA, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        args=["typeset", str(manuscript), "--metadata", str(metadata), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    jats = etree.parse(str(out / "article.xml")).getroot()
    meta = jats.find("front/article-meta")
    assert meta.findtext("article-id[@pub-id-type='doi']") == METADATA["doi"]
    assert (meta.findtext("volume"), meta.findtext("fpage")) == ("4", "31")
    assert meta.find("pub-date").get("iso-8601-date") == "2026-06-30"
    assert [c.findtext("name/surname") for c in meta.iter("contrib")] == ["Nguyễn", "Smith"]
    assert "Trích dẫn" in (out / "article.html").read_text(encoding="utf-8")
    assert (out / "article.pdf").read_bytes().startswith(b"%PDF")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["media"]) == 1  # the figure
    assert all((out / "media" / name).is_file() for name in report["media"])
    assert report["format"] == "md" and report["schema_validated"] is True
    assert report["pdf_pages"] >= 1
    assert set(report["seconds"]) == {"converting", "enriching", "validating", "html", "pdf"}


def test_without_metadata_the_file_name_is_the_title(app, runner, tmp_path):
    manuscript = tmp_path / "ghi-chep.md"
    manuscript.write_text("# Mở đầu\n\nLúa chịu mặn ở Cà Mau.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(args=["typeset", str(manuscript), "--out", str(out)])
    assert result.exit_code == 0, result.output
    jats = etree.parse(str(out / "article.xml")).getroot()
    assert jats.findtext("front/article-meta/title-group/article-title") == "ghi-chep"


def test_plain_errors(app, runner, tmp_path):
    hostile = tmp_path / "hostile.tex"
    hostile.write_text(HOSTILE_TEX, encoding="utf-8")
    result = runner.invoke(args=["typeset", str(hostile), "--out", str(tmp_path / "o1")])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o1" / "article.pdf").exists()

    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    result = runner.invoke(args=["typeset", str(other), "--out", str(tmp_path / "o2")])
    assert result.exit_code == 1 and "not a manuscript the pipeline reads" in result.output

    manuscript = tmp_path / "a.md"
    manuscript.write_text("Lúa.\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"pub_date": "30/06/2026"}', encoding="utf-8")
    result = runner.invoke(
        args=["typeset", str(manuscript), "--metadata", str(bad), "--out", str(tmp_path / "o3")]
    )
    assert result.exit_code == 1
    assert "The metadata cannot be used" in result.output and "YYYY-MM-DD" in result.output
