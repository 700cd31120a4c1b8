"""Background jobs: inline, in-process threads, and RQ workers on a real Redis."""

import pytest

from journal import jobs

CALLS = []


@jobs.job("test.record")
def record(value):
    CALLS.append(value)
    return value * 2


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()


def test_inline_jobs_run_at_once(app):
    assert jobs.enqueue("test.record", 21) == 42
    assert CALLS == [21]


def test_unknown_job_is_refused(app):
    with pytest.raises(KeyError):
        jobs.enqueue("no.such.job")


def test_thread_jobs_run_in_an_app_context(app):
    app.config["JOBS_INLINE"] = False
    future = jobs.enqueue("test.record", 5)
    assert future.result(timeout=10) == 10
    jobs.wait_all(app)
    assert CALLS == [5]


def test_redis_queue_hands_jobs_to_an_rq_worker(app, redis_url):
    from rq import SimpleWorker

    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    queue = jobs.redis_queue(app)
    queue.empty()
    rq_job = jobs.enqueue("test.record", 7)
    assert CALLS == []  # queued, not run
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    rq_job.refresh()
    assert rq_job.is_finished
    assert rq_job.return_value() == 14
    assert CALLS == [7]


def test_worker_command_refuses_without_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "JOURNAL_REDIS_URL" in result.output
