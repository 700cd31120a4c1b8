"""Logging, configured by the app factory.

One handler on the root logger writes to standard error (where gunicorn, systemd and RQ
workers collect it): JSON lines (python-json-logger) in production, readable lines in
development and tests (``LOG_FORMAT``). The journal's own loggers log from ``LOG_LEVEL``;
other libraries' records pass from WARNING. Every record carries ``request_id``: the request
being served, or the request that queued the job being run ("-" when there is none).

The handler sits beside whatever else is on the root logger (pytest's ``caplog``), and
replaces only the one an earlier ``create_app`` installed."""

from __future__ import annotations

import contextvars
import logging
import os
import sys

from flask import Flask, g, has_request_context

# The journal's loggers, and alembic's "Running upgrade …" lines: their level is LOG_LEVEL.
OWN_LOGGERS = ("journal", "exchange_bridge", "crossref", "alembic.runtime.migration")
# Passed whatever their level too: the development server's address and access lines.
PASSED_LOGGERS = (*OWN_LOGGERS, "werkzeug")
HANDLER_NAME = "journal"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "{levelname}{name}{message}{request_id}"

# The request that queued the job this thread or worker is running.
job_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "job_request_id", default=None
)


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return job_request_id.get()


def _is_passed(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in PASSED_LOGGERS)


class _RequestContext(logging.Filter):
    """Adds the request id to each record; drops other libraries' records below WARNING
    (those whose logger sets its own level, like RQ's, have their own handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and not _is_passed(record.name):
            return False
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id() or "-"
        return True


class _StandardError(logging.StreamHandler):
    """Writes to the ``sys.stderr`` of the moment a record is emitted (pytest swaps it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(
            JSON_FIELDS,
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            json_ensure_ascii=False,
        )
    return logging.Formatter(TEXT_FORMAT)


def init_app(app: Flask) -> None:
    from . import ConfigurationError

    kind = app.config.get("LOG_FORMAT") or ("json" if app.config["ENV"] == "production" else "text")
    if kind not in ("json", "text"):
        raise ConfigurationError(f"LOG_FORMAT must be json or text, not {kind!r}")
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigurationError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")

    handler = _StandardError()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(_formatter(kind))
    handler.addFilter(_RequestContext())
    root = logging.getLogger()
    for earlier in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(earlier)
    root.addHandler(handler)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # the root handler writes app.logger's records


def native_code() -> dict[str, list[str]]:
    """The native code in this process: the distributions whose C extension modules are
    imported (with versions; the standard library's as ``python``) and, where the system
    tells (Linux), the shared libraries mapped, such as those loaded through cffi."""
    import importlib.machinery
    import importlib.metadata
    import platform

    owners = importlib.metadata.packages_distributions()
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    found: dict[str, set[str]] = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if not path.endswith(suffixes):
            continue
        top = name.partition(".")[0]
        dists = owners.get(top)
        if dists:
            label = f"{dists[0]} {importlib.metadata.version(dists[0])}"
        else:
            label = f"python {platform.python_version()}"
        found.setdefault(label, set()).add(name)
    libraries = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").partition("/")[2]
                if ".so" in path and "-packages/" not in path and "/lib-dynload/" not in path:
                    libraries.add(path.rpartition("/")[2])
    except OSError:
        pass
    return {
        "extensions": [f"{label} ({', '.join(sorted(found[label]))})" for label in sorted(found)],
        "libraries": sorted(libraries),
    }


def watch_for_crashes(process: str) -> None:
    """Make a crash of this process leave its traceback on standard error (faulthandler:
    segmentation faults, aborts, bus and floating-point errors, every thread), and log the
    native code loaded in it, to know what was running when one happens."""
    import faulthandler

    faulthandler.enable(file=sys.stderr, all_threads=True)
    loaded = native_code()
    logging.getLogger("journal.process").info(
        "%s %d: faulthandler on; native extensions: %s; shared libraries: %s",
        process,
        os.getpid(),
        "; ".join(loaded["extensions"]) or "none",
        ", ".join(loaded["libraries"]) or "unknown",
        extra={"pid": os.getpid(), "role": process, **loaded},
    )
