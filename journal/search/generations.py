"""Index generations on disk, shared by the engines that keep their index in a directory.

Layout under the engine's directory (the app uses ``instance/search/``)::

    current -> index-20250301T101500-3f2a9c     (relative symlink, replaced atomically)
    index-20250301T101500-3f2a9c/               (an index)
    index-20250214T080000-77b1e0/               (the previous one, kept for open readers)

A rebuild writes a complete new generation and swaps the symlink: searches answer from the
old generation until the swap and from the new one after.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import shutil
import time
from pathlib import Path

log = logging.getLogger(__name__)

CURRENT = "current"
GENERATION_PREFIX = "index-"
# A build directory younger than this may belong to a rebuild running in another process.
STALE_BUILD_SECONDS = 600
# Beside each generation's files: the last change-log sequence applied to it.
SEQUENCE_FILE = "journal-sequence.json"


class Generations:
    """The generation directories under ``root``."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    @property
    def current_link(self) -> Path:
        return self.root / CURRENT

    def current_path(self) -> Path | None:
        try:
            target = os.readlink(self.current_link)
        except OSError:
            return None
        path = (self.root / target).resolve()
        return path if path.is_dir() else None

    def dangling(self) -> bool:
        """The link exists but names no directory (the index was deleted under us)."""
        link = self.current_link
        return self.current_path() is None and (link.is_symlink() or link.exists())

    def new_directory(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.root / f"{GENERATION_PREFIX}{stamp}-{secrets.token_hex(3)}"
        path.mkdir(parents=True)
        return path

    def swap(self, new_path: Path) -> Path | None:
        """Make ``new_path`` current (atomically); returns the previous generation."""
        previous = self.current_path()
        tmp = self.root / f".{CURRENT}-{secrets.token_hex(4)}"
        os.symlink(new_path.name, tmp)
        os.replace(tmp, self.current_link)
        return previous

    def remove_old(self, keep: set[Path]) -> None:
        now = time.time()
        for path in self.root.glob(f"{GENERATION_PREFIX}*"):
            if path.resolve() in keep or not path.is_dir():
                continue
            try:
                if now - path.stat().st_mtime < STALE_BUILD_SECONDS:
                    continue  # perhaps a rebuild running in another process
                shutil.rmtree(path)
            except OSError:
                log.warning("could not remove old search index %s", path, exc_info=True)


def read_sequence(path: Path | None) -> int:
    """The last change-log sequence recorded in a generation (0 when none)."""
    if path is None:
        return 0
    try:
        data = json.loads((path / SEQUENCE_FILE).read_text())
        return max(0, int(data["sequence"]))
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def write_sequence(path: Path, sequence: int) -> None:
    """Record ``sequence`` in a generation, atomically (written after the index commit: a
    crash in between replays changes already applied, which is harmless)."""
    tmp = path / f".{SEQUENCE_FILE}-{secrets.token_hex(4)}"
    tmp.write_text(json.dumps({"sequence": int(sequence)}))
    os.replace(tmp, path / SEQUENCE_FILE)
