"""Facts about the database the site runs on."""

from django.db import connection


def is_postgresql() -> bool:
    """Full-text search, same-story fingerprints and row locks need PostgreSQL."""
    return connection.vendor == "postgresql"
