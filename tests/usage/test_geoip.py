"""A reader's country from a GeoIP database (MaxMind DB format, read by ``maxminddb``), when
one is configured: the event keeps the country code, never the address. The database here
is written by the test in the format's published layout (a binary search tree over the
address bits, a data section, the metadata) with one network in it."""

from __future__ import annotations

import ipaddress
import struct

import pytest

from journal.usage.aggregation import aggregate_usage, today
from journal.usage.recording import flush_buffer

from .conftest import daily, events, reader

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


def _head(kind: int, size: int) -> bytes:
    assert size < 29
    return bytes([kind << 5 | size]) if kind <= 7 else bytes([size, kind - 7])


def _uint(kind: int, value: int) -> bytes:
    payload = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return _head(kind, len(payload)) + payload


def _encode(value) -> bytes:
    if isinstance(value, dict):
        return _head(7, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    if isinstance(value, list):
        return _head(11, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, str):
        data = value.encode()
        return _head(2, len(data)) + data
    kind, number = value  # ("uint16" | "uint32" | "uint64", n)
    return _uint({"uint16": 5, "uint32": 6, "uint64": 9}[kind], number)


def write_mmdb(path, network: str, record: dict) -> None:
    """An IPv4 database where ``network`` maps to ``record`` and nothing else is known."""
    net = ipaddress.ip_network(network)
    bits = format(int(net.network_address), "032b")[: net.prefixlen]
    node_count = len(bits)
    no_data, data_pointer = node_count, node_count + 16  # the data at offset 0
    tree = b""
    for depth, bit in enumerate(bits):
        onward = depth + 1 if depth + 1 < node_count else data_pointer
        left, right = (onward, no_data) if bit == "0" else (no_data, onward)
        tree += struct.pack(">I", left)[1:] + struct.pack(">I", right)[1:]
    metadata = {
        "binary_format_major_version": ("uint16", 2),
        "binary_format_minor_version": ("uint16", 0),
        "build_epoch": ("uint64", 1_765_000_000),
        "database_type": "Test-Country",
        "description": {"en": "usage test"},
        "ip_version": ("uint16", 4),
        "languages": ["en"],
        "node_count": ("uint32", node_count),
        "record_size": ("uint16", 24),
    }
    path.write_bytes(tree + bytes(16) + _encode(record) + METADATA_MARKER + _encode(metadata))


@pytest.fixture
def geoip(app, tmp_path):
    path = tmp_path / "countries.mmdb"
    write_mmdb(path, "198.51.100.0/24", {"country": {"iso_code": "VN", "names": {"en": "Vietnam"}}})
    app.config["USAGE_GEOIP_DATABASE"] = str(path)
    return path


def test_the_database_written_here_reads_as_maxmind_db(geoip):
    import maxminddb

    with maxminddb.open_database(str(geoip)) as database:
        assert database.get("198.51.100.77") == {
            "country": {"iso_code": "VN", "names": {"en": "Vietnam"}}
        }
        assert database.get("203.0.113.5") is None


def test_events_keep_the_country_and_figures_are_counted_per_country(app, article, geoip):
    url = f"/articles/{article.id}"
    assert reader(app, "198.51.100.7").get(url).status_code == 200
    assert reader(app, "198.51.100.8").get(url + "/pdf").status_code == 200
    assert reader(app, "203.0.113.9").get(url).status_code == 200  # not in the database
    flush_buffer(app)

    assert [e.country for e in events()] == ["VN", "VN", ""]
    aggregate_usage(today(), today())
    rows = {r.country: (r.total_requests, r.unique_requests) for r in daily()}
    assert rows == {"VN": (2, 2), "": (1, 1)}


def test_a_database_that_cannot_be_read_records_no_country(app, article, tmp_path):
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    app.config["USAGE_GEOIP_DATABASE"] = str(broken)
    assert reader(app, "198.51.100.7").get(f"/articles/{article.id}").status_code == 200
    flush_buffer(app)
    assert [e.country for e in events()] == [""]
