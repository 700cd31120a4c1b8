"""Stored hashes are Argon2id at (at least) OWASP's parameters."""

from argon2 import Type, extract_parameters

from journal.accounts import services
from journal.accounts.passwords import fingerprint, verify_password


def test_stored_hash_is_argon2id_at_owasp_parameters(app):
    user = services.create_user("hash@example.org", "a long enough passphrase", "Băm")
    stored = user.password_hash
    assert stored.startswith("$argon2id$")
    params = extract_parameters(stored)
    assert params.type is Type.ID
    assert params.memory_cost >= 19456
    assert params.time_cost >= 2
    assert params.parallelism >= 1
    assert params.salt_len >= 16
    assert "a long enough passphrase" not in stored


def test_same_password_gets_different_salts(app):
    one = services.create_user("one@example.org", "a long enough passphrase", "Một")
    two = services.create_user("two@example.org", "a long enough passphrase", "Hai")
    assert one.password_hash != two.password_hash
    assert verify_password(one.password_hash, "a long enough passphrase")


def test_accounts_without_a_password_never_verify():
    assert not verify_password(None, "not a real password")
    assert not verify_password("garbage", "anything")


def test_fingerprint_follows_the_hash():
    assert fingerprint("a") != fingerprint("b")
    assert fingerprint(None) == fingerprint("")
    assert len(fingerprint("a")) == 16


import pytest  # noqa: E402
from flask_babel import force_locale  # noqa: E402

from journal.accounts.passwords import COMMON_PASSWORDS_FILE, common_passwords  # noqa: E402


def test_the_common_passwords_list_is_shipped_and_complete():
    assert COMMON_PASSWORDS_FILE.name == "common-passwords.txt.gz"
    assert len(common_passwords()) > 19000
    assert {"password12", "password123", "1234567890", "qwertyuiop"} <= common_passwords()


@pytest.mark.parametrize(
    "password",
    ["password12", "Password123", "qwertyuiop", "1234567890", " iloveyou12 "],
)
def test_common_passwords_are_refused(app, password):
    with pytest.raises(services.WeakPassword) as error:
        services.check_password_strength(password)
    with force_locale("en"):
        assert "most common" in str(error.value.message)


@pytest.mark.parametrize(
    "password",
    [
        "an.nguyen@example.org",
        "AN.NGUYEN@EXAMPLE.ORG",
        "an.nguyen2026",
        "Nguyễn Văn An",
        "nguyenvanan!!",
    ],
)
def test_the_accounts_own_email_or_name_is_refused(app, password):
    with pytest.raises(services.WeakPassword) as error:
        services.check_password_strength(
            password, email="an.nguyen@example.org", full_name="Nguyễn Văn An"
        )
    with force_locale("en"):
        assert "e-mail address or your name" in str(error.value.message)


def test_a_long_uncommon_passphrase_is_accepted(app):
    services.check_password_strength(
        "sông nước miền tây mùa lũ", email="an.nguyen@example.org", full_name="Nguyễn Văn An"
    )
