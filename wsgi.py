"""Entry point for WSGI servers: ``gunicorn wsgi:app``."""

from journal import create_app

app = create_app()
