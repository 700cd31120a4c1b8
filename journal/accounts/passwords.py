"""Argon2id password hashing at OWASP's recommended parameters
(m = 19 MiB, t = 2, p = 1; the Password Storage Cheat Sheet's first option), and the
list of common passwords refused (NIST SP 800-63B, 3.1.1.2: "passwords obtained from
previous breach corpuses" and "commonly-used" ones).

``common-passwords.txt.gz`` is the list Django ships and keeps up to date
(``django/contrib/auth/common-passwords.txt.gz``, taken from Django 5.2.9, BSD licence):
the 20,000 most common passwords of the breach corpora compiled by Royce Williams
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce), lower-cased
and deduplicated. Replace the file with a newer Django release's to update it.
"""

import functools
import gzip
import hashlib
from pathlib import Path

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


COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()
