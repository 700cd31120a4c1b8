"""Queue the current state of everything listed (``journal bridge resync``)."""

from __future__ import annotations

from journal.extensions import db

from .experts import published_articles_of
from .models import ExpertProfile, Startup, TechnologyOffer
from .outbox import queue_delivery
from .payloads import KIND_TARGET, expert_object, offer_object, startup_object


def queue_everything(target: str | None = None) -> int:
    """One upsert per listed offer, listed startup and public expert (for ``target`` only,
    or all); committed. Returns how many were queued."""
    sources = {
        "technology_offer": lambda: (
            (o.id, offer_object(o))
            for o in db.session.execute(
                db.select(TechnologyOffer).where(TechnologyOffer.status == "approved")
            ).scalars()
        ),
        "startup": lambda: (
            (s.id, startup_object(s))
            for s in db.session.execute(
                db.select(Startup).where(Startup.status == "approved")
            ).scalars()
        ),
        "expert": lambda: (
            (p.id, expert_object(p, published_articles_of(p.user)))
            for p in db.session.execute(db.select(ExpertProfile)).scalars()
            if p.user.active
        ),
    }
    count = 0
    for kind, items in sources.items():
        if target and KIND_TARGET[kind] != target:
            continue
        for subject_id, obj in items():
            count += queue_delivery(kind, "upsert", subject_id, obj) is not None
    db.session.commit()
    return count
