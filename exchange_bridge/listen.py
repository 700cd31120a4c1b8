"""A local receiver for trying the bridge out (``journal bridge listen``): it checks each
delivery's signature and timestamp, refuses a delivery whose signed body ``id`` it has seen
(409: the ``Idempotency-Key`` header is not signed, so it is never trusted for that),
acknowledges the rest and prints them. For demos and development, not for production."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify


def _payload(body: bytes) -> dict | None:
    """The delivery's JSON object, if it is one with a string ``id``."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        return None
    return payload


def make_server(
    secret: str, host: str = "127.0.0.1", port: int = 8765, echo: Callable = print
) -> ThreadingHTTPServer:
    seen: set[str] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, data: dict) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # http.server calls it so
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 10 * 1024 * 1024))
            header_key = self.headers.get(IDEMPOTENCY_HEADER, "")
            if not verify(secret, self.headers.get(SIGNATURE_HEADER), body, time.time()):
                echo(f"refused (bad signature or stale timestamp): {header_key}")
                return self._answer(401, {"error": "bad signature"})
            payload = _payload(body)
            if payload is None:
                echo("refused (the body is not a delivery)")
                return self._answer(400, {"error": "not a delivery"})
            key = payload["id"]  # signed: a replay with another header is still a replay
            with lock:
                if key in seen:
                    echo(f"refused (replayed): {key}")
                    return self._answer(409, {"error": "already received", "received": key})
                seen.add(key)
            echo(
                f"{payload['type']} {payload['action']} {payload['subject_id']} "
                f"(key {key}, signed, {len(body)} bytes)"
            )
            return self._answer(200, {"received": key})

    return ThreadingHTTPServer((host, port), Handler)
