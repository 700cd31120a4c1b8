"""The files of deploy/ hold together: gunicorn knows every setting of its configuration,
systemd accepts every unit, each unit runs a command the journal has, the environment
sample configures the application as its comments say, and nginx lets through the uploads
the journal accepts."""

from __future__ import annotations

import configparser
import multiprocessing
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from journal import ConfigurationError, create_app

from .support import DEPLOY

UNITS = DEPLOY / "systemd"
VENV_BIN = Path(sys.executable).parent
PERIODIC = {
    "journal-reminders": ["reminders"],
    "journal-mail-retry": ["mail", "retry"],
    "journal-bridge-deliver": ["bridge", "deliver"],
    "journal-crossref-poll": ["crossref", "poll"],
    "journal-usage-aggregate": ["usage", "aggregate"],
}


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def _journal_command(unit: configparser.ConfigParser) -> list[str]:
    command = shlex.split(unit["Service"]["ExecStart"])
    assert command[0] == "/opt/journal/bin/journal"
    return command[1:]


def test_gunicorn_knows_every_setting_of_the_configuration(monkeypatch):
    from gunicorn.config import Config

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings = {
        name: value
        for name, value in runpy.run_path(str(DEPLOY / "gunicorn.conf.py")).items()
        if not name.startswith("_") and not hasattr(value, "__file__")  # modules imported
    }
    config = Config()
    assert set(settings) - set(config.settings) == set()
    for name, value in settings.items():
        config.set(name, value)  # gunicorn's own validation of each value
    assert config.worker_class_str == "gthread"
    assert config.workers == 2 * multiprocessing.cpu_count()
    assert config.accesslog is None
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert settings["wsgi_app"] == "journal:create_app()"


def test_workers_follow_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 3


def test_systemd_accepts_every_unit(tmp_path):
    """systemd-analyze verify, on copies whose programs are this virtualenv's."""
    names = []
    for path in sorted(UNITS.iterdir()):
        (tmp_path / path.name).write_text(
            path.read_text().replace("/opt/journal/bin/", f"{VENV_BIN}/")
        )
        names.append(path.name.replace("@.service", "@1.service"))
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_every_periodic_command_has_a_timer_and_a_service_running_it(runner):
    timers = {p.stem for p in UNITS.glob("*.timer")}
    assert timers == set(PERIODIC)
    for name, command in PERIODIC.items():
        service = _unit(UNITS / f"{name}.service")
        assert service["Service"]["Type"] == "oneshot"
        assert _journal_command(service) == command
        timer = _unit(UNITS / f"{name}.timer")
        assert timer["Timer"]["OnCalendar"]
        assert timer["Install"]["WantedBy"] == "timers.target"
        assert runner.invoke(args=[*command, "--help"]).exit_code == 0


def test_the_web_and_worker_units_run_gunicorn_and_journal_worker(runner):
    web = _unit(UNITS / "journal-web.service")["Service"]
    assert shlex.split(web["ExecStart"]) == [
        "/opt/journal/bin/gunicorn",
        "--config",
        "/etc/journal/gunicorn.conf.py",
    ]
    worker = _unit(UNITS / "journal-worker@.service")
    assert _journal_command(worker) == ["worker"]
    assert runner.invoke(args=["worker", "--help"]).exit_code == 0


def test_every_service_reads_the_environment_file_and_writes_only_the_instance():
    for path in UNITS.glob("*.service"):
        service = _unit(path)["Service"]
        assert service["EnvironmentFile"] == "/etc/journal/journal.env", path.name
        assert service["User"] == "journal", path.name
        assert service["ProtectSystem"] == "strict", path.name
        assert service["ReadWritePaths"] == "/var/lib/journal", path.name


def _environment_sample() -> dict[str, str]:
    """The sample's assignments, as systemd reads them (double quotes removed)."""
    settings = {}
    for line in (DEPLOY / "journal.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return settings


def test_the_environment_sample_has_no_secret_and_refuses_to_start_so(monkeypatch):
    sample = _environment_sample()
    assert sample["JOURNAL_SECRET_KEY"] == ""
    assert not any(v for k, v in sample.items() if "PASSWORD" in k)
    for name, value in sample.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match="JOURNAL_SECRET_KEY"):
        create_app()


def test_the_environment_sample_configures_a_production_site(monkeypatch, tmp_path):
    sample = _environment_sample()
    assert sample["JOURNAL_INSTANCE_PATH"] == "/var/lib/journal"
    for name, value in sample.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JOURNAL_SECRET_KEY", "from-the-administrator")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "STORAGE_DIR": str(tmp_path / "files")})
    config = app.config
    assert config["ENV"] == "production"
    assert config["PROXIES"] == 1
    assert config["MAIL_PORT"] == 587 and config["MAIL_USE_TLS"] is True
    assert config["MAIL_SENDER"] == "Tap san KH&CN DBSCL <no-reply@tapsan.example.gov.vn>"
    assert config["LOG_FORMAT"] == "json"
    assert config["RATELIMIT_STORAGE_URI"] == sample["JOURNAL_REDIS_URL"]  # several workers
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg:///journal"
    assert config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost", "tapsan.example.gov.vn"]


def _nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_nginx_passes_every_upload_the_journal_accepts(app_config):
    conf = (DEPLOY / "nginx" / "journal.conf").read_text()
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\S+);", conf, re.MULTILINE)
    # The journal's own limit (upload plus form) answers with its bilingual page.
    assert _nginx_size(size) == create_app(app_config).config["MAX_CONTENT_LENGTH"]


def test_nginx_forwards_the_client_and_serves_the_package_static_files():
    conf = (DEPLOY / "nginx" / "journal.conf").read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-Id"):
        assert re.search(rf"proxy_set_header\s+{header}\s", conf), header
    assert "proxy_pass http://journal_web;" in conf
    assert re.search(r"server\s+127\.0\.0\.1:8000;", conf)  # gunicorn.conf.py's bind
    (static,) = re.findall(r"location /static/ \{\s*alias (\S+);", conf)
    assert static.endswith("/site-packages/journal/static/")
    assert (Path(__file__).resolve().parents[2] / "journal" / "static" / "css").is_dir()
    assert re.search(r"listen 443 ssl;", conf) and "ssl_certificate " in conf


def test_gunicorn_keeps_idle_connections_longer_than_nginx_reuses_them(monkeypatch):
    """nginx closes an idle upstream connection first: gunicorn never closes one that nginx
    is about to reuse (the cause of errors under load)."""
    conf = (DEPLOY / "nginx" / "journal.conf").read_text()
    (upstream,) = re.findall(r"upstream journal_web \{(.*?)\}", conf, re.DOTALL)
    (idle,) = re.findall(r"^\s*keepalive_timeout\s+(\d+)s;", upstream, re.MULTILINE)
    assert re.search(r"^\s*keepalive\s+\d+;", upstream, re.MULTILINE)
    assert re.search(r"proxy_http_version\s+1\.1;", conf)
    assert re.search(r'proxy_set_header\s+Connection\s+"";', conf)
    keepalive = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["keepalive"]
    assert keepalive > int(idle)
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["worker_class"] == "gthread"
