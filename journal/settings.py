"""The journal's own settings, kept in the database and edited by administrators.

Titles, ISSNs, publisher, DOI pattern, contact and the texts of the public pages
are the journal's, not the deployment's: an administrator changes them on a page
(``/admin/settings``) and every change is in the event log with its author. Each setting
still has a default in ``journal/config.py``, and a value set for the deployment
(``instance/config.py``, a ``JOURNAL_*`` environment variable, or the app's test config)
wins over the database, so an operator can pin one; the settings page shows it as fixed.

Readers call :func:`journal_settings` (one query per application context).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from crossref.identifiers import normalize_issn

from . import config as config_defaults
from .events import Event, record_event
from .extensions import db
from .models_base import UTCDateTime, utcnow

log = logging.getLogger(__name__)

EVENT_ACTION = "settings_changed"


class JournalSetting(db.Model):
    __tablename__ = "journal_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SettingsError(ValueError):
    """A value an administrator gave is not acceptable; ``problems`` maps key → message."""

    def __init__(self, problems: Mapping[str, object]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


class StaleSettingsError(RuntimeError):
    """The settings changed since the page was loaded; ``version`` is the current one."""

    def __init__(self, version: str):
        super().__init__("the journal settings changed meanwhile")
        self.version = version


@dataclass(frozen=True)
class Setting:
    key: str  # the configuration name (its default lives in journal/config.py)
    label: object
    kind: str = "line"  # line, text, issn, doi_prefix, doi_template, email
    group: str = "identity"
    required: bool = False
    max_length: int = 300
    help: object = ""


SETTINGS = (
    Setting("JOURNAL_TITLE_VI", _l("Journal title in Vietnamese"), required=True),
    Setting("JOURNAL_TITLE_EN", _l("Journal title in English"), required=True),
    Setting(
        "JOURNAL_ABBREV_TITLE",
        _l("Abbreviated title"),
        max_length=100,
        help=_l("As indexers and citations print it (ISO 4), e.g. Mekong Delta J. Sci. Technol."),
    ),
    Setting("ISSN_PRINT", _l("ISSN (print)"), kind="issn", help=_l("NNNN-NNNC")),
    Setting(
        "ISSN_ONLINE",
        _l("ISSN (online)"),
        kind="issn",
        help=_l("NNNN-NNNC. A valid JATS article and a Crossref deposit need at least one ISSN."),
    ),
    Setting("JOURNAL_PUBLISHER", _l("Publisher"), required=True),
    Setting("JOURNAL_PUBLISHER_LOC", _l("Publisher's place"), max_length=200),
    Setting(
        "DOI_PREFIX",
        _l("DOI prefix"),
        kind="doi_prefix",
        group="identifiers",
        required=True,
        max_length=20,
        help=_l("The prefix Crossref gave the journal, e.g. 10.12345."),
    ),
    Setting(
        "DOI_SUFFIX_TEMPLATE",
        _l("DOI suffix pattern"),
        kind="doi_template",
        group="identifiers",
        required=True,
        max_length=100,
        help=_l(
            "{year} is the year the DOI is assigned, {submission} the submission's number "
            "(required: it makes each DOI unique), e.g. mdj.{year}.{submission:05d}. A DOI "
            "once assigned never changes."
        ),
    ),
    Setting("CONTACT_EMAIL", _l("Contact e-mail address"), kind="email", group="contact"),
    Setting("CONTACT_ADDRESS", _l("Postal address"), kind="text", group="contact"),
    Setting(
        "DESCRIPTION_VI",
        _l("Short description (Vietnamese)"),
        kind="text",
        group="texts",
        max_length=1000,
    ),
    Setting(
        "DESCRIPTION_EN",
        _l("Short description (English)"),
        kind="text",
        group="texts",
        max_length=1000,
    ),
    Setting(
        "AIMS_SCOPE_VI",
        _l("Aims and scope (Vietnamese)"),
        kind="text",
        group="texts",
        max_length=20000,
    ),
    Setting(
        "AIMS_SCOPE_EN",
        _l("Aims and scope (English)"),
        kind="text",
        group="texts",
        max_length=20000,
    ),
    Setting(
        "ABOUT_VI",
        _l("About the journal (Vietnamese)"),
        kind="text",
        group="texts",
        max_length=20000,
    ),
    Setting(
        "ABOUT_EN", _l("About the journal (English)"), kind="text", group="texts", max_length=20000
    ),
    Setting(
        "GUIDELINES_VI",
        _l("Author guidelines (Vietnamese)"),
        kind="text",
        group="texts",
        max_length=20000,
    ),
    Setting(
        "GUIDELINES_EN",
        _l("Author guidelines (English)"),
        kind="text",
        group="texts",
        max_length=20000,
    ),
    Setting(
        "POLICIES_VI", _l("Policies (Vietnamese)"), kind="text", group="texts", max_length=20000
    ),
    Setting("POLICIES_EN", _l("Policies (English)"), kind="text", group="texts", max_length=20000),
    Setting(
        "REVIEW_QUESTIONS",
        _l("Questions of the review form"),
        kind="questions",
        group="review",
        required=True,
        max_length=5000,
        help=_l(
            "One question a line: key | Vietnamese | English, e.g. method | Phương pháp "
            "nghiên cứu | Method. Reviewers rate each from poor to excellent; a key, once "
            "answered, keeps its meaning."
        ),
    ),
)
BY_KEY = {s.key: s for s in SETTINGS}
GROUPS = {
    "identity": _l("The journal"),
    "identifiers": _l("DOIs"),
    "contact": _l("Contact"),
    "texts": _l("Texts of the public pages"),
    "review": _l("Review"),
}


class JournalSettings(dict):
    """The effective settings: key → value (strings; empty when unset), plus ``pinned``,
    the keys fixed by the deployment, and ``version``, a digest of the stored values."""

    pinned: frozenset[str] = frozenset()
    version: str = ""

    @property
    def issns(self) -> tuple[str, ...]:
        return tuple(v for v in (self["ISSN_PRINT"], self["ISSN_ONLINE"]) if v)


def _default(key: str):
    return getattr(config_defaults, key, None)


def pinned_keys() -> frozenset[str]:
    """The settings a deployment fixed: set in instance/config.py, a JOURNAL_* variable or
    the test config (recorded by the app factory), or changed in the app's config since."""
    cfg = current_app.config
    explicit = cfg.get("PINNED_SETTINGS", frozenset())
    return frozenset(
        s.key for s in SETTINGS if s.key in explicit or cfg.get(s.key) != _default(s.key)
    )


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def _stored() -> dict[str, str]:
    return {
        row.key: row.value
        for row in db.session.execute(db.select(JournalSetting)).scalars()
        if row.key in BY_KEY
    }


