"""Deliveries to real local receivers: signatures, idempotency, retries with backoff,
dead letters, receivers that are down or misbehave, the CLI and the log page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from exchange_bridge import offers
from exchange_bridge.models import Delivery, DeliveryAttempt
from exchange_bridge.outbox import backoff, deliver_pending, retry_deliveries
from exchange_bridge.signing import signature_header, verify
from journal.extensions import db
from journal.models_base import utcnow

from .factories import complete_fields, fresh, listed_offer, publish_funded_article
from .receivers import closed_port_url, replay


@pytest.fixture
def article(app, users):
    return publish_funded_article(users["author"], users["editor_in_chief"])


def _deliveries():
    db.session.expire_all()
    return list(db.session.execute(db.select(Delivery).order_by(Delivery.id)).scalars())


def _later(seconds: float):
    return utcnow() + timedelta(seconds=seconds)


def test_signatures_cover_the_timestamp_and_the_body():
    header = signature_header("s3cret", 1_700_000_000, b'{"a":1}')
    assert verify("s3cret", header, b'{"a":1}', now=1_700_000_010)
    assert not verify("other", header, b'{"a":1}', now=1_700_000_010)
    assert not verify("s3cret", header, b'{"a":2}', now=1_700_000_010)
    assert not verify("s3cret", header, b'{"a":1}', now=1_700_000_000 + 301)  # too old
    assert not verify(
        "s3cret", header.replace("t=1700000000", "t=1700000005"), b'{"a":1}', 1_700_000_010
    )
    assert not verify("s3cret", None, b"", 0) and not verify("s3cret", "garbage", b"", 0)


def test_nothing_is_queued_for_a_target_without_an_endpoint(app, users, article):
    listed_offer(article, users["author"])

    assert _deliveries() == []


def test_a_receiver_that_is_down_loses_nothing(app, users, receivers, article):
    exchange = receivers["exchange"]
    url = exchange.url
    app.config["BRIDGE_EXCHANGE_URL"] = closed_port_url()
    offer = listed_offer(article, users["author"])

    [delivery] = _deliveries()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff: 60 s
    assert deliver_pending() == 0  # not due yet: not tried again
    assert fresh(delivery).attempts == 1

    app.config["BRIDGE_EXCHANGE_URL"] = url  # the receiver is back
    assert deliver_pending(now=_later(61)) == 1
    [payload] = exchange.payloads()
    assert payload["object"]["id"] == offer.id
    assert payload["id"] == delivery.idempotency_key
    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [a.outcome for a in delivery.attempt_log] == ["failed", "delivered"]


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("error", "HTTP 500"),
        ("timeout", "timed out"),
        ("garbage", "BadStatusLine"),
        ("unacknowledged", "no acknowledgement"),
    ],
)
def test_failures_are_retried_with_backoff_then_dead_lettered(
    app, users, receivers, article, mode, error
):
    exchange = receivers["exchange"]
    exchange.mode = mode
    exchange.delay = 1.0
    listed_offer(article, users["author"])  # first try, inline after the commit

    clock = 0
    for attempt in range(2, 5):
        clock += backoff(attempt - 1).total_seconds()
        assert backoff(attempt - 1) == timedelta(seconds=60 * 2 ** (attempt - 2))
        assert deliver_pending(now=_later(clock - 1)) == 0  # not yet due
        deliver_pending(now=_later(clock + 1))
        assert fresh(_deliveries()[0]).attempts == attempt
    [delivery] = _deliveries()
    assert delivery.status == "dead"  # BRIDGE_MAX_ATTEMPTS = 4
    assert error in delivery.last_error
    assert len(delivery.attempt_log) == 4
    assert all(a.outcome == "failed" for a in delivery.attempt_log)
    assert deliver_pending(now=_later(10**6)) == 0  # dead: never tried by itself

    exchange.mode = "ok"
    assert retry_deliveries() == 1
    assert deliver_pending() == 1
    delivery = fresh(delivery)
    assert delivery.status == "sent"
    assert [a.number for a in delivery.attempt_log] == [1, 2, 3, 4, 5]
    assert len(exchange.payloads()) == 1


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(app, users, receivers, article):
    exchange = receivers["exchange"]
    app.config["BRIDGE_EXCHANGE_SECRET"] = "not-the-shared-secret"
    listed_offer(article, users["author"])

    [delivery] = _deliveries()
    assert exchange.accepted == []
    assert exchange.refused == [(401, "bad signature")]
    assert (delivery.status, delivery.last_status) == ("pending", 401)
    assert "bad signature" in delivery.last_error

    app.config["BRIDGE_EXCHANGE_SECRET"] = exchange.secret
    assert deliver_pending(now=_later(61)) == 1
    assert len(exchange.payloads()) == 1


def test_a_replayed_delivery_is_refused_by_the_receiver(app, users, receivers, article):
    exchange = receivers["exchange"]
    listed_offer(article, users["author"])
    [original] = exchange.requests

    assert replay(original, exchange.url) == 409
    assert len(exchange.accepted) == 1
    assert exchange.refused == [(409, "replayed")]
    # A tampered copy fails the signature.
    tampered = type(original)(original.headers, original.body.replace(b'"trl": 6', b'"trl": 9'))
    assert replay(tampered, exchange.url) == 401
    assert len(exchange.accepted) == 1


def test_an_answer_lost_on_the_way_back_is_retried_and_recognised_as_delivered(
    app, users, receivers, article
):
    exchange = receivers["exchange"]
    exchange.mode = "lost_answer"
    exchange.delay = 1.0
    listed_offer(article, users["author"])
    [delivery] = _deliveries()
    assert delivery.status == "pending" and "timed out" in delivery.last_error
    assert len(exchange.accepted) == 1  # the receiver did get it

    exchange.mode = "ok"
    assert deliver_pending(now=_later(61)) == 1
    delivery = fresh(delivery)
    assert delivery.status == "sent"
    assert [a.outcome for a in delivery.attempt_log] == ["failed", "duplicate"]
    assert len(exchange.accepted) == 1  # applied once
    assert exchange.refused == [(409, "replayed")]


def test_newer_changes_supersede_waiting_deliveries_and_the_last_state_arrives(
    app, users, receivers, article
):
    exchange = receivers["exchange"]
    url = exchange.url
    app.config["BRIDGE_EXCHANGE_URL"] = closed_port_url()
    offer = listed_offer(article, users["author"])  # tried once, waits
    offers.update_offer(offer, users["author"], complete_fields(offer, trl=7))
    offers.update_offer(offer, users["author"], complete_fields(offer, trl=8))

    assert [d.status for d in _deliveries()] == ["superseded", "superseded", "pending"]
    app.config["BRIDGE_EXCHANGE_URL"] = url
    assert deliver_pending(now=_later(61)) == 1
    assert [p["object"]["trl"] for p in exchange.payloads()] == [8]
    offers.withdraw_offer(offer, users["author"], "")
    assert [p["action"] for p in exchange.payloads()] == ["upsert", "delete"]


def test_a_subjects_deliveries_go_out_in_order(app, users, receivers, article):
    exchange = receivers["exchange"]
    url = exchange.url
    app.config["BRIDGE_EXCHANGE_URL"] = closed_port_url()
    offer = listed_offer(article, users["author"])
    [first] = _deliveries()
    first.claimed_until = _later(600)  # a worker is sending it right now
    db.session.commit()
    app.config["BRIDGE_EXCHANGE_URL"] = url
    offers.withdraw_offer(offer, users["author"], "")  # queued behind it, not sent before

    assert [(d.action, d.status, d.attempts) for d in _deliveries()] == [
        ("upsert", "pending", 1),
        ("delete", "pending", 0),
    ]
    assert exchange.requests == []
    first = fresh(first)
    first.claimed_until = None  # that worker gave up
    db.session.commit()
    assert deliver_pending(now=_later(61)) == 2
    assert [p["action"] for p in exchange.payloads()] == ["upsert", "delete"]


def test_cli_deliver_and_retry(app, users, receivers, article, runner):
    exchange = receivers["exchange"]
    exchange.mode = "error"
    listed_offer(article, users["author"])

    result = runner.invoke(args=["bridge", "deliver"])
    assert result.exit_code == 0 and "Delivered 0 item(s)." in result.output  # not due yet
    exchange.mode = "ok"
    result = runner.invoke(args=["bridge", "retry"])
    assert result.exit_code == 0
    assert "1 delivery(ies) due again; delivered 1." in result.output
    assert _deliveries()[0].status == "sent"


def test_resync_queues_everything_listed(app, users, receivers, article, runner):
    listed_offer(article, users["author"])
    result = runner.invoke(args=["bridge", "resync", "--target", "exchange"])

    assert result.exit_code == 0 and "Queued 1 delivery(ies); delivered 1." in result.output
    payloads = receivers["exchange"].payloads()
    assert len(payloads) == 2 and payloads[0]["id"] != payloads[1]["id"]


def test_the_delivery_log_shows_tries_and_admins_retry_from_it(
    app, users, receivers, article, login
):
    receivers["exchange"].mode = "error"
    listed_offer(article, users["author"])
    [delivery] = _deliveries()
    admin = login(users["admin"])

    page = admin.get("/bridge/deliveries")
    assert page.status_code == 200
    assert receivers["exchange"].url in page.text
    assert "HTTP 500" in page.text
    detail = admin.get(f"/bridge/deliveries/{delivery.id}")
    assert detail.status_code == 200 and delivery.idempotency_key in detail.text
    receivers["exchange"].mode = "ok"
    response = admin.post("/bridge/deliveries/retry")
    assert response.status_code == 302
    assert fresh(delivery).status == "sent"
    assert db.session.execute(db.select(db.func.count(DeliveryAttempt.id))).scalar_one() == 2


def test_payloads_are_versioned_json_with_the_documented_fields(app, users, receivers, article):
    listed_offer(article, users["author"])
    raw = receivers["exchange"].requests[0]

    assert raw.headers["Content-Type"] == "application/json; charset=utf-8"
    assert raw.headers["X-Bridge-Signature"].startswith("t=")
    payload = json.loads(raw.body)
    assert set(payload) == {
        "schema",
        "version",
        "id",
        "type",
        "action",
        "subject_id",
        "source",
        "created",
        "object",
    }
    assert payload["source"] == "https://journal.example.org"
    assert set(payload["object"]) >= {
        "id",
        "url",
        "title",
        "summary",
        "field",
        "province",
        "funded_task",
        "article",
        "doi",
        "trl",
        "ip_status",
        "transfer_modes",
        "contact",
        "approved",
        "updated",
    }


def test_the_listen_command_receiver_checks_and_acknowledges(app, users, article):
    import threading

    from exchange_bridge.listen import make_server

    printed = []
    server = make_server("demo-secret", port=0, echo=printed.append)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    try:
        host, port = server.server_address[:2]
        app.config["BRIDGE_EXCHANGE_URL"] = f"http://{host}:{port}/"
        app.config["BRIDGE_EXCHANGE_SECRET"] = "wrong"
        offer = listed_offer(article, users["author"])
        app.config["BRIDGE_EXCHANGE_SECRET"] = "demo-secret"
        assert deliver_pending(now=_later(61)) == 1
    finally:
        server.shutdown()
        server.server_close()
    assert printed[0].startswith("refused (bad signature")
    assert printed[1].startswith(f"technology_offer upsert {offer.id} (key ")
    assert _deliveries()[0].status == "sent"


def test_the_listen_command_receiver_deduplicates_on_the_signed_body_id():
    """A captured delivery sent again with a new (unsigned) Idempotency-Key header is still
    the same delivery: 409, and it is not printed as received twice."""
    import http.client
    import threading
    import time

    from exchange_bridge.listen import make_server

    printed = []
    server = make_server("demo-secret", port=0, echo=printed.append)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    body = json.dumps(
        {"id": "3f2c-key", "type": "expert", "action": "upsert", "subject_id": 7}
    ).encode()
    header = signature_header("demo-secret", int(time.time()), body)
    statuses = []
    try:
        host, port = server.server_address[:2]
        for key in ("3f2c-key", "another-key"):
            connection = http.client.HTTPConnection(host, port, timeout=5)
            try:
                connection.request(
                    "POST",
                    "/",
                    body=body,
                    headers={"X-Bridge-Signature": header, "Idempotency-Key": key},
                )
                response = connection.getresponse()
                statuses.append((response.status, json.loads(response.read())))
            finally:
                connection.close()
    finally:
        server.shutdown()
        server.server_close()
    assert statuses[0] == (200, {"received": "3f2c-key"})
    assert statuses[1][0] == 409 and statuses[1][1]["received"] == "3f2c-key"
    assert [line.split(" (")[0] for line in printed] == ["expert upsert 7", "refused"]
