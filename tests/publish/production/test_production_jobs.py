"""The typesetting job on each executor: a worker thread while the server keeps answering,
RQ workers on a real Redis; a run whose worker died is shown stopped and can be retried; a
job delivered twice runs once; failures of every kind end in a failed run, in plain words."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from journal import jobs
from journal.extensions import db
from journal.models_base import utcnow
from journal.publish import production, production_job
from journal.publish.models import GalleyVersion, TypesetRun

pytestmark = pytest.mark.usefixtures("xsd_path")


def _run(run_id: int) -> TypesetRun:
    db.session.expire_all()
    return db.session.get(TypesetRun, run_id)


def test_a_thread_job_typesets_while_the_server_answers(
    app, accepted, editor, english, monkeypatch
):
    """The job is held at its last stage until the test has been served two pages."""
    app.config["JOBS_INLINE"] = False
    at_pdf, release = threading.Event(), threading.Event()
    real_typeset = production_job.typeset

    def held_typeset(*args, progress, **kwargs):
        def report(stage):
            progress(stage)
            if stage == "pdf":
                at_pdf.set()
                release.wait(60)

        return real_typeset(*args, progress=report, **kwargs)

    monkeypatch.setattr(production_job, "typeset", held_typeset)
    client = english(editor)
    try:
        started = time.perf_counter()
        assert client.post(f"/production/{accepted.id}/send").status_code == 302
        assert time.perf_counter() - started < 5  # the request did not wait for the job
        assert at_pdf.wait(60), "the job never reached the PDF stage"

        started = time.perf_counter()
        status = client.get(f"/production/{accepted.id}/status").get_json()
        page = client.get(f"/production/{accepted.id}")
        assert time.perf_counter() - started < 3
    finally:
        release.set()
        jobs.wait_all(app)

    [running] = status["runs"]
    assert status["active"] is True and running["state"] == "running"
    assert [s["state"] for s in running["stages"]] == ["done"] * 4 + ["current"]
    assert page.status_code == 200 and 'data-active="1"' in page.text
    assert "Running" in page.text and "js/production.js" in page.text
    assert '<meta http-equiv="refresh"' in page.text  # inside <noscript>: works without JS

    final = client.get(f"/production/{accepted.id}/status").get_json()
    assert final["active"] is False and final["runs"][0]["state"] == "succeeded"
    assert final["runs"][0]["galley"] == 1


def test_an_rq_worker_typesets_the_queued_run(app, accepted, editor, redis_url):
    from rq import SimpleWorker

    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    queue = jobs.redis_queue(app)
    queue.empty()
    run = production.send_to_production(accepted, editor)
    assert run.status == "queued" and queue.count == 1  # waiting for a worker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)

    run = _run(run.id)
    assert run.status == "succeeded", production.run_error(run, "en")
    assert run.galley.number == 1 and run.galley.pdf_pages >= 1
    assert accepted.stage == "production"


def test_an_unreachable_queue_fails_the_run_at_once(app, accepted, editor):
    app.config.update(JOBS_INLINE=False, REDIS_URL="redis://127.0.0.1:9/0")  # nothing there

    run = production.send_to_production(accepted, editor)

    assert run.status == "failed"
    assert "job queue is not reachable" in production.run_error(run, "en")
    assert accepted.stage == "production"


def test_a_killed_worker_leaves_a_stopped_run_that_can_be_retried(
    app, accepted, editor, english, monkeypatch, typeset_result, fast_typeset
):
    with monkeypatch.context() as patched:
        patched.setattr("journal.jobs.enqueue", lambda name, *args: None)
        run = production.send_to_production(accepted, editor)
    assert production_job.claim_run(run.id)  # a worker took the run, reached HTML, and was killed
    db.session.execute(
        db.update(TypesetRun)
        .where(TypesetRun.id == run.id)
        .values(stage="html", started_at=utcnow() - timedelta(minutes=20))
    )
    db.session.commit()
    client = english(editor)

    status = client.get(f"/production/{accepted.id}/status").get_json()
    [stopped] = status["runs"]
    assert status["active"] is False and stopped["state"] == "stale"
    assert "stopped without finishing" in stopped["error"]
    assert [s["state"] for s in stopped["stages"]] == ["done"] * 3 + ["failed", "pending"]
    page = client.get(f"/production/{accepted.id}")
    assert "Stopped" in page.text and "stopped without finishing" in page.text
    assert "Typeset again</button>" in page.text and " disabled>" not in page.text
    assert _run(run.id).status == "running"  # as the dead worker left it
    assert accepted.stage == "production" and production.galleys_of(accepted) == []

    assert client.post(f"/production/{accepted.id}/runs").status_code == 302
    retry, old = production.runs_of(accepted)
    assert retry.status == "succeeded" and retry.galley.number == 1
    assert old.id == run.id and old.status == "failed"
    assert "stopped without finishing" in production.run_error(old, "en")

    # The killed worker comes back and finishes late: its result is not kept.
    assert production_job.finish_run(run.id, typeset_result) == "failed"
    assert [g.number for g in production.galleys_of(accepted)] == [1]


def test_a_recent_run_is_not_stale_and_blocks_a_second_one(
    app, accepted, editor, english, monkeypatch
):
    monkeypatch.setattr("journal.jobs.enqueue", lambda name, *args: None)
    run = production.send_to_production(accepted, editor)
    production_job.claim_run(run.id)

    response = english(editor).post(f"/production/{accepted.id}/runs")

    assert response.status_code == 409
    assert "already in progress" in response.text
    assert len(production.runs_of(accepted)) == 1


def test_a_job_delivered_twice_runs_once(app, accepted, editor, monkeypatch, fast_typeset):
    monkeypatch.setattr("journal.jobs.enqueue", lambda name, *args: None)
    run = production.send_to_production(accepted, editor)

    assert production_job.run_typesetting(run.id) == "succeeded"
    assert production_job.run_typesetting(run.id) == "skipped"
    assert len(fast_typeset) == 1
    assert db.session.execute(db.select(db.func.count(GalleyVersion.id))).scalar_one() == 1


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("crash", "unexpected error (RuntimeError)"),
        ("no_issn", "The journal's ISSN is not set"),
        ("no_authors", "front matter is incomplete"),
    ],
)
def test_failures_of_every_kind_end_in_a_failed_run(
    app, accepted, editor, monkeypatch, breakage, message
):
    if breakage == "crash":

        def crash(*args, progress, **kwargs):
            progress("converting")
            progress("enriching")
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(production_job, "typeset", crash)
    elif breakage == "no_issn":
        app.config.update(ISSN_PRINT=None, ISSN_ONLINE=None)
    else:
        accepted.authors.clear()
        db.session.commit()

    run = production.send_to_production(accepted, editor)

    assert run.status == "failed"
    assert message in production.run_error(run, "en")
    assert "disk on fire" not in production.run_error(run, "en")  # no internals shown
    assert run.finished_at is not None and production.galleys_of(accepted) == []
    if breakage == "crash":
        assert run.stage == "enriching"
        assert "“Front matter”" in production.run_error(run, "en")