def _load() -> JournalSettings:
    cfg = current_app.config
    stored = _stored()
    pinned = pinned_keys()
    values = JournalSettings()
    for setting in SETTINGS:
        if setting.key in pinned or setting.key not in stored:
            values[setting.key] = _clean(cfg.get(setting.key))
        else:
            values[setting.key] = stored[setting.key]
    values.pinned = pinned
    values.version = hashlib.sha256(
        json.dumps(sorted(stored.items()), ensure_ascii=False).encode()
    ).hexdigest()[:16]
    return values


def journal_settings() -> JournalSettings:
    """The effective settings, read once per application context."""
    config = tuple(current_app.config.get(s.key) for s in SETTINGS)
    cached = g.get("journal_settings")
    if cached is None or cached[0] != config:  # the app's config changed (tests, demo)
        try:
            g.journal_settings = cached = (config, _load())
        except SQLAlchemyError:
            # An error page for a broken database still shows the journal's name.
            log.exception("journal settings could not be read; the defaults are shown")
            return _defaults()
    return cached[1]


def _defaults() -> JournalSettings:
    values = JournalSettings({s.key: _clean(current_app.config.get(s.key)) for s in SETTINGS})
    values.pinned = pinned_keys()
    return values


def forget_cached_settings() -> None:
    g.pop("journal_settings", None)


# --- checking what an administrator gives -------------------------------------------------

