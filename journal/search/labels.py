"""Display names of facet values (province and section codes, languages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..provinces import all_provinces
from ..submissions.models import Section

LANGUAGES = {"vi": _l("Vietnamese"), "en": _l("English")}


def facet_labels(locale: str) -> dict[str, dict[str, str]]:
    """``{facet: {value: label}}``; values without a label are shown as they are."""
    english = locale == "en"
    sections = db.session.execute(db.select(Section)).scalars()
    return {
        "province": {p.code: p.name_en if english else p.name_vi for p in all_provinces()},
        "section": {s.code: s.name(locale) for s in sections},
        "language": {code: str(label) for code, label in LANGUAGES.items()},
        "year": {},
    }
