"""The package's boundary and its small helpers."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

from crossref import DepositBatch, check_batch, normalize_doi, normalize_issn, normalize_orcid


def test_crossref_imports_neither_flask_nor_the_journal():
    code = (
        "import sys, crossref, crossref.client, crossref.deposit;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('journal', 'flask', 'flask_sqlalchemy', 'sqlalchemy'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_new_batch_is_unique_and_stamped_in_utc_milliseconds():
    moment = datetime(2025, 6, 30, 19, 5, 7, 123456, tzinfo=timezone(timedelta(hours=7)))
    first = DepositBatch.new("Tập san", "crossref@tapsan.example.vn", "Sở KH&CN", now=moment)
    second = DepositBatch.new("Tập san", "crossref@tapsan.example.vn", "Sở KH&CN", now=moment)
    assert first.timestamp == 20250630120507123
    assert first.batch_id.startswith("batch-20250630120507-")
    assert first.batch_id != second.batch_id
    assert check_batch(first) == []
    later = DepositBatch.new("Tập san", "crossref@tapsan.example.vn", "Sở KH&CN")
    assert later.timestamp > first.timestamp
    assert datetime.now(UTC).year == later.timestamp // 10**13


def test_identifier_normal_forms():
    assert normalize_doi(" https://doi.org/10.32013/ABC ") == "10.32013/ABC"
    assert normalize_doi("doi:10.32013/abc") == "10.32013/abc"
    assert normalize_orcid("http://orcid.org/0000-0002-1825-0097") == (
        "https://orcid.org/0000-0002-1825-0097"
    )
    assert normalize_orcid("000000021825009X") is None  # wrong check digit
    assert normalize_orcid("0000-0001-5109-3700") == "https://orcid.org/0000-0001-5109-3700"
    assert normalize_issn("20493630") == "2049-3630"
    assert normalize_issn("2049-3631") is None
