"""Demo data: only ever created by the ``demo`` command."""

DEMO_PASSWORD = "demo-journal-2026"


def load_demo():
    from .seed import seed_reference_data

    seed_reference_data()
    return []
