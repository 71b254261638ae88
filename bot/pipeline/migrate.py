"""Schema migrations of the pipeline tables (Alembic), run by ``PipelineStore`` at start-up.

A database made before migrations existed (release 0.1's ``create_all``) has the baseline's tables and no
``alembic_version``: it is stamped as the baseline, then upgraded like any other. Two processes starting at
once take turns (an advisory lock on PostgreSQL, a file lock beside a SQLite file).

For developers, after changing bot/pipeline/models.py:
    python -m bot.pipeline.migrate revision "add X to notes"
writes a new file under bot/pipeline/migrations/versions/ from the difference (review it before committing).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
_PG_LOCK = 0x72656372  # any constant shared by every recruitbot process: the advisory lock's key


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _one_at_a_time(engine: Engine):
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        from filelock import FileLock

        with FileLock(f"{database}.migrate.lock"):
            yield
    else:
        yield


def upgrade(engine: Engine) -> str:
    """Brings the database to the newest schema, keeping its rows; returns the revision it is at."""
    target = head()
    if current(engine) == target:
        return target
    with _one_at_a_time(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        config = _config(connection)
        before = MigrationContext.configure(connection).get_current_revision()
        if before is None and inspect(connection).has_table("pipeline_candidates"):
            command.stamp(config, BASELINE)  # made by create_all before there were migrations
            before = BASELINE
        command.upgrade(config, "head")
    logger.info("pipeline database migrated from %s to %s", before, target)
    return target


def revision(message: str) -> None:
    """Autogenerates a migration from the models' difference to the newest migration."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/head.sqlite3")
        upgrade(engine)
        with engine.begin() as connection:
            command.revision(_config(connection), message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m bot.pipeline.migrate revision "what changed"')
    revision(sys.argv[2])
