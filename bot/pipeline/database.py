"""Where the pipeline database is, and how a connection to it is opened (SQLite's pragmas set on each one)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DATABASE_FILE = "pipeline.sqlite3"


def database_url(settings) -> str:
    """The configured URL, or a SQLite file under settings.data_dir."""
    configured = settings.pipeline.database_url
    if configured is not None:
        return configured.get_secret_value()
    return f"sqlite:///{Path(settings.data_dir) / DATABASE_FILE}"


def open_engine(url: str) -> Engine:
    """An engine for the URL; a SQLite file's folder is created and its pragmas set on every connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        # secure_delete: a deleted note is zeroed in the file, so forgetting leaves no bytes behind.
        for pragma in ("foreign_keys=ON", "secure_delete=ON", "busy_timeout=5000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine
