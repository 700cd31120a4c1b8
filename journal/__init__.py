"""The Mekong Delta Journal of Science and Technology: application factory."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Config, Flask
from werkzeug.routing import IntegerConverter


class ConfigurationError(RuntimeError):
    pass


# The largest id a route accepts: the id columns are INTEGER (32 bits on PostgreSQL). A larger
# number in a URL is no row of ours (404), never an overflow in the database (500).
MAX_URL_ID = 2**31 - 1


def _digits_at_most(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to ``limit`` (leading zeros
    allowed, as ``int`` allows them)."""
    digits = str(limit)
    width = len(digits)
    choices = [rf"\d{{1,{width - 1}}}"]
    for i, digit in enumerate(map(int, digits)):
        lowest = 1 if i == 0 else 0
        if digit - 1 >= lowest:
            rest = width - i - 1
            tail = rf"\d{{{rest}}}" if rest else ""
            choices.append(digits[:i] + f"[{lowest}-{digit - 1}]" + tail)
    choices.append(digits)
    return "0*(?:" + "|".join(choices) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` from 0 to MAX_URL_ID. The bound is in the pattern, so a larger number
    matches no route at all (404 whatever the method), rather than failing a rule after
    its path matched (which Werkzeug answers with 405 when another method's rule shares
    the path)."""

    regex = _digits_at_most(MAX_URL_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_URL_ID if max is None else max, signed)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=_instance_path(test_config), instance_relative_config=True)
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    _configure(app, test_config)

    from . import logs, web

    logs.init_app(app)

    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrations = Path(__file__).parent / "migrations"
    migrate.init_app(app, db, directory=str(migrations), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)

    _import_models()
    _init_login(login_manager)
    web.init_app(app)

    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .dashboard.views import bp as dashboard_bp
    from .funded_tasks.views import bp as tasks_bp
    from .submissions.views import bp as submissions_bp

    app.register_blueprint(web.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(dashboard_bp)

    from .review import init_app as init_review

    init_review(app)

    from .publish.production_views import bp as production_bp

    app.register_blueprint(production_bp)

    from .publish.api import bp as api_bp
    from .publish.editorial import bp as publishing_bp
    from .publish.embed import bp as embed_bp
    from .publish.feeds import bp as feeds_bp
    from .publish.oai import bp as oai_bp
    from .publish.sitemap import bp as sitemap_bp
    from .publish.views import bp as publish_bp

    for blueprint in (publish_bp, publishing_bp, feeds_bp, embed_bp, api_bp, oai_bp, sitemap_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(oai_bp)  # OAI-PMH accepts POST from harvesters (read-only)

    from .site.views import bp as site_bp

    app.register_blueprint(site_bp)

    from .reports.views import bp as reports_bp

    app.register_blueprint(reports_bp)

    from .usage import init_app as init_usage

    init_usage(app)

    from .search import init_app as init_search

    init_search(app)

    import exchange_bridge  # registered here only: the journal never imports it

    exchange_bridge.init_app(app)
    from exchange_bridge import report_figures  # its figures in the yearly report

    report_figures.connect()

    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    if app.config["ENV"] == "development":  # /dev/mail: absent (404) everywhere else
        from .devmail.views import bp as devmail_bp

        app.register_blueprint(devmail_bp)

    from .cli import register_commands

    register_commands(app)
    return app


def _instance_path(test_config: dict | None) -> str | None:
    """The instance folder (database, files, secret): INSTANCE_PATH or JOURNAL_INSTANCE_PATH
    (relative to the current directory), else Flask's default: ``instance/`` beside the
    package in a checkout, ``<prefix>/var/journal-instance`` for an installed wheel (the
    prefix of its virtualenv)."""
    path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("JOURNAL_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def _import_models() -> None:
    from . import events, mail, provinces, settings  # noqa: F401
    from .accounts import models as _a  # noqa: F401
    from .funded_tasks import models as _f  # noqa: F401
    from .publish import models as _p  # noqa: F401
    from .publish import records as _pr  # noqa: F401
    from .review import models as _r  # noqa: F401
    from .site import models as _site  # noqa: F401
    from .submissions import models as _s  # noqa: F401
    from .usage import models as _u  # noqa: F401


def _init_login(login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    from .accounts.services import load_session_user

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def _load_user(user_id: str):
        # None once the account is deactivated or its password changed (see User.get_id).
        return load_session_user(user_id)


def _configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object("journal.config")
    deployment = Config(app.instance_path)
    deployment.from_pyfile("config.py", silent=True)
    deployment.from_prefixed_env("JOURNAL")
    deployment.update(test_config or {})
    app.config.update(deployment)
    cfg = app.config
    # Journal settings given here are fixed for the deployment (journal/settings.py).
    cfg["PINNED_SETTINGS"] = frozenset(deployment)
    instance = Path(app.instance_path)

    if not cfg.get("SECRET_KEY"):
        if cfg["ENV"] == "production":
            raise ConfigurationError(
                "JOURNAL_SECRET_KEY must be set in production "
                "(set JOURNAL_ENV=development for a local demo)."
            )
        instance.mkdir(parents=True, exist_ok=True)
        secret_file = instance / "secret_key"
        if not secret_file.exists():
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        cfg["SECRET_KEY"] = secret_file.read_text().strip()

    if not cfg.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)  # for the SQLite database
    cfg["SQLALCHEMY_DATABASE_URI"] = cfg.get("DATABASE_URL") or (
        f"sqlite:///{instance / 'journal.sqlite3'}"
    )
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    cfg["STORAGE_DIR"] = cfg.get("STORAGE_DIR") or str(instance / "files")
    cfg["SCHEMAS_DIR"] = cfg.get("SCHEMAS_DIR") or str(instance / "schemas")
    cfg["RATELIMIT_STORAGE_URI"] = (
        cfg.get("RATELIMIT_STORAGE_URI") or cfg.get("REDIS_URL") or "memory://"
    )
    # Uploads above the limit are refused before they are read (a friendly 413 page).
    cfg["MAX_CONTENT_LENGTH"] = cfg["UPLOAD_MAX_BYTES"] + 1024 * 1024
    if cfg.get("TRUSTED_HOSTS") is None:
        base_host = urlsplit(cfg["BASE_URL"]).hostname
        cfg["TRUSTED_HOSTS"] = sorted({base_host, "localhost", "127.0.0.1"} - {None})
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["SESSION_COOKIE_SECURE"] = cfg["ENV"] == "production"
    cfg["REMEMBER_COOKIE_DURATION"] = timedelta(days=max(1, min(int(cfg["REMEMBER_DAYS"]), 30)))
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    cfg["REMEMBER_COOKIE_SECURE"] = cfg["ENV"] == "production"
    cfg["BABEL_DEFAULT_TIMEZONE"] = cfg["TIMEZONE"]
    cfg["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    cfg["WTF_CSRF_TIME_LIMIT"] = None
