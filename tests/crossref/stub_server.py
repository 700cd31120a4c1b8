"""A local stand-in for Crossref's deposit and submission-log servlets.

A real HTTP server in a thread. The deposit servlet parses the multipart form as Crossref
does, keeps the uploaded file and answers with Crossref's SUCCESS page; the log servlet
answers with a ``doi_batch_diagnostic`` built from the deposited file (``Success`` per DOI,
or ``Failure`` with a message for DOIs listed in ``failures``). Tests can replace either
answer, or make the server slow.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SUCCESS_PAGE = (
    "<html>\n<head><title>SUCCESS</title>\n</head>\n<body>\n<h2>SUCCESS</h2>\n"
    "<p>Your batch submission was successfully received.</p>\n</body>\n</html>\n"
)
AUTH_FAILURE_PAGE = (
    "<html><head><title>FAILURE</title></head><body><h2>FAILURE</h2>"
    "<p>Authentication failed: wrong login_id or login_passwd.</p></body></html>"
)


@dataclass
class Received:
    path: str
    fields: dict[str, str]
    files: dict[str, tuple[str, bytes]]


@dataclass
class CrossrefStub:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    deposited: dict[str, bytes] = field(default_factory=dict)  # file name → content
    failures: dict[str, str] = field(default_factory=dict)  # DOI → Crossref's message
    deposit_answer: tuple[int, str] | None = None  # replaces the SUCCESS page
    log_answer: tuple[int, str] | None = None  # replaces the generated log
    delay: float = 0.0
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def deposit_url(self) -> str:
        return f"{self.url}/servlet/deposit"

    def submission_log(self, file_name: str) -> str:
        content = self.deposited.get(file_name)
        if content is None:
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<doi_batch_diagnostic status="unknown_submission">'
                "<submission_id>0</submission_id><batch_id/></doi_batch_diagnostic>"
            )
        batch_id = re.search(rb"<doi_batch_id>(.*?)</doi_batch_id>", content).group(1).decode()
        dois = [d.decode() for d in re.findall(rb"<doi_data>\s*<doi>(.*?)</doi>", content)]
        records = "".join(
            f'<record_diagnostic status="Failure" msg_id="4"><doi>{doi}</doi>'
            f"<msg>{self.failures[doi]}</msg></record_diagnostic>"
            if doi in self.failures
            else f'<record_diagnostic status="Success"><doi>{doi}</doi>'
            "<msg>Successfully added</msg></record_diagnostic>"
            for doi in dois
        )
        failed = sum(doi in self.failures for doi in dois)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<doi_batch_diagnostic status="completed" sp="stub">'
            f"<submission_id>1423</submission_id><batch_id>{batch_id}</batch_id>{records}"
            f"<batch_data><record_count>{len(dois)}</record_count>"
            f"<success_count>{len(dois) - failed}</success_count>"
            f"<warning_count>0</warning_count><failure_count>{failed}</failure_count>"
            "</batch_data></doi_batch_diagnostic>"
        )


def _handler(stub: CrossrefStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output quiet
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            content_type = self.headers.get("Content-Type", "")
            fields, files = {}, {}
            if content_type.startswith("multipart/form-data"):
                message = BytesParser(policy=HTTP).parsebytes(
                    f"Content-Type: {content_type}\r\n\r\n".encode() + body
                )
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    if part.get_filename() is not None:
                        files[name] = (part.get_filename(), part.get_payload(decode=True))
                    else:
                        fields[name] = part.get_payload(decode=True).decode("utf-8")
            else:
                fields = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            stub.received.append(Received(self.path, fields, files))
            if stub.delay and stub.release.wait(stub.delay):
                return  # the test is over: the client gave up long ago
            if self.path == "/servlet/deposit":
                if "fname" in files:
                    stub.deposited[files["fname"][0]] = files["fname"][1]
                status, text = stub.deposit_answer or (200, SUCCESS_PAGE)
                self._answer(status, text, "text/html;charset=UTF-8")
            elif self.path == "/servlet/submissionDownload":
                status, text = stub.log_answer or (
                    200,
                    stub.submission_log(fields.get("file_name", "")),
                )
                self._answer(status, text, "text/xml;charset=UTF-8")
            else:
                self._answer(404, "not here", "text/plain")

        def _answer(self, status: int, text: str, content_type: str) -> None:
            data = text.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class StubServer:
    def __init__(self):
        self.stub = CrossrefStub()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.stub))
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        self.stub.url = f"http://{host}:{port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> CrossrefStub:
        self.thread.start()
        return self.stub

    def __exit__(self, *exc_info) -> None:
        self.stub.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
