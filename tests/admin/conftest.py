"""The administration tests share the role clients and the fast hashing."""

from .clients import fast_password_hashing  # noqa: F401
