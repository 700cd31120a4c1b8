"""Logging: one line per request with its id, user, method, path, status and duration; jobs'
start, end and failure under the id of the request that queued them; JSON lines in
production, readable lines otherwise."""

from __future__ import annotations

import json
import logging

import pytest
from flask import g
from flask_login import FlaskLoginClient

from journal import ConfigurationError, jobs

from .factories import make_user


@jobs.job("test.logs.double")
def double(value):
    logging.getLogger("journal.test").info("doubling %s", value)
    return value * 2


@jobs.job("test.logs.explode")
def explode():
    raise RuntimeError("the job broke")


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "journal.requests" and hasattr(r, "status")]


def test_every_request_logs_one_line_with_its_fields(app, login, caplog):
    user = make_user("reader@example.org", "Lê Thị Đọc", password=None)
    client = login(user)
    with caplog.at_level(logging.INFO):
        response = client.get("/account/profile", headers={"X-Request-Id": "req-0001-abcd"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "req-0001-abcd"
    (line,) = request_lines(caplog)
    assert line.request_id == "req-0001-abcd"
    assert line.user_id == user.id
    assert (line.method, line.path, line.status) == ("GET", "/account/profile", 200)
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.getMessage().startswith("GET /account/profile 200 ")
    assert line.getMessage().endswith(f"user={user.id}")


def test_an_anonymous_request_and_a_404_are_logged_too(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/nowhere")
    (line,) = request_lines(caplog)
    assert (line.status, line.user_id, line.path) == (404, None, "/nowhere")
    assert line.getMessage().endswith("user=-")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "short",
        "x" * 65,
        "has space inside",
        "id-with-quote'12345",
        "ünïcode-1234567",
    ],
)
def test_a_hostile_request_id_is_replaced_in_the_header_and_the_log(client, caplog, hostile):
    with caplog.at_level(logging.INFO):
        response = client.get("/", headers={"X-Request-Id": hostile.encode().decode("latin-1")})
    replaced = response.headers["X-Request-ID"]
    assert replaced != hostile
    assert len(replaced) == 16 and replaced.isalnum()
    (line,) = request_lines(caplog)
    assert line.request_id == replaced


def test_a_request_refused_by_the_csrf_check_is_logged_with_its_id(app, caplog):
    app.config["WTF_CSRF_ENABLED"] = True
    with caplog.at_level(logging.INFO):
        response = app.test_client().post(
            "/account/login",
            data={"email": "a@example.org"},
            headers={"X-Request-Id": "no-csrf-0001"},
        )
    assert response.status_code == 400
    assert response.headers["X-Request-ID"] == "no-csrf-0001"
    assert "no-csrf-0001" in response.text  # the reference on the error page
    (line,) = request_lines(caplog)
    assert (line.request_id, line.status, line.method) == ("no-csrf-0001", 400, "POST")
    assert line.duration_ms >= 0


def _job_lines(caplog, name):
    return [r for r in caplog.records if getattr(r, "job", None) == name]


def test_a_thread_job_logs_start_and_finish_under_the_request_that_queued_it(app, caplog):
    app.config["JOBS_INLINE"] = False
    with caplog.at_level(logging.INFO), app.test_request_context("/"):
        g.request_id = "queued-by-0042"
        future = jobs.enqueue("test.logs.double", 4)
        assert future.result(timeout=10) == 8
        jobs.wait_all(app)
    started, finished = _job_lines(caplog, "test.logs.double")
    assert started.getMessage() == "job test.logs.double started (thread)"
    assert finished.getMessage().startswith("job test.logs.double finished in ")
    assert finished.runner == "thread" and finished.duration_ms >= 0
    assert started.request_id == finished.request_id == "queued-by-0042"
    (inside,) = [r for r in caplog.records if r.name == "journal.test"]
    assert inside.request_id == "queued-by-0042"  # the job's own lines carry it too


def test_a_failing_job_logs_its_failure_with_the_traceback(app, caplog):
    with caplog.at_level(logging.INFO), pytest.raises(RuntimeError):
        jobs.enqueue("test.logs.explode")
    started, failed = _job_lines(caplog, "test.logs.explode")
    assert started.levelno == logging.INFO and started.runner == "inline"
    assert failed.levelno == logging.ERROR
    assert failed.getMessage().startswith("job test.logs.explode failed after ")
    assert failed.exc_info[0] is RuntimeError
    assert failed.duration_ms >= 0
    assert failed.request_id == "-"  # queued outside any request


def test_an_rq_job_carries_the_id_of_the_request_that_queued_it(app, caplog, redis_url):
    from rq import SimpleWorker

    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    queue = jobs.redis_queue(app)
    queue.empty()
    with caplog.at_level(logging.INFO):
        with app.test_request_context("/"):
            g.request_id = "queued-by-rq-77"
            jobs.enqueue("test.logs.double", 5)
            jobs.enqueue("test.logs.explode")
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    queued, started, finished = _job_lines(caplog, "test.logs.double")
    assert queued.getMessage().startswith("job test.logs.double queued for RQ")
    assert started.runner == finished.runner == "rq"
    assert finished.request_id == "queued-by-rq-77"
    failed = _job_lines(caplog, "test.logs.explode")[-1]
    assert failed.levelno == logging.ERROR and failed.request_id == "queued-by-rq-77"


def _configured(other_app, app_config, **settings):
    return other_app(dict(app_config, **settings))


def test_production_logs_are_json_lines(app, app_config, capsys, other_app):
    served = _configured(other_app, app_config, ENV="production", LOG_FORMAT=None)
    served.test_client_class = FlaskLoginClient
    user = make_user("json@example.org", "Trần Văn Json", password=None)
    capsys.readouterr()
    served.test_client(user=user).get(
        "/account/profile",
        headers={"X-Request-Id": "json-line-0001"},
        base_url="https://localhost",
    )
    with served.app_context():
        jobs.enqueue("test.logs.double", 1)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    (request_line,) = [e for e in lines if e["logger"] == "journal.requests"]
    assert request_line["request_id"] == "json-line-0001"
    assert request_line["user_id"] == user.id
    assert request_line["method"] == "GET"
    assert request_line["path"] == "/account/profile"
    assert request_line["status"] == 200
    assert request_line["level"] == "INFO"
    assert isinstance(request_line["duration_ms"], float)
    assert request_line["time"].endswith("+00:00")
    jobs_lines = [e for e in lines if e.get("job") == "test.logs.double"]
    assert [e["message"].split(" ")[2] for e in jobs_lines] == ["started", "finished"]


def test_failures_in_json_carry_the_traceback(app, app_config, capsys, other_app):
    _configured(other_app, app_config, LOG_FORMAT="json")
    capsys.readouterr()
    with pytest.raises(RuntimeError):
        jobs.enqueue("test.logs.explode")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    failed = lines[-1]
    assert failed["level"] == "ERROR"
    assert "RuntimeError: the job broke" in failed["exc_info"]


def test_development_logs_are_readable_lines(app, app_config, capsys, other_app):
    served = _configured(other_app, app_config, ENV="development")
    capsys.readouterr()
    served.test_client().get("/", headers={"X-Request-Id": "text-line-0001"})
    (line,) = [x for x in capsys.readouterr().err.splitlines() if "journal.requests" in x]
    assert " INFO journal.requests [text-line-0001] GET / 200 " in line
    assert line.endswith("ms user=-")


def test_log_level_silences_info(app, app_config, capsys, other_app):
    served = _configured(other_app, app_config, LOG_LEVEL="warning")
    capsys.readouterr()
    served.test_client().get("/")
    assert "journal.requests" not in capsys.readouterr().err


def test_one_handler_however_many_apps(app, app_config, other_app):
    for _ in range(3):
        _configured(other_app, app_config)
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "journal"]
    assert len(ours) == 1


@pytest.mark.parametrize("setting", [{"LOG_FORMAT": "yaml"}, {"LOG_LEVEL": "LOUD"}])
def test_a_wrong_logging_setting_is_refused(app_config, setting, other_app):
    with pytest.raises(ConfigurationError):
        _configured(other_app, app_config, **setting)
