"""Every form drops control characters from its single-line fields (titles, names,
addresses end up in mail headers, file names and feeds); multi-line fields keep their
line breaks."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from journal.forms import JournalForm, single_line


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_application_is_a_journal_form(app):
    forms = [
        f for f in _subclasses(FlaskForm) if f.__module__.startswith(("journal", "exchange_bridge"))
    ]
    assert len(forms) >= 30
    strays = [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, JournalForm)]
    assert strays == []


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Máy sấy\r\nBcc: x@example.org", "Máy sấy Bcc: x@example.org"),
        ("Tên\x00 khởi\x07 nghiệp\t", "Tên khởi nghiệp"),
        ("a\u200bb\u202ec", "abc"),  # zero-width space, right-to-left override
        ("Đồng bằng sông Cửu Long", "Đồng bằng sông Cửu Long"),
    ],
)
def test_single_line_drops_control_characters(raw, clean):
    assert single_line(raw) == clean


def test_single_line_fields_are_cleaned_and_text_areas_keep_their_lines(app):
    class Probe(JournalForm):
        title = StringField(filters=[lambda v: v.strip() if v else v])
        body = TextAreaField()

    with app.test_request_context():
        data = MultiDict({"title": " Giống\r\nlúa\x00 ", "body": "Dòng một.\r\nDòng hai."})
        for _ in range(2):  # the filter is added once per form, never piled up
            form = Probe(formdata=data, meta={"csrf": False})
            assert form.title.data == "Giống lúa"
            assert form.body.data == "Dòng một.\r\nDòng hai."
            assert form.title.filters.count(single_line) == 1
