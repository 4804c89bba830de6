"""URLs of a Django database entry, for the processes that connect without Django's settings
(the embedded Celery broker, worker processes started by tests and benchmarks)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote


def database_url(db: Mapping) -> str:
    """``postgresql://user[:password]@host:port/name`` of a ``DATABASES`` entry."""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db.get("USER") or "", safe="")
    return f"postgresql://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def database_broker_url(db: Mapping) -> str:
    """The same database as kombu's SQLAlchemy transport (on psycopg 3) sees it."""
    return "sqla+" + database_url(db).replace("postgresql://", "postgresql+psycopg://", 1)
