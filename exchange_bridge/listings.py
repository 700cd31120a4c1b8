"""The state the public listings (pages, feeds, API) are made from, for their validators
(journal/publish/conditional.py): the latest change and the number of rows of each listed
table (an expert profile can be deleted), and the published record, which the experts'
publications come from."""

from __future__ import annotations

from datetime import datetime

from journal.extensions import db
from journal.publish.conditional import latest_of, record_state

from .models import ExpertProfile, Startup, TechnologyOffer, TechnologyRequest

LISTED = (TechnologyOffer, Startup, ExpertProfile, TechnologyRequest)


def listing_state() -> tuple[datetime | None, str]:
    columns = []
    for model in LISTED:
        columns.append(db.select(db.func.max(model.updated_at)).scalar_subquery())
        columns.append(db.select(db.func.count(model.id)).scalar_subquery())
    row = db.session.execute(db.select(*columns)).one()
    journal_latest, journal_fingerprint = record_state()
    latest = latest_of(journal_latest, *row[0::2])
    stamps = "|".join(str(latest_of(v) or "-") for v in row[0::2])
    counts = "|".join(str(c) for c in row[1::2])
    return latest, f"{stamps}|{counts}|{journal_fingerprint}"
