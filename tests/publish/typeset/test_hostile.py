"""Hostile and malformed manuscripts: a clear TypesetError and nothing produced, or, for
markup smuggled through Markdown, nothing of it reaching the galleys."""

from __future__ import annotations

import io
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from journal.errors import JournalError
from journal.publish.typeset import TypesetError, convert, render_pdf, typeset

from . import samples


@pytest.fixture
def http_server():
    """A local server that records every request it gets (it should get none)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(samples_png())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.hits = hits
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def samples_png() -> bytes:
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


def assert_refused(path, fmt, workdir, match, **kwargs):
    with pytest.raises(TypesetError, match=match) as caught:
        convert(path, fmt, workdir, **kwargs)
    assert isinstance(caught.value, JournalError) and caught.value.status == 422
    assert not (workdir / "media").exists()
    return caught.value


def test_corrupt_docx(tmp_path):
    path = tmp_path / "corrupt.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    assert_refused(path, "docx", tmp_path, "damaged")


def test_truncated_docx(tmp_path, sample_dir):
    good = samples.docx("vi", sample_dir, sample_dir / "figure.png").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(good[: len(good) // 2])
    assert_refused(path, "docx", tmp_path, "damaged")


def test_docx_linking_an_external_image_is_not_fetched(tmp_path, http_server):
    path = samples.docx_with_external_image(tmp_path, http_server.url + "/tracker.png")
    assert_refused(path, "docx", tmp_path, "outside the file")
    assert http_server.hits == []


def test_markdown_image_over_http_is_not_fetched(tmp_path, http_server):
    path = tmp_path / "remote.md"
    path.write_text(f"# Ảnh\n\n![map]({http_server.url}/map.png)\n", encoding="utf-8")
    assert_refused(path, "md", tmp_path, "not part of the manuscript")
    assert http_server.hits == []


def test_docx_with_embedded_ole_object(tmp_path):
    path = samples.docx_with_ole(tmp_path)
    assert_refused(path, "docx", tmp_path, "embedded objects")


def test_decompression_bomb_figure(tmp_path):
    bomb = samples.bomb_png(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 100_000
    path = tmp_path / "bomb.md"
    path.write_text("# Bom\n\n![Hình 1. Bom](bomb.png)\n", encoding="utf-8")
    assert_refused(path, "md", tmp_path, "decompression bomb", figures={"bomb.png": bomb})


def test_decompression_bomb_inside_docx(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Ảnh rất lớn.")
    document.add_picture(str(samples.bomb_png(tmp_path / "bomb.png")))
    path = tmp_path / "bomb.docx"
    document.save(path)
    assert_refused(path, "docx", tmp_path, "decompression bomb")


@pytest.mark.parametrize(
    ("source", "command"),
    [
        ("\\section{A}\n\\input{/etc/passwd}\n", "input"),
        ("\\section{A}\n\\immediate\\write18{touch /tmp/typeset-pwned}\n", "immediate"),
        ("\\section{A}\n\\write18{id}\n", "write18"),
        ("\\section{A}\n\\include{../../secret}\n", "include"),
    ],
)
def test_latex_that_reads_files_or_runs_commands(tmp_path, source, command):
    path = tmp_path / "hostile.tex"
    path.write_text(f"\\begin{{document}}\n{source}\\end{{document}}\n", encoding="utf-8")
    error = assert_refused(path, "tex", tmp_path, "reads or writes other files")
    assert f"\\{command}" in str(error)


def test_sandbox_blocks_includes_even_when_not_spotted(tmp_path):
    """Past the source check, pandoc's sandbox still reads nothing else."""
    from journal.publish.typeset.convert import run_pandoc

    (tmp_path / "m.tex").write_text(
        "\\begin{document}\nA \\input{/etc/hostname} B\n\\end{document}\n", encoding="utf-8"
    )
    result = run_pandoc(
        ["--sandbox", "-f", "latex", "-t", "plain", "m.tex"],
        tmp_path,
        time_limit=30,
        memory_limit=1 << 30,
    )
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip()
    assert result.returncode == 0
    assert b"Could not load include file" in result.stderr
    assert hostname.encode() not in result.stdout


@pytest.mark.parametrize("content", ["", "   \n\n  ", "---\ntitle: Chỉ có tiêu đề\n---\n"])
def test_empty_markdown(tmp_path, content):
    path = tmp_path / "empty.md"
    path.write_text(content, encoding="utf-8")
    assert_refused(path, "md", tmp_path, "empty|no content")


def test_empty_docx(tmp_path):
    assert_refused(samples.empty_docx(tmp_path), "docx", tmp_path, "no content")


