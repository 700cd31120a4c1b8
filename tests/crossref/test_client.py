"""The deposit client against a real local HTTP server standing in for Crossref."""

from __future__ import annotations

import socket

import pytest

from crossref import CrossrefClient, DepositError, build_deposit, parse_submission_log

from .samples import make_articles, make_batch, make_issue, make_journal
from .stub_server import AUTH_FAILURE_PAGE, StubServer

PASSWORD = "s3cret-pässword"


@pytest.fixture
def crossref():
    with StubServer() as stub:
        yield stub


@pytest.fixture(scope="module")
def batch_xml() -> bytes:
    return build_deposit(make_batch(), make_journal(), make_issue(), make_articles())


def client_for(stub, timeout: float = 5.0) -> CrossrefClient:
    return CrossrefClient(stub.deposit_url, "mdj/role", PASSWORD, timeout)


def test_deposit_posts_the_form_crossref_expects_and_the_log_says_registered(crossref, batch_xml):
    client = client_for(crossref)
    result = client.deposit(batch_xml)
    assert result.file_name == "mdj-20250630-0001.xml"
    assert result.http_status == 200
    assert "successfully received" in result.message

    (request,) = crossref.received
    assert request.path == "/servlet/deposit"
    assert request.fields == {
        "operation": "doMDUpload",
        "login_id": "mdj/role",
        "login_passwd": PASSWORD,
    }
    assert request.files == {"fname": ("mdj-20250630-0001.xml", batch_xml)}

    status = client.submission_status(file_name=result.file_name)
    assert crossref.received[1].path == "/servlet/submissionDownload"
    assert crossref.received[1].fields == {
        "usr": "mdj/role",
        "pwd": PASSWORD,
        "type": "result",
        "file_name": "mdj-20250630-0001.xml",
    }
    assert status.completed
    assert status.batch_id == "mdj-20250630-0001"
    assert (status.record_count, status.success_count, status.failure_count) == (3, 3, 0)
    record = status.for_doi("10.32013/MDJ.2025.0002")
    assert record.registered and record.message == "Successfully added"
    assert status.batch_errors == []


def test_explicit_file_name_is_made_safe(crossref, batch_xml):
    result = client_for(crossref).deposit(batch_xml, file_name='issue 3/2 "final"')
    assert result.file_name == "issue_3_2_final.xml"
    assert crossref.received[0].files["fname"][0] == "issue_3_2_final.xml"


def test_rejected_records_carry_crossrefs_message(crossref, batch_xml):
    message = (
        "Record not processed because submitted version: 20250630120000000 is less or equal "
        "to previously submitted version (DOI match)"
    )
    crossref.failures["10.32013/mdj.2025.0002"] = message
    client = client_for(crossref)
    result = client.deposit(batch_xml)
    status = client.submission_status(file_name=result.file_name)
    assert status.completed and status.failure_count == 1
    failed = status.for_doi("10.32013/mdj.2025.0002")
    assert not failed.registered
    assert (failed.status, failed.message, failed.msg_id) == ("Failure", message, "4")
    assert status.for_doi("10.32013/mdj.2025.0001").registered


def test_rejected_login_is_a_clear_error_without_the_password(crossref, batch_xml):
    crossref.deposit_answer = (401, AUTH_FAILURE_PAGE)
    with pytest.raises(DepositError) as caught:
        client_for(crossref).deposit(batch_xml)
    error = caught.value
    assert error.status == 401 and not error.retryable
    assert str(error) == (
        "Deposit: Crossref answered HTTP 401: FAILURE FAILURE "
        "Authentication failed: wrong login_id or login_passwd."
    )
    assert PASSWORD not in str(error)


def test_failure_page_with_status_200_is_a_rejection(crossref, batch_xml):
    crossref.deposit_answer = (200, "<html><body><h2>FAILURE</h2><p>No file.</p></body></html>")
    with pytest.raises(DepositError, match=r"^Crossref rejected the deposit: FAILURE No file\."):
        client_for(crossref).deposit(batch_xml)


