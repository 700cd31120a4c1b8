"""The mail outbox: bilingual messages, real SMTP delivery, retries, development files."""

import pytest
from jinja2 import ChoiceLoader, DictLoader

from journal import mail
from journal.extensions import db
from journal.mail import OutboxMessage, deliver_pending, queue_mail, retry_failed

from .conftest import free_port


@pytest.fixture(autouse=True)
def probe_template(app):
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "mail/probe.subject.txt": "{{ _('Home') }}",
                    "mail/probe.txt": "{{ _('Log in') }}: {{ link }}",
                }
            ),
            app.jinja_env.loader,
        ]
    )


def test_message_is_bilingual_in_the_recipients_language_first(mail_app, smtp_server, users):
    users["author"].locale = "en"
    queue_mail(users["author"], "probe", link="https://journal.example.org/x")
    queue_mail(users["other_author"], "probe", link="https://journal.example.org/y")
    db.session.commit()
    assert deliver_pending() == 2
    by_to = {m["To"]: m for m in smtp_server.messages}
    english_first = by_to["author@example.org"]
    vietnamese_first = by_to["other@example.org"]
    assert english_first["Subject"] == "Home / Trang chủ"
    assert vietnamese_first["Subject"] == "Trang chủ / Home"
    body = english_first.get_content()
    assert body.index("Log in: https://journal.example.org/x") < body.index("Đăng nhập")


def test_smtp_down_keeps_the_message_and_a_retry_delivers_it(app, users, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    queue_mail(users["author"], "probe", link="L")
    db.session.commit()
    mail.deliver_after_commit()  # never raises, even with the server down
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "ConnectionRefused" in message.last_error
    assert deliver_pending() == 0  # backing off: not due yet
    app.config["MAIL_PORT"] = smtp_server.port
    retry_failed()
    assert deliver_pending() == 1
    assert [m["To"] for m in smtp_server.messages] == ["author@example.org"]
    db.session.refresh(message)
    assert message.sent_at is not None and message.last_error == ""


def test_each_message_is_sent_once(mail_app, smtp_server, users):
    queue_mail(users["author"], "probe", link="L")
    db.session.commit()
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    retry_failed()
    assert deliver_pending() == 0
    assert len(smtp_server.messages) == 1


def test_without_smtp_server_messages_are_written_to_the_instance_folder(app, users, tmp_path):
    from pathlib import Path

    queue_mail("someone@example.org", "probe", locale="vi", link="L")
    db.session.commit()
    assert deliver_pending() == 1
    files = list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"someone@example.org" in files[0].read_bytes()


def test_give_up_after_the_maximum_attempts(app, users):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    queue_mail(users["author"], "probe", link="L")
    db.session.commit()
    for _ in range(3):
        retry_failed()
        deliver_pending()
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert message.attempts == 2 and message.sent_at is None


def test_cli_mail_retry(runner, app, users):
    queue_mail(users["author"], "probe", link="L")
    db.session.commit()
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s)." in result.output


def test_every_mail_greets_the_person_by_name():
    """Each template opens with a greeting naming its recipient (``recipient_name``, set by
    ``render_message`` from the account or the name given for an address)."""
    from pathlib import Path

    import journal

    folder = Path(journal.__file__).parent / "templates" / "mail"
    bodies = sorted(p for p in folder.glob("*.txt") if not p.name.endswith(".subject.txt"))
    assert len(bodies) > 20
    for path in bodies:
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert '_("Hello %(name)s,", name=' in first, path.name


def test_render_message_greets_an_account_or_a_named_address(app):
    from journal.mail import render_message
    from tests.factories import make_user

    user = make_user("greet@example.org", "Huỳnh Thị Mai")
    _subject, body = render_message(
        user, "password_changed", user=user, link="https://example.org/"
    )
    assert body.splitlines()[0] == "Kính gửi Ông/Bà Huỳnh Thị Mai,"
    assert "Hello Huỳnh Thị Mai," in body
