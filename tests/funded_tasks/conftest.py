"""The funded-task tests share the role clients and the fast hashing."""

from ..admin.clients import fast_password_hashing  # noqa: F401