def test_conversion_past_the_time_limit_is_killed(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("# Dài\n\n" + ("Một đoạn văn rất dài. " * 200 + "\n\n") * 400)
    assert_refused(path, "md", tmp_path, "longer than 0.05 seconds", time_limit=0.05)


def test_conversion_past_the_memory_limit_is_killed(tmp_path):
    path = tmp_path / "big.md"
    path.write_text("# Lớn\n\n" + ("chữ " * 200 + "\n\n") * 3000)
    assert_refused(path, "md", tmp_path, "more memory", memory_limit=160 << 20)


def test_wrong_text_encoding(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("# Tiêu đề\n".encode("utf-16"))
    assert_refused(path, "md", tmp_path, "UTF-8")


# ------------------------------------------------------------- smuggled markup

SECRET = "TOPSECRET-7f3a9c"

HOSTILE_MARKDOWN = """# Giới thiệu

<script>alert("xss")</script>

<iframe src="https://evil.example/"></iframe>

Đoạn văn có [liên kết độc](javascript:alert(1)) và [dữ liệu](data:text/html,<b>x</b>)
và <a href="javascript:alert(2)">khác</a> và <img src=x onerror=alert(3)>.

<link rel="attachment" href="file:///etc/hostname">
<link rel="attachment" href="file://{secret}">
<div style="background: url(file:///etc/hostname)">nền</div>
<style>body {{ background: url(file://{secret}) }}</style>

Một liên kết hợp lệ: <https://example.org/ok>.
"""


def pdf_payloads(pdf: bytes) -> bytes:
    """Every stream of the PDF, decompressed, joined."""
    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for number in range(1, len(reader.xref_objStm) + 5000):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112 - probing object numbers
            continue
        if obj is None:
            continue
        try:
            out.append(obj.get_data())
        except Exception:  # noqa: S112 - not a stream
            continue
    return b"\n".join(out)


def test_markup_smuggled_through_markdown_is_inert(tmp_path, xsd_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    path = tmp_path / "hostile.md"
    path.write_text(HOSTILE_MARKDOWN.format(secret=secret), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    result = typeset(path, "md", samples.article_meta("vi"), work, xsd_path=xsd_path)
    for galley in (result.jats.decode(), result.html):
        lowered = galley.lower()
        for bad in (
            "<script",
            "<iframe",
            "javascript:",
            "onerror",
            "<link",
            "<style",
            "file://",
            "data:text",
        ):
            assert bad not in lowered, bad
    assert 'href="https://example.org/ok"' in result.html
    reader = PdfReader(io.BytesIO(result.pdf))
    assert list(reader.attachments) == ["article.xml"]
    payloads = pdf_payloads(result.pdf)
    hostname = Path("/etc/hostname").read_bytes().strip()
    assert SECRET.encode() not in payloads and SECRET.encode() not in result.pdf
    assert b"/JavaScript" not in payloads and b"/JS " not in payloads
    assert b"javascript" not in payloads.lower()
    text = " ".join(p.extract_text() for p in reader.pages)
    assert hostname.decode() not in text.split()


def test_pdf_fetcher_serves_only_the_media_folder(tmp_path, http_server):
    """Even unsanitised HTML cannot pull anything else into the PDF."""
    media = tmp_path / "media"
    media.mkdir()
    (media / "ok.png").write_bytes(samples_png())
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    html = f"""<!DOCTYPE html><html lang="vi"><head><title>t</title>
<link rel="attachment" href="file:///etc/hostname" title="host">
<link rel="attachment" href="file://{secret}">
<link rel="attachment" href="media/ok.png">
<link rel="stylesheet" href="{http_server.url}/style.css">
<style>body {{ background: url(file://{secret}) }}
p {{ background: url({http_server.url}/bg.png) }}</style></head>
<body><p>Xin chào <a rel="attachment" href="file://{secret}">tệp</a></p>
<img src="../secret.txt"><img src="file:///etc/hostname"><img src="{http_server.url}/i.png">
<img src="media/../secret.txt"><img src="media/ok.png" alt="ok"></body></html>"""
    pdf = render_pdf(html, media, jats=b"<article/>")
    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["article.xml"]
    payloads = pdf_payloads(pdf)
    assert SECRET.encode() not in payloads
    assert http_server.hits == []
    # the one allowed image made it in
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 1


def test_compressed_secret_is_detectable():
    """The byte check above looks at decompressed streams, so it would see a leak."""
    blob = zlib.compress(SECRET.encode() * 3)
    assert SECRET.encode() not in blob
    assert SECRET.encode() in zlib.decompress(blob)
