"""Talking to Crossref: deposit a batch over HTTPS POST, poll its submission log.

Crossref's deposit endpoint (``https://doi.crossref.org/servlet/deposit``; the test system is
``https://test.crossref.org/servlet/deposit``) takes a ``multipart/form-data`` POST with
``operation=doMDUpload``, ``login_id``, ``login_passwd`` and the file in ``fname``. It answers
at once with a small HTML page (``SUCCESS`` … "Your batch submission was successfully
received") and queues the file. The outcome per DOI arrives later in the submission log, an
XML ``doi_batch_diagnostic`` served by ``/servlet/submissionDownload`` (``usr``, ``pwd``,
``type=result`` and the ``file_name`` or ``doi_batch_id``), where each ``record_diagnostic``
says ``Success``, ``Warning`` or ``Failure`` with a message.

Every way a call can go wrong (timeout, refused connection, HTTP error, a FAILURE page, an
answer that is not what Crossref sends) raises ``DepositError`` with a message fit for an
editor; ``retryable`` tells whether trying again later may help. Credentials travel in the
request body only, never in a URL or an error message.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import re
import uuid
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from lxml import etree

from .identifiers import normalize_doi
from .validation import safe_parser

MAX_ANSWER_BYTES = 20 * 1024 * 1024


class DepositError(Exception):
    """A deposit or a status poll failed; the message says why in plain words."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


@dataclass(frozen=True)
class DepositResult:
    """Crossref took the file into its queue (the records are not registered yet)."""

    file_name: str
    http_status: int
    message: str


@dataclass(frozen=True)
class RecordDiagnostic:
    """One record's outcome. ``doi`` is None for errors about the whole file."""

    status: str
    doi: str | None
    message: str
    msg_id: str | None = None

    @property
    def registered(self) -> bool:
        return self.status in ("Success", "Warning")


@dataclass(frozen=True)
class SubmissionStatus:
    """A submission log. ``state`` is Crossref's: ``completed`` once processed; ``queued``,
    ``in_process`` or ``unknown_submission`` (not picked up yet) before that."""

    state: str
    submission_id: str | None
    batch_id: str | None
    records: tuple[RecordDiagnostic, ...]
    record_count: int | None = None
    success_count: int | None = None
    warning_count: int | None = None
    failure_count: int | None = None

    @property
    def completed(self) -> bool:
        return self.state == "completed"

    def for_doi(self, doi: str) -> RecordDiagnostic | None:
        """The outcome for ``doi`` (DOIs compare case-insensitively)."""
        wanted = normalize_doi(doi).lower()
        for record in self.records:
            if record.doi and record.doi.lower() == wanted:
                return record
        return None

    @property
    def batch_errors(self) -> list[str]:
        """Failure messages not tied to a DOI (a file Crossref could not parse, say)."""
        return [r.message for r in self.records if r.doi is None and not r.registered]


def parse_submission_log(body: bytes) -> SubmissionStatus:
    """Read a ``doi_batch_diagnostic``; ``DepositError`` when the answer is something else."""
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as error:
        raise DepositError(
            f"the submission log is not XML ({error.msg}): {answer_text(body)[:200]}"
        ) from error
    if etree.QName(root).localname != "doi_batch_diagnostic":
        raise DepositError(
            f"expected a Crossref submission log, got <{etree.QName(root).localname}>: "
            f"{answer_text(body)[:200]}"
        )

    def child_text(parent: etree._Element, name: str) -> str | None:
        found = parent.find(f"{{*}}{name}")
        text = (found.text or "").strip() if found is not None else ""
        return text or None

    def count(name: str) -> int | None:
        data = root.find("{*}batch_data")
        value = child_text(data, name) if data is not None else None
        return int(value) if value and value.isdigit() else None

    records = tuple(
        RecordDiagnostic(
            status=(element.get("status") or "").strip() or "Unknown",
            doi=child_text(element, "doi"),
            message=" ".join((child_text(element, "msg") or "").split()),
            msg_id=element.get("msg_id"),
        )
        for element in root.iterfind("{*}record_diagnostic")
    )
    state = root.get("status") or (
        "completed" if records or root.find("{*}batch_data") is not None else "unknown"
    )
    return SubmissionStatus(
        state=state,
        submission_id=child_text(root, "submission_id"),
        batch_id=child_text(root, "batch_id"),
        records=records,
        record_count=count("record_count"),
        success_count=count("success_count"),
        warning_count=count("warning_count"),
        failure_count=count("failure_count"),
    )


def answer_text(body: bytes) -> str:
    """An HTML or plain answer as one line of text."""
    text = body.decode("utf-8", errors="replace")
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?s)<[^>]*>", " ", text)
    return " ".join(html.unescape(text).split())


