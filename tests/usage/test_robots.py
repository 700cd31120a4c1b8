"""The COUNTER robots list: the shipped copy, and the administrator's refresh (from a file
or downloaded from a real local server); a list that is not one is refused and the one in
use stays."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from journal.usage.robots import SHIPPED, instance_list_path, is_robot, parse_list, robots_list

from .conftest import BROWSER, GOOGLEBOT


def _list(*patterns: str, filler: int = 60) -> bytes:
    entries = [{"pattern": p, "last_changed": "2026-01-01"} for p in patterns]
    entries += [
        {"pattern": f"^filler-agent-{i}/", "last_changed": "2026-01-01"} for i in range(filler)
    ]
    return json.dumps(entries).encode()


def test_the_shipped_list_is_counters_and_names_its_source():
    patterns = parse_list(SHIPPED.read_bytes())
    assert len(patterns) == 327 and "bot" in patterns
    readme = (SHIPPED.parent / "README.md").read_text()
    assert "https://github.com/atmire/COUNTER-Robots" in readme and "MIT" in readme


def test_browsers_are_readers_and_robots_are_not(app):
    assert robots_list().source == str(SHIPPED)
    assert not is_robot(BROWSER)
    assert is_robot(GOOGLEBOT)
    assert is_robot("GOOGLEBOT/2.1")  # case does not matter
    assert is_robot("") and is_robot(None)
    assert is_robot("ZoteroTranslationServer/2.0")  # fetches pages for a reference manager


def test_the_administrator_installs_a_newer_list_from_a_file(app, runner, tmp_path):
    newer = tmp_path / "list.json"
    newer.write_bytes(_list("^Zyxwvut"))
    assert not is_robot("Zyxwvut/1.0")

    result = runner.invoke(args=["usage", "robots-refresh", "--file", str(newer)])

    assert result.exit_code == 0, result.output
    assert "61 patterns" in result.output
    assert instance_list_path().read_bytes() == newer.read_bytes()
    assert is_robot("zyxwvut/1.0")
    assert not is_robot(GOOGLEBOT)  # the newer list is the whole list


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not found</html>", "Đây không phải là danh sách robot của COUNTER."),
        (json.dumps([{"pattern": "bot"}]).encode(), "Danh sách chỉ có 1 mẫu"),
        (_list("([unclosed"), "Mẫu ([unclosed không phải là biểu thức chính quy"),
        (json.dumps({"pattern": "bot"}).encode(), "Đây không phải là danh sách robot"),
    ],
)
def test_a_list_that_is_not_one_is_refused_and_the_list_in_use_stays(  # (messages in vi)
    app, runner, tmp_path, content, message
):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = runner.invoke(args=["usage", "robots-refresh", "--file", str(bad)])
    assert result.exit_code == 1
    assert message in result.output
    assert not instance_list_path().exists()
    assert is_robot(GOOGLEBOT)


@pytest.fixture
def list_server():
    served = {"body": _list("^Qwertyuiop"), "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(served["status"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}/COUNTER_Robots_list.json"
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_list_is_downloaded_from_its_address(app, runner, list_server):
    served, url = list_server
    app.config["USAGE_ROBOTS_URL"] = url
    result = runner.invoke(args=["usage", "robots-refresh"])
    assert result.exit_code == 0, result.output
    assert is_robot("Qwertyuiop/2")

    served["status"] = 404
    served["body"] = b"gone"
    failed = runner.invoke(args=["usage", "robots-refresh", "--url", url])
    assert failed.exit_code == 1 and "Không tải được danh sách: HTTP Error 404" in failed.output
    assert is_robot("Qwertyuiop/2")  # the list installed before stays
    refused = runner.invoke(args=["usage", "robots-refresh", "--url", "file:///etc/passwd"])
    assert refused.exit_code == 1 and "phải bắt đầu bằng http:// hoặc https://" in refused.output
