"""Every user-facing string is in the catalogs, and translated into Vietnamese."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "journal" / "translations"


def _extract(tmp_path) -> set[str]:
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def _catalog(locale):
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def test_every_source_string_has_a_vietnamese_translation(tmp_path):
    in_source = _extract(tmp_path)
    vi = _catalog("vi")
    missing, untranslated = [], []
    for msgid in sorted(in_source):
        message = vi.get(msgid)
        if message is None:
            missing.append(msgid)
        elif (
            not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
            or message.fuzzy
        ):
            untranslated.append(msgid)
    assert missing == [], "not in vi catalog (run make extract-messages)"
    assert untranslated == [], "untranslated in vi catalog"


def test_english_catalog_knows_every_string(tmp_path):
    in_source = _extract(tmp_path)
    en = _catalog("en")
    assert sorted(m for m in in_source if en.get(m) is None) == []


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    for message in _catalog("vi"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[0]))
        for s in strings:
            assert set(placeholder.findall(s)) == wanted, message.id
