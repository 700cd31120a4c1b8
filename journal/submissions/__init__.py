"""The submission wizard, manuscript files and the author dashboard."""
