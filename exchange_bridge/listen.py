"""A local receiver for trying the bridge out (``journal bridge listen``): it checks each
delivery's signature and timestamp, refuses a key it has seen (409), acknowledges the rest
and prints them. For demos and development, not for production."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify


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
            key = self.headers.get(IDEMPOTENCY_HEADER, "")
            if not verify(secret, self.headers.get(SIGNATURE_HEADER), body, time.time()):
                echo(f"refused (bad signature or stale timestamp): {key}")
                return self._answer(401, {"error": "bad signature"})
            with lock:
                if key in seen:
                    echo(f"refused (replayed): {key}")
                    return self._answer(409, {"error": "already received", "received": key})
                seen.add(key)
            payload = json.loads(body)
            echo(
                f"{payload['type']} {payload['action']} {payload['subject_id']} "
                f"(key {key}, signed, {len(body)} bytes)"
            )
            return self._answer(200, {"received": key})

    return ThreadingHTTPServer((host, port), Handler)
