"""Background jobs.

Jobs are plain functions registered by name with ``@job("name")``. ``enqueue`` runs them

* inline, when ``JOBS_INLINE`` is set (tests, CLI commands);
* on RQ workers, when ``REDIS_URL`` is set (``journal worker`` starts one);
* otherwise on a small in-process thread pool, inside an application context.

Callers enqueue only after their commit: a job sees committed data and may be retried.
Every run logs its start, and its end (finished or failed) with its duration, under the id
of the request that queued it, when a request did.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

from .logs import current_request_id, job_request_id

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
    request_id = current_request_id()
    if app.config.get("JOBS_INLINE"):
        return _run_logged(name, args, kwargs, request_id, "inline")
    if app.config.get("REDIS_URL"):
        queued = redis_queue(app).enqueue(run_job, name, args, kwargs, request_id, job_timeout=600)
        log.info("job %s queued for RQ (%s)", name, queued.id, extra={"job": name})
        return queued
    executor = app.extensions.setdefault("journal.jobs", ThreadPoolExecutor(max_workers=2))
    return executor.submit(_run_in_app, app, name, args, kwargs, request_id)


def _run_logged(name, args, kwargs, request_id: str | None, runner: str):
    """Run one job under the id of the request that queued it, logging start and end."""
    token = job_request_id.set(request_id)
    fields = {"job": name, "runner": runner}
    started = time.perf_counter()
    log.info("job %s started (%s)", name, runner, extra=fields)
    try:
        result = REGISTRY[name](*args, **kwargs)
    except Exception:
        duration_ms = _since(started)
        log.exception(
            "job %s failed after %.1fms",
            name,
            duration_ms,
            extra=fields | {"duration_ms": duration_ms},
        )
        raise
    else:
        duration_ms = _since(started)
        log.info(
            "job %s finished in %.1fms",
            name,
            duration_ms,
            extra=fields | {"duration_ms": duration_ms},
        )
        return result
    finally:
        job_request_id.reset(token)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _run_in_app(app: Flask, name, args, kwargs, request_id: str | None, runner="thread"):
    with app.app_context():
        try:
            return _run_logged(name, args, kwargs, request_id, runner)
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


def run_job(name: str, args=(), kwargs=None, request_id: str | None = None):
    """Entry point on RQ workers. ``journal worker`` runs inside the app's context; a bare
    ``rq worker`` builds the app once per process."""
    global _worker_app
    from flask import has_app_context

    if has_app_context():
        return _run_logged(name, tuple(args), kwargs or {}, request_id, "rq")
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    return _run_in_app(_worker_app, name, tuple(args), kwargs or {}, request_id, "rq")


def wait_all(app: Flask) -> None:
    """Wait for in-process jobs (used by tests and at shutdown)."""
    executor: ThreadPoolExecutor | None = app.extensions.get("journal.jobs")
    if executor is not None:
        executor.shutdown(wait=True)
        app.extensions.pop("journal.jobs")


__all__ = ["Future", "enqueue", "job", "run_job", "wait_all"]
