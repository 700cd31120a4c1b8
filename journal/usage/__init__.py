"""COUNTER-style usage statistics: events recorded by the public pages (without slowing or
breaking them), aggregated daily into summary rows, shown on the article pages, to the
editors, in the yearly report and through a SUSHI-style item report (``/api/v1/counter``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import aggregation, models, transport  # noqa: F401  (jobs and tables registered)
    from .commands import usage_group
    from .recording import EXTENSION, Recorder
    from .views import bp

    app.extensions[EXTENSION] = Recorder()
    app.register_blueprint(bp)
    app.cli.add_command(usage_group)
