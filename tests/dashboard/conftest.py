from tests.review.conftest import cast, outbox_only  # noqa: F401  (the review cast)
