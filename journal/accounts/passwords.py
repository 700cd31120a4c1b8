"""Argon2id password hashing at OWASP's recommended parameters
(m = 19 MiB, t = 2, p = 1; the Password Storage Cheat Sheet's first option)."""

import hashlib

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1

hasher = PasswordHasher(
    time_cost=OWASP_TIME_COST,
    memory_cost=OWASP_MEMORY_KIB,
    parallelism=OWASP_PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)

# Verified against when the account does not exist, so both paths take the same time.
_DUMMY_HASH = hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)


def fingerprint(stored_hash: str | None) -> str:
    """A short digest of the stored hash: it changes whenever the password does, so
    sessions and reset links that carry it die with the old password."""
    return hashlib.sha256((stored_hash or "").encode()).hexdigest()[:16]
