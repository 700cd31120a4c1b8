"""Background jobs.

Jobs are plain functions registered by name with ``@job("name")``. ``enqueue`` runs them

* inline, when ``JOBS_INLINE`` is set (tests, CLI commands);
* on RQ workers, when ``REDIS_URL`` is set (``journal worker`` starts one);
* otherwise on a small in-process thread pool, inside an application context.

Callers enqueue only after their commit: a job sees committed data and may be retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

log = logging.getLogger(__name__)

REGISTRY: dict[str, Callable] = {}
QUEUE_NAME = "journal"


def job(name: str):
    def register(func: Callable) -> Callable:
        REGISTRY[name] = func
        return func

    return register


def enqueue(name: str, *args, **kwargs):
    if name not in REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        return _run_logged(name, args, kwargs)
    if app.config.get("REDIS_URL"):
        return redis_queue(app).enqueue(run_job, name, args, kwargs, job_timeout=600)
    executor = app.extensions.setdefault("journal.jobs", ThreadPoolExecutor(max_workers=2))
    return executor.submit(_run_in_app, app, name, args, kwargs)


def _run_logged(name, args, kwargs):
    try:
        return REGISTRY[name](*args, **kwargs)
    except Exception:
        log.exception("job %s failed", name)
        raise


def _run_in_app(app: Flask, name, args, kwargs):
    with app.app_context():
        try:
            return _run_logged(name, args, kwargs)
        finally:
            from .extensions import db

            db.session.remove()


def redis_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    conn = app.extensions.get("journal.redis")
    if conn is None:
        conn = app.extensions["journal.redis"] = Redis.from_url(app.config["REDIS_URL"])
    return Queue(QUEUE_NAME, connection=conn)


_worker_app: Flask | None = None


def run_job(name: str, args=(), kwargs=None):
    """Entry point on RQ workers. ``journal worker`` runs inside the app's context; a bare
    ``rq worker`` builds the app once per process."""
    global _worker_app
    from flask import has_app_context

    if has_app_context():
        return _run_logged(name, tuple(args), kwargs or {})
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    return _run_in_app(_worker_app, name, tuple(args), kwargs or {})


def wait_all(app: Flask) -> None:
    """Wait for in-process jobs (used by tests and at shutdown)."""
    executor: ThreadPoolExecutor | None = app.extensions.get("journal.jobs")
    if executor is not None:
        executor.shutdown(wait=True)
        app.extensions.pop("journal.jobs")


__all__ = ["Future", "enqueue", "job", "run_job", "wait_all"]
