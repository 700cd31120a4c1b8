"""The exchange bridge: carries funded results published in the journal on to the regional
technology exchange, the startup portal and the S&T expert database, and takes technology
requests from enterprises.

It has its own models, pages, JSON API, feeds and outbox; it listens to the journal's
signals and is registered by the app factory with ``init_app``. The journal never imports
it. See exchange_bridge/README.md for the delivered JSON and its signatures.
"""

from __future__ import annotations

from flask import Flask

from . import config as bridge_config


def init_app(app: Flask) -> None:
    """Merge the default settings, register the pages, API, feeds and CLI, and connect the
    signal listeners."""
    from journal import ConfigurationError

    for name, value in bridge_config.defaults().items():
        app.config.setdefault(name, value)
    for target in ("EXCHANGE", "STARTUPS", "EXPERTS"):
        if app.config[f"BRIDGE_{target}_URL"] and not app.config[f"BRIDGE_{target}_SECRET"]:
            raise ConfigurationError(
                f"BRIDGE_{target}_URL is set without BRIDGE_{target}_SECRET: deliveries "
                "must be signed."
            )

    from journal.publish.openapi import add_paths

    from . import models as _models  # noqa: F401
    from . import receivers
    from .api import bp as api_bp
    from .api import openapi_part
    from .cli import bridge_group
    from .feeds import bp as feeds_bp
    from .permissions import TEMPLATE_PREDICATES
    from .views import bp

    # The feeds first: /technologies/feed.atom before the pages' rules.
    app.register_blueprint(feeds_bp)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    add_paths(app, openapi_part)
    app.cli.add_command(bridge_group)
    app.context_processor(_template_globals(TEMPLATE_PREDICATES))
    app.extensions[receivers.EXTENSION] = True
    receivers.connect()


def _template_globals(predicates: dict):
    from . import vocabulary

    labels = {
        "field_name": vocabulary.field_name,
        "ip_statuses": vocabulary.IP_STATUSES,
        "transfer_modes": vocabulary.TRANSFER_MODES,
        "startup_stages": vocabulary.STARTUP_STAGES,
        "trl_labels": vocabulary.TRL_LABELS,
    }

    def inject():
        from flask import has_request_context, url_for
        from flask_babel import lazy_gettext as _l

        found = {**predicates, "bridge": labels}
        if has_request_context():  # not for e-mails rendered by jobs and commands
            found["nav_extra"] = [(url_for("bridge.technologies"), _l("Technology exchange"))]
        return found

    return inject
