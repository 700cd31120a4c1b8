"""Real local HTTP receivers standing in for the three external systems.

Each runs ``http.server`` in a thread on a free port, checks every delivery the way
exchange_bridge/README.md tells the external systems to (HMAC-SHA256 over
"<timestamp>.<body>", timestamp within five minutes, the signed body's ``id`` seen once), keeps
what it accepted, and can misbehave on demand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = (
    "ok",  # verify, record, acknowledge
    "error",  # answer 500
    "timeout",  # answer nothing for longer than the bridge waits
    "garbage",  # answer bytes that are not HTTP
    "unacknowledged",  # answer 200 with a body that is not the acknowledgement (a proxy)
    "lost_answer",  # record the delivery, then answer too late (the answer is lost)
)


@dataclass
class Request:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    secret: str
    mode: str = "ok"
    delay: float = 2.0
    accepted: list = field(default_factory=list)  # payloads (dicts) recorded
    refused: list = field(default_factory=list)  # (status, reason)
    requests: list = field(default_factory=list)  # every request as received
    seen_keys: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/deliveries"

    def verify(self, headers, body: bytes) -> str | None:
        """None if the delivery is authentic and new, else the reason to refuse it."""
        header = headers.get("X-Bridge-Signature", "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        stamp, digest = parts.get("t", ""), parts.get("v1", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
            return "stale or missing timestamp"
        expected = hmac.new(
            self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected, digest):
            return "bad signature"
        payload = json.loads(body)
        if headers.get("Idempotency-Key") != payload["id"]:
            return "idempotency key does not match the payload"
        return None

    def payloads(self, kind=None, action=None) -> list[dict]:
        with self.lock:
            return [
                p
                for p in self.accepted
                if (kind is None or p["type"] == kind) and (action is None or p["action"] == action)
            ]

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, data: dict) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k: v for k, v in self.headers.items()}
            with receiver.lock:
                receiver.requests.append(Request(headers, body))
                mode = receiver.mode
            if mode == "error":
                return self._answer(500, {"error": "internal"})
            if mode == "timeout":
                time.sleep(receiver.delay)
                return None
            if mode == "garbage":
                self.wfile.write(b"\x00\xffthis is not HTTP\r\n\r\n")
                return None
            if mode == "unacknowledged":  # e.g. a captive portal: the receiver never saw it
                return self._answer(200, {"status": "fine, probably"})
            reason = receiver.verify(headers, body)
            if reason is not None:
                with receiver.lock:
                    receiver.refused.append((401, reason))
                return self._answer(401, {"error": reason})
            key = json.loads(body)["id"]  # signed, unlike the Idempotency-Key header
            with receiver.lock:
                if key in receiver.seen_keys:
                    receiver.refused.append((409, "replayed"))
                    return self._answer(409, {"error": "already received", "received": key})
                receiver.seen_keys.add(key)
                receiver.accepted.append(json.loads(body))
            if mode == "lost_answer":
                time.sleep(receiver.delay)
                return None
            return self._answer(200, {"received": key})

    return Handler


def start_receiver(secret: str) -> Receiver:
    receiver = Receiver(secret=secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.server = server
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    return receiver


def closed_port_url() -> str:
    """The address of a port nothing listens on (a receiver that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/deliveries"


def replay(request: Request, url: str) -> int:
    """Send a recorded request again, byte for byte; the receiver's answer status."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        connection.request("POST", parts.path, body=request.body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
