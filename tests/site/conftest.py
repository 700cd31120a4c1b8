"""The site tests share the role clients and the fast hashing of the administration tests."""

from ..admin.clients import fast_password_hashing  # noqa: F401
