"""Which database the project runs on, read in one place.

SQLite serves local work and the first CI pass; PostgreSQL serves production and the second
pass. Code that needs a PostgreSQL-only statement asks ``on_postgresql()`` (or, for the
search, goes through ``listings.search.backends``) instead of reading ``connection.vendor``.
"""

from __future__ import annotations

from django.db import connection


def on_postgresql() -> bool:
    """Whether the default database is PostgreSQL."""
    return connection.vendor == "postgresql"
