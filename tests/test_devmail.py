"""Development mail: files named to sort by time, ``/dev/mail`` lists them newest first with
decoded subjects and shows each as escaped text with http(s) links only, whatever the files
hold; the pages exist in development only."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import pytest
from markupsafe import escape

from journal.extensions import db
from journal.mail import OutboxMessage, deliver_pending, queue_mail

NAME = re.compile(r"\d{8}T\d{12}Z-(\d{6})-someone-example-org\.eml")
VI_SUBJECT = "Lời mời phản biện bài báo"


@pytest.fixture
def dev_client(app, app_config, other_app):
    """A development server on the same database and instance folder (read in English)."""
    client = other_app({**app_config, "ENV": "development"}).test_client()
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def mail_dir(app) -> Path:
    folder = Path(app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _send_two():
    """Two real confirmation messages (Vietnamese first: the subject needs RFC 2047)."""
    user = SimpleNamespace(full_name="Nguyễn Văn An", email="someone@example.org", locale="vi")
    for link in ("https://journal.example.org/first", "https://journal.example.org/second"):
        queue_mail(user, "confirm_email", user=user, link=link, valid_for=timedelta(days=3))
        db.session.commit()
        assert deliver_pending() == 1


def test_files_are_named_by_time_outbox_id_and_recipient(app, mail_dir):
    _send_two()

    names = sorted(p.name for p in mail_dir.iterdir())
    ids = db.session.execute(db.select(OutboxMessage.id).order_by(OutboxMessage.id)).scalars().all()
    assert [int(NAME.fullmatch(n).group(1)) for n in names] == ids  # by time = by outbox order
    assert not [p for p in mail_dir.iterdir() if p.name.startswith(".")]  # no half-written file


def test_the_list_is_newest_first_and_each_message_reads_as_text(app, mail_dir, dev_client):
    _send_two()

    page = dev_client.get("/dev/mail/")

    assert page.status_code == 200
    first, second = sorted(p.name for p in mail_dir.iterdir())
    assert page.text.index(second) < page.text.index(first)
    assert "someone@example.org" in page.text
    subject = db.session.execute(db.select(OutboxMessage.subject)).scalars().first()
    assert not subject.isascii() and str(escape(subject)) in page.text
    assert b"=?utf-8?" in (mail_dir / first).read_bytes()  # encoded in the file, decoded here
    shown = dev_client.get(f"/dev/mail/{second}")
    assert shown.status_code == 200
    link = '<a href="https://journal.example.org/second" rel="noopener noreferrer">'
    assert link in shown.text


def _eml(subject: str, to: str, body: str, charset: str = "utf-8") -> bytes:
    return (
        f"From: Journal <no-reply@mekongjournal.vn>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Tue, 01 Dec 2026 09:15:00 +0000\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: text/plain; charset="{charset}"\r\n'
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()


def test_hostile_messages_are_shown_as_text(mail_dir, dev_client):
    encoded = base64.b64encode(VI_SUBJECT.encode()).decode()
    (mail_dir / "20261201T091500000000Z-000001-hostile.eml").write_bytes(
        _eml(
            f'<script>alert("s")</script> =?utf-8?b?{encoded}?=',
            '"<img src=x onerror=alert(1)>" <x@example.org>',
            "<b>bold</b> javascript:alert(1)\n"
            "Open https://journal.example.org/review/1?a=1&b=2.\n"
            'Or http://evil.example/"onmouseover="alert(2) and <a href="https://evil.example">x</a>',
        )
    )

    listing = dev_client.get("/dev/mail/")
    shown = dev_client.get("/dev/mail/20261201T091500000000Z-000001-hostile.eml")

    for page in (listing, shown):
        assert page.status_code == 200
        assert VI_SUBJECT in page.text  # RFC 2047, decoded
        assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
        assert "<img src=x" not in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown.text
    assert (
        '<a href="https://journal.example.org/review/1?a=1&amp;b=2" rel="noopener noreferrer">'
        in shown.text
    )
    body = lxml.html.fragment_fromstring(
        shown.text.split('<pre class="dev-mail-body">')[1].split("</pre>")[0],
        create_parent="pre",
    )
    links = list(body.iterdescendants())
    assert {e.tag for e in links} == {"a"}  # no other element came through
    assert all(set(a.attrib) == {"href", "rel"} for a in links)  # and no other attribute
    assert [a.get("href") for a in links] == [
        "https://journal.example.org/review/1?a=1&b=2",
        "http://evil.example/",
        "https://evil.example",
    ]
    assert "javascript:alert(1)" in body.text_content()  # shown, never linked


def test_broken_files_do_not_break_the_pages(mail_dir, dev_client):
    (mail_dir / "20261201T090000000000Z-000002-garbage.eml").write_bytes(b"\x00\xff\xfe\x80\x81")
    (mail_dir / "20261201T090100000000Z-000003-charset.eml").write_bytes(
        _eml("Bad charset", "x@example.org", "Xin chào", charset="x-no-such-charset")
    )
    (mail_dir / "notes.txt").write_text("not mail")

    listing = dev_client.get("/dev/mail/")
    garbage = dev_client.get("/dev/mail/20261201T090000000000Z-000002-garbage.eml")
    charset = dev_client.get("/dev/mail/20261201T090100000000Z-000003-charset.eml")

    assert listing.status_code == 200 and "notes.txt" not in listing.text
    assert "not a readable message: 20261201T090000000000Z-000002-garbage.eml" in listing.text
    assert garbage.status_code == 200
    assert charset.status_code == 200 and "Bad charset" in charset.text
    assert "could not be read as an e-mail message" in charset.text
    assert "LookupError" in charset.text


@pytest.mark.parametrize(
    "path",
    [
        "/dev/mail/..%2Fsecret_key",
        "/dev/mail/secret_key",
        "/dev/mail/.hidden.eml",
        "/dev/mail/missing.eml",
    ],
)
def test_only_mail_files_of_the_folder_are_shown(mail_dir, dev_client, path):
    (mail_dir / ".hidden.eml").write_bytes(_eml("hidden", "x@example.org", "hidden"))

    assert dev_client.get(path).status_code == 404


@pytest.mark.parametrize("env", ["production", "testing"])
def test_there_is_no_dev_mail_outside_development(app_config, mail_dir, env, other_app):
    (mail_dir / "20261201T091500000000Z-000001-x.eml").write_bytes(_eml("s", "x@x.org", "b"))
    other = other_app({**app_config, "ENV": env})

    client = other.test_client()

    assert client.get("/dev/mail/").status_code == 404
    assert client.get("/dev/mail/20261201T091500000000Z-000001-x.eml").status_code == 404
