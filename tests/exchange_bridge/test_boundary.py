"""The journal never imports the exchange bridge: only the app factory registers it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORT = re.compile(r"^\s*(from|import)\s+exchange_bridge\b", re.MULTILINE)


def test_no_journal_module_imports_the_bridge_except_the_factory():
    importing = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "journal").rglob("*.py")
        if IMPORT.search(path.read_text(encoding="utf-8"))
    )
    assert importing == ["journal/__init__.py"]
    factory = (ROOT / "journal" / "__init__.py").read_text(encoding="utf-8")
    inside = factory[
        factory.index("def create_app(") : factory.index("\ndef ", factory.index("def create_app("))
    ]
    assert IMPORT.findall(factory) and len(IMPORT.findall(factory)) == len(IMPORT.findall(inside))
    assert "exchange_bridge.init_app(app)" in inside


def test_every_journal_module_imports_without_the_bridge():
    """Import each module of the journal with the bridge made unimportable."""
    code = """
import importlib, pkgutil, sys
sys.modules["exchange_bridge"] = None  # any import of it now fails
import journal
failed = []
for info in pkgutil.walk_packages(journal.__path__, "journal."):
    try:
        importlib.import_module(info.name)
    except ImportError as error:
        failed.append(f"{info.name}: {error}")
assert "exchange_bridge" not in {m.split(".")[0] for m in sys.modules if sys.modules[m]}
print("FAILED" if failed else "OK", *failed, sep="\\n")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "OK", result.stdout


def test_the_bridge_acts_only_in_an_app_that_registered_it(app, users):
    """Its listeners are connected process-wide, but an app without the bridge is left
    alone."""
    from exchange_bridge.models import TechnologyOffer
    from journal.extensions import db

    from .factories import publish_funded_article

    app.extensions.pop("exchange_bridge")
    try:
        publish_funded_article(users["author"], users["editor_in_chief"])
    finally:
        app.extensions["exchange_bridge"] = True
    assert db.session.execute(db.select(TechnologyOffer)).first() is None
