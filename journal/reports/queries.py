"""The journal's figures as SQL: counts are made in the database, durations fetched for the
medians. Every function takes a ``Period`` and returns what ``Period.count`` or
``Period.durations`` return: values per (province id, year).

Where the numbers come from:

- submissions: ``Submission.submitted_at`` (the first submission; a revision keeps it);
- decisions: the event log (``journal/workflow.py`` writes an event for every decision
  taken through it), by the event's time, each submission counted once per action;
- reviews: completed review assignments, by ``completed_at``; the turnaround starts at
  ``responded_at`` (the reviewer accepting);
- articles: ``Article.published_at`` of articles still online;
- funded tasks: the registry's ``created_at``, and the tasks reported by articles.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..events import Event
from ..extensions import db
from ..funded_tasks.models import FundedTask
from ..publish.records import Article
from ..review.models import DECISION_ACTIONS, AssignmentStatus, DecisionKind, ReviewAssignment
from ..submissions.models import Submission
from .periods import Counts, Durations, Period

DECISION_EVENTS = tuple(action for actions in DECISION_ACTIONS.values() for action in actions)
_ARTICLE_SUBMISSION = (Submission, Submission.id == Article.submission_id)
_LIVE = Article.unpublished_at.is_(None)


def submissions(period: Period) -> Counts:
    return period.count(Submission.province_id, Submission.submitted_at)


def decisions(period: Period, kind: str) -> Counts:
    """Submissions that had a decision of ``kind`` (accept, reject, desk_reject …), after a
    review round or on a revised manuscript."""
    return period.count(
        Submission.province_id,
        Event.created_at,
        source=Event,
        joins=[(Submission, Submission.id == Event.submission_id)],
        where=[Event.action.in_(DECISION_ACTIONS[DecisionKind(kind)])],
        distinct=Event.submission_id,
    )


def days_to_first_decision(period: Period) -> Durations:
    first = (
        select(Event.submission_id, func.min(Event.created_at).label("decided_at"))
        .where(Event.action.in_(DECISION_EVENTS))
        .group_by(Event.submission_id)
        .subquery()
    )
    return period.durations(
        Submission.province_id,
        Submission.submitted_at,
        first.c.decided_at,
        source=first,
        joins=[(Submission, Submission.id == first.c.submission_id)],
    )


def articles_published(period: Period) -> Counts:
    return period.count(
        Submission.province_id,
        Article.published_at,
        source=Article,
        joins=[_ARTICLE_SUBMISSION],
        where=[_LIVE],
    )


def days_to_publication(period: Period) -> Durations:
    return period.durations(
        Submission.province_id,
        Submission.submitted_at,
        Article.published_at,
        source=Article,
        joins=[_ARTICLE_SUBMISSION],
        where=[_LIVE],
    )


_COMPLETED = ReviewAssignment.status == AssignmentStatus.COMPLETED.value
_ASSIGNMENT_SUBMISSION = (Submission, Submission.id == ReviewAssignment.submission_id)


def reviews_completed(period: Period) -> Counts:
    return period.count(
        Submission.province_id,
        ReviewAssignment.completed_at,
        source=ReviewAssignment,
        joins=[_ASSIGNMENT_SUBMISSION],
        where=[_COMPLETED],
    )


def reviewer_turnaround(period: Period) -> Durations:
    return period.durations(
        Submission.province_id,
        ReviewAssignment.responded_at,
        ReviewAssignment.completed_at,
        source=ReviewAssignment,
        joins=[_ASSIGNMENT_SUBMISSION],
        where=[_COMPLETED],
    )


def tasks_registered(period: Period) -> Counts:
    return period.count(FundedTask.province_id, FundedTask.created_at)


def tasks_with_results(period: Period) -> Counts:
    return period.count(
        FundedTask.province_id,
        Article.published_at,
        source=Article,
        joins=[_ARTICLE_SUBMISSION, (FundedTask, FundedTask.id == Submission.funded_task_id)],
        where=[_LIVE],
        distinct=FundedTask.id,
    )


def first_activity():
    """The earliest submission, publication or registered task (None when there is none)."""
    columns = (Submission.submitted_at, Article.published_at, FundedTask.created_at)
    found = [db.session.execute(select(func.min(c))).scalar_one() for c in columns]
    found = [moment for moment in found if moment is not None]
    return min(found) if found else None
