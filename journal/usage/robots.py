"""The COUNTER robots list: requests whose user agent matches one of its patterns are not
counted (nor recorded).

The list ships with the journal (``data/COUNTER_Robots_list.json``, its source in
``data/README.md``); ``journal usage robots-refresh`` puts a newer one in the instance folder
(``USAGE_ROBOTS_FILE``), which is read from then on. Patterns are regular expressions matched
case-insensitively anywhere in the user agent, as COUNTER's code of practice says.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import JournalError

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent / "data" / "COUNTER_Robots_list.json"
MAX_LIST_BYTES = 2 * 1024 * 1024
MIN_PATTERNS = 50  # a list much shorter than COUNTER's is not the list


class RobotsListError(JournalError):
    status = 400
    default_message = _l("This is not a COUNTER robots list.")


@dataclass(frozen=True)
class RobotsList:
    source: str
    patterns: tuple[str, ...]
    regex: re.Pattern

    def matches(self, user_agent: str) -> bool:
        return _matches(self.regex, user_agent)


@lru_cache(maxsize=8192)
def _matches(regex: re.Pattern, user_agent: str) -> bool:
    return regex.search(user_agent) is not None


def parse_list(data: bytes) -> tuple[str, ...]:
    """The patterns of a list in COUNTER's JSON format ([{"pattern": …}, …]), every one a
    valid regular expression; RobotsListError otherwise."""
    if len(data) > MAX_LIST_BYTES:
        raise RobotsListError()
    try:
        entries = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise RobotsListError() from None
    if not isinstance(entries, list):
        raise RobotsListError()
    patterns = []
    for entry in entries:
        pattern = entry.get("pattern") if isinstance(entry, dict) else None
        if not isinstance(pattern, str) or not pattern:
            raise RobotsListError()
        try:
            re.compile(pattern)
        except re.error:
            raise RobotsListError(
                _l("The pattern %(pattern)s is not a valid regular expression.", pattern=pattern)
            ) from None
        patterns.append(pattern)
    if len(patterns) < MIN_PATTERNS:
        raise RobotsListError(
            _l(
                "The list has only %(count)d patterns: COUNTER's has hundreds.",
                count=len(patterns),
            )
        )
    return tuple(patterns)


def instance_list_path() -> Path:
    configured = current_app.config.get("USAGE_ROBOTS_FILE")
    return Path(configured or Path(current_app.instance_path) / "counter_robots.json")


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> RobotsList:
    patterns = parse_list(Path(path).read_bytes())
    regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    return RobotsList(path, patterns, regex)


def robots_list() -> RobotsList:
    """The list in use: the instance's copy when there is a readable one, else the shipped
    one."""
    path = instance_list_path()
    try:
        return _load(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        pass
    except (OSError, RobotsListError):
        log.exception("usage: the robots list %s cannot be read; the shipped one is used", path)
    return _load(str(SHIPPED), SHIPPED.stat().st_mtime_ns)


def is_robot(user_agent: str | None) -> bool:
    return robots_list().matches(user_agent or "")


def install_list(data: bytes) -> tuple[Path, int]:
    """Check ``data`` and make it the instance's list (atomically): (path, patterns)."""
    patterns = parse_list(data)
    path = instance_list_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".robots-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path, len(patterns)


def download_list(url: str, timeout: float) -> bytes:
    """The list at ``url`` (http or https), at most MAX_LIST_BYTES."""
    from urllib.error import HTTPError
    from urllib.parse import urlsplit
    from urllib.request import Request, urlopen

    if urlsplit(url).scheme not in ("http", "https"):
        raise RobotsListError(_l("The list's address must start with http:// or https://."))
    request = Request(url, headers={"User-Agent": "mekong-journal (robots list refresh)"})  # noqa: S310
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            data = response.read(MAX_LIST_BYTES + 1)
    except OSError as error:
        if isinstance(error, HTTPError):
            error.close()  # it holds the answer's connection
        raise RobotsListError(
            _l("The list could not be downloaded: %(error)s", error=str(error))
        ) from None
    return data
