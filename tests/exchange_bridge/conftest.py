"""Fixtures of the bridge's tests: three real local receivers wired into the app's
settings, and factories for funded articles published through the journal's service."""

from __future__ import annotations

import pytest

from .receivers import start_receiver

SECRETS = {
    "exchange": "exchange-secret",
    "startups": "startups-secret",
    "experts": "experts-secret",
}


@pytest.fixture
def receivers(app):
    """{"exchange": Receiver, "startups": Receiver, "experts": Receiver}, configured."""
    started = {target: start_receiver(secret) for target, secret in SECRETS.items()}
    for target, receiver in started.items():
        app.config[f"BRIDGE_{target.upper()}_URL"] = receiver.url
        app.config[f"BRIDGE_{target.upper()}_SECRET"] = receiver.secret
    app.config["BRIDGE_TIMEOUT"] = 0.5
    app.config["BRIDGE_MAX_ATTEMPTS"] = 4
    app.config["BRIDGE_RETRY_BASE_SECONDS"] = 60
    try:
        yield started
    finally:
        for receiver in started.values():
            receiver.stop()