_DOI_PREFIX = re.compile(r"10\.[0-9]{4,9}")
_DOI_SUFFIX = re.compile(r"[A-Za-z0-9\-._;()/:]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_value(setting: Setting, raw) -> tuple[str, object | None]:
    """The normal form of ``raw`` for ``setting``, and a problem (a message) or None."""
    value = _clean(raw).replace("\r\n", "\n")
    if setting.kind not in ("text", "questions"):
        value = " ".join(value.split())
    if "\x00" in value:
        return value, _l("This text holds a character that cannot be stored (NUL).")
    if not value:
        return value, (_l("This setting is required.") if setting.required else None)
    if len(value) > setting.max_length:
        return value, _l("At most %(n)d characters.", n=setting.max_length)
    if setting.kind == "issn":
        issn = normalize_issn(value)
        if issn is None:
            return value, _l(
                "Not a valid ISSN: it has the form NNNN-NNNC and its last character is a "
                "check digit (0–9 or X)."
            )
        return issn, None
    if setting.kind == "doi_prefix":
        if not _DOI_PREFIX.fullmatch(value):
            return value, _l("A DOI prefix is 10. followed by four to nine digits, e.g. 10.12345.")
        return value, None
    if setting.kind == "doi_template":
        return value, _check_doi_template(value)
    if setting.kind == "questions":
        try:
            questions = parse_review_questions(value)
        except ValueError as error:
            return value, error.args[0]
        return "\n".join(f"{q.key} | {q.vi} | {q.en}" for q in questions), None
    if setting.kind == "email":
        if not _EMAIL.fullmatch(value) or len(value) > 254:
            return value, _l("Not a valid e-mail address.")
        return value, None
    return value, None


@dataclass(frozen=True)
class ReviewQuestion:
    key: str
    vi: str
    en: str

    def text(self, locale) -> str:
        return self.en if str(locale) == "en" else self.vi


_QUESTION_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def parse_review_questions(text: str) -> list[ReviewQuestion]:
    """``key | Vietnamese | English`` lines; ValueError(message) names the first bad line."""
    questions, keys = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(
                _l("Line %(n)d: write key | Vietnamese question | English question.", n=number)
            )
        key, vi, en = parts
        if not _QUESTION_KEY.fullmatch(key):
            raise ValueError(
                _l(
                    "Line %(n)d: the key is lowercase letters, digits and _ (e.g. method).",
                    n=number,
                )
            )
        if key in keys:
            raise ValueError(_l("Line %(n)d: the key %(key)s is used twice.", n=number, key=key))
        keys.add(key)
        questions.append(ReviewQuestion(key, vi[:300], en[:300]))
    return questions


def review_questions() -> list[ReviewQuestion]:
    """The questions of the review form, from the journal settings."""
    try:
        return parse_review_questions(journal_settings()["REVIEW_QUESTIONS"])
    except ValueError:  # a value pinned by the deployment and never checked
        log.warning("REVIEW_QUESTIONS cannot be read; the review form asks none")
        return []


def _check_doi_template(template: str):
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:  # unbalanced braces
        return _l("The pattern cannot be filled in: check its braces and formats.")
    if not names <= {"year", "submission"}:
        return _l("Only {year} and {submission} may be used in the pattern.")
    if "submission" not in names:
        return _l("The pattern needs {submission}: without it two articles get the same DOI.")
    try:
        suffixes = {template.format(year=2026, submission=n) for n in (1, 12, 12345)}
    except (ValueError, IndexError, KeyError, AttributeError):
        return _l("The pattern cannot be filled in: check its braces and formats.")
    if len(suffixes) != 3 or not all(_DOI_SUFFIX.fullmatch(s) for s in suffixes):
        return _l(
            "The DOIs this pattern makes would hold characters a DOI should not (use letters, "
            "digits and - . _ ; ( ) / :)."
        )
    return None


# --- the service ---------------------------------------------------------------------------


def update_journal_settings(actor, values: Mapping[str, object], *, version: str) -> list[str]:
    """Store the settings an administrator gave; returns the keys that changed.

    Pinned settings are left alone. Every changed key is one event (old → new, for the
    short ones). Raises ``SettingsError`` (nothing written) or ``StaleSettingsError`` when
    someone saved in between (``version`` is the one the page showed)."""
    current = _load()
    if version != current.version:
        raise StaleSettingsError(current.version)
    problems, clean = {}, {}
    for key, raw in values.items():
        setting = BY_KEY.get(key)
        if setting is None or key in current.pinned:
            continue
        value, problem = check_value(setting, raw)
        if problem is not None:
            problems[key] = problem
        clean[key] = value
    if problems:
        raise SettingsError(problems)
    changed = [k for k, v in clean.items() if v != current[k]]
    if not changed:
        return []
    rows = {
        row.key: row
        for row in db.session.execute(
            db.select(JournalSetting).where(JournalSetting.key.in_(changed))
        ).scalars()
    }
    now = utcnow()
    for key in changed:
        row = rows.get(key) or JournalSetting(key=key)
        row.value, row.updated_at, row.updated_by_id = clean[key], now, getattr(actor, "id", None)
        db.session.add(row)
        record_event(
            EVENT_ACTION, actor=actor, note=_describe_change(key, current[key], clean[key])
        )
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    forget_cached_settings()
    return changed


def _describe_change(key: str, old: str, new: str) -> str:
    if BY_KEY[key].kind in ("text", "questions") or len(old) > 80 or len(new) > 80:
        return f"{key}: {len(old)} → {len(new)} characters"
    return f"{key}: “{old}” → “{new}”"


def settings_history(limit: int = 30) -> list[Event]:
    return list(
        db.session.execute(
            db.select(Event)
            .where(Event.action == EVENT_ACTION)
            .order_by(Event.id.desc())
            .limit(limit)
        ).scalars()
    )
