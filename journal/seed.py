"""Reference data every journal needs: the signatory provinces and the sections."""

from .extensions import db
from .provinces import seed_provinces
from .submissions.models import seed_sections


def seed_reference_data() -> None:
    seed_provinces()
    seed_sections()
    db.session.commit()