def test_whole_file_failure_in_the_log(crossref):
    crossref.log_answer = (
        200,
        '<doi_batch_diagnostic status="completed"><submission_id>7</submission_id>'
        '<batch_id>b-1</batch_id><record_diagnostic status="Failure"><doi/>'
        "<msg>Error: cvc-complex-type.2.4.a: Invalid content was found</msg>"
        "</record_diagnostic><batch_data><record_count>1</record_count>"
        "<success_count>0</success_count><warning_count>0</warning_count>"
        "<failure_count>1</failure_count></batch_data></doi_batch_diagnostic>",
    )
    status = client_for(crossref).submission_status(batch_id="b-1")
    assert crossref.received[0].fields["doi_batch_id"] == "b-1"
    assert status.batch_errors == ["Error: cvc-complex-type.2.4.a: Invalid content was found"]
    assert status.for_doi("10.32013/mdj.2025.0001") is None


def test_submission_not_processed_yet(crossref):
    status = client_for(crossref).submission_status(file_name="not-yet.xml")
    assert status.state == "unknown_submission"
    assert not status.completed and status.records == ()


def test_deposit_timeout(crossref, batch_xml):
    crossref.delay = 10
    with pytest.raises(DepositError) as caught:
        client_for(crossref, timeout=0.3).deposit(batch_xml)
    host = crossref.url.removeprefix("http://")
    assert str(caught.value) == f"Deposit: no answer from {host} within 0.3 seconds"
    assert caught.value.retryable


def test_status_poll_timeout(crossref):
    crossref.delay = 10
    with pytest.raises(DepositError, match=r"^Submission status: no answer from .* within 0.3"):
        client_for(crossref, timeout=0.3).submission_status(file_name="x.xml")


def test_server_errors_are_retryable(crossref, batch_xml):
    crossref.deposit_answer = (503, "<html><body><h1>503 Service Unavailable</h1></body></html>")
    with pytest.raises(DepositError) as caught:
        client_for(crossref).deposit(batch_xml)
    assert caught.value.status == 503 and caught.value.retryable
    assert "HTTP 503: 503 Service Unavailable" in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    ["", "<html><body>Welcome to nginx!</body></html>", "OK"],
    ids=["empty", "some-page", "plain"],
)
def test_unexpected_deposit_answer(crossref, batch_xml, answer):
    crossref.deposit_answer = (200, answer)
    with pytest.raises(DepositError, match=r"^Deposit: unexpected answer from .* \(HTTP 200\)"):
        client_for(crossref).deposit(batch_xml)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "<html><body>Login required</body></html>",
            "expected a Crossref submission log, got <html>",
        ),
        ("not xml at all", "the submission log is not XML"),
        ("", "the submission log is not XML"),
    ],
)
def test_malformed_submission_log(crossref, answer, expected):
    crossref.log_answer = (200, answer)
    with pytest.raises(DepositError) as caught:
        client_for(crossref).submission_status(file_name="x.xml")
    assert str(caught.value).startswith(f"Submission status: {expected}")


def test_unreachable_endpoint():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = CrossrefClient(f"http://127.0.0.1:{port}/servlet/deposit", "u", PASSWORD, 2)
    with pytest.raises(DepositError, match=rf"^Deposit: could not reach 127.0.0.1:{port}: "):
        client.deposit(b"<doi_batch/>")


def test_client_configuration():
    client = CrossrefClient("https://test.crossref.org/servlet/deposit", "u", "p", 30)
    assert client.status_url == "https://test.crossref.org/servlet/submissionDownload"
    other = CrossrefClient("https://x.example/up", "u", "p", status_url="https://x.example/log")
    assert other.status_url == "https://x.example/log"
    with pytest.raises(ValueError, match="not an http"):
        CrossrefClient("file:///etc/passwd", "u", "p")
    with pytest.raises(ValueError, match="exactly one"):
        client.submission_status()
    with pytest.raises(ValueError, match="exactly one"):
        client.submission_status(file_name="a.xml", batch_id="b")


def test_log_parser_refuses_entities():
    hostile = (
        b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<doi_batch_diagnostic><batch_id>&x;</batch_id></doi_batch_diagnostic>"
    )
    status = parse_submission_log(hostile)
    assert status.batch_id is None
    assert status.state == "unknown"
