"""Listeners of the journal's signals. They run after the journal's step is committed, in
their own transaction; a failure here is logged and never undoes or breaks that step.

Connected once (module-level functions: blinker keeps one connection however many apps
are made); each acts only in an app where the bridge is registered.
"""

from __future__ import annotations

import functools
import logging

from flask import current_app, has_app_context

from journal import signals
from journal.extensions import db

log = logging.getLogger(__name__)
EXTENSION = "exchange_bridge"


def _registered() -> bool:
    return has_app_context() and EXTENSION in current_app.extensions


def _guarded(func):
    @functools.wraps(func)
    def receiver(sender, **kwargs):
        if not _registered():
            return None
        try:
            return func(sender, **kwargs)
        except Exception:
            db.session.rollback()
            log.exception("exchange bridge: %s failed", func.__name__)
            return None

    return receiver


def _authors(article) -> list:
    """Accounts of the article's authors (by account or e-mail address)."""
    from journal.accounts.models import User

    submission = article.submission
    ids = {a.user_id for a in submission.authors if a.user_id}
    emails = {a.email.strip().casefold() for a in submission.authors if a.email}
    if not ids and not emails:
        return []
    return list(
        db.session.execute(
            db.select(User).where(db.or_(User.id.in_(ids), db.func.lower(User.email).in_(emails)))
        ).scalars()
    )


def _refresh_authors(article) -> None:
    from .experts import refresh_expert

    for user in _authors(article):
        refresh_expert(user)


@_guarded
def on_article_published(article, **_extra):
    from .offers import draft_offer

    draft_offer(article)
    _refresh_authors(article)


@_guarded
def on_article_unpublished(article, **_extra):
    from .offers import withdraw_offer_of_unpublished
    from .startups import refresh_startups_of

    withdraw_offer_of_unpublished(article)
    refresh_startups_of(article)
    _refresh_authors(article)


@_guarded
def on_profile_changed(user, **_extra):
    from .experts import refresh_expert

    refresh_expert(user)


@_guarded
def on_reviewer_expertise(submission, **_extra):
    from .experts import expertise_for_review

    return expertise_for_review()


def on_demo_loaded(app, people=None, tasks=None, **_extra):
    """Not guarded: a demo that cannot load should say so."""
    if not _registered():
        return
    from .demo import load_bridge_demo

    load_bridge_demo(people or {}, tasks or {})


def connect() -> None:
    signals.article_published.connect(on_article_published)
    signals.article_unpublished.connect(on_article_unpublished)
    signals.profile_changed.connect(on_profile_changed)
    signals.reviewer_expertise.connect(on_reviewer_expertise)
    signals.demo_loaded.connect(on_demo_loaded)