class CrossrefClient:
    """Deposits batches and polls their logs. Built from settings; tests point it at a local
    HTTP server. ``status_url`` defaults to the ``submissionDownload`` servlet next to
    ``deposit_url``."""

    def __init__(
        self,
        deposit_url: str,
        login_id: str,
        login_passwd: str,
        timeout: float = 30.0,
        *,
        status_url: str | None = None,
        user_agent: str = "mekong-journal-crossref/1.0",
    ):
        self.deposit_url = _checked_url(deposit_url)
        self.status_url = _checked_url(status_url) if status_url else _status_url(deposit_url)
        self.login_id = login_id
        self.login_passwd = login_passwd
        self.timeout = timeout
        self.user_agent = user_agent

    def deposit(self, xml: bytes, file_name: str | None = None) -> DepositResult:
        """POST ``xml`` as Crossref's HTTPS deposit expects. ``file_name`` (the tracking name
        for ``submission_status``) defaults to ``<doi_batch_id>.xml``."""
        file_name = _safe_file_name(file_name or _default_file_name(xml))
        body, content_type = _multipart(
            {
                "operation": "doMDUpload",
                "login_id": self.login_id,
                "login_passwd": self.login_passwd,
            },
            ("fname", file_name, "application/xml", xml),
        )
        request = Request(  # noqa: S310 (the scheme is checked in __init__)
            self.deposit_url,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "User-Agent": self.user_agent},
        )
        status, answer = self._send(request, "Deposit")
        text = answer_text(answer)
        if re.search(r"\bFAILURE\b", text):
            raise DepositError(f"Crossref rejected the deposit: {text[:500]}", status=status)
        if re.search(r"\bSUCCESS\b", text) or "successfully received" in text.lower():
            return DepositResult(file_name=file_name, http_status=status, message=text)
        raise DepositError(
            f"Deposit: unexpected answer from {self._where(self.deposit_url)} "
            f"(HTTP {status}): {text[:300] or 'empty'}",
            status=status,
            retryable=True,
        )

    def submission_status(
        self, *, file_name: str | None = None, batch_id: str | None = None
    ) -> SubmissionStatus:
        """The submission log of a deposit, by file name (recommended) or batch id."""
        if (file_name is None) == (batch_id is None):
            raise ValueError("give exactly one of file_name and batch_id")
        form = {"usr": self.login_id, "pwd": self.login_passwd, "type": "result"}
        if file_name is not None:
            form["file_name"] = file_name
        else:
            form["doi_batch_id"] = batch_id or ""
        request = Request(  # noqa: S310 (the scheme is checked in __init__)
            self.status_url,
            data=urlencode(form).encode("ascii"),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": self.user_agent,
            },
        )
        _, answer = self._send(request, "Submission status")
        try:
            return parse_submission_log(answer)
        except DepositError as error:
            raise DepositError(f"Submission status: {error.message}", retryable=True) from error

    def _where(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else url

    def _send(self, request: Request, what: str) -> tuple[int, bytes]:
        where = self._where(request.full_url)
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, response.read(MAX_ANSWER_BYTES)
        except HTTPError as error:
            answer = b""
            if error.fp is not None:
                try:
                    answer = error.read(MAX_ANSWER_BYTES)
                finally:
                    error.close()
            detail = answer_text(answer)[:500] or str(error.reason)
            raise DepositError(
                f"{what}: Crossref answered HTTP {error.code}: {detail}",
                status=error.code,
                retryable=error.code == 429 or error.code >= 500,
            ) from error
        except TimeoutError as error:
            raise self._timeout(what, where) from error
        except URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self._timeout(what, where) from error
            raise DepositError(
                f"{what}: could not reach {where}: {error.reason}", retryable=True
            ) from error
        except (OSError, http.client.HTTPException) as error:
            raise DepositError(
                f"{what}: the connection to {where} failed: {error!r}", retryable=True
            ) from error

    def _timeout(self, what: str, where: str) -> DepositError:
        return DepositError(
            f"{what}: no answer from {where} within {self.timeout:g} seconds", retryable=True
        )


def _checked_url(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


def _status_url(deposit_url: str) -> str:
    parts = urlsplit(_checked_url(deposit_url))
    path = re.sub(r"/deposit/?$", "/submissionDownload", parts.path)
    if path == parts.path:
        path = "/servlet/submissionDownload"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _default_file_name(xml: bytes) -> str:
    try:
        root = etree.fromstring(xml, safe_parser())
        batch_id = root.findtext("{*}head/{*}doi_batch_id")
    except etree.XMLSyntaxError:
        batch_id = None
    if batch_id and batch_id.strip():
        return f"{batch_id.strip()}.xml"
    return f"deposit-{hashlib.sha256(xml).hexdigest()[:16]}.xml"


def _safe_file_name(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "deposit"
    return name if name.endswith(".xml") else f"{name}.xml"


def _multipart(fields: dict[str, str], upload: tuple[str, str, str, bytes]) -> tuple[bytes, str]:
    field, file_name, media_type, content = upload
    boundary = f"----crossref-{uuid.uuid4().hex}"
    while boundary.encode() in content:
        boundary = f"----crossref-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode("utf-8")
        + b"\r\n"
        for name, value in fields.items()
    ]
    parts.append(
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
