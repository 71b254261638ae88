"""A database made by release 0.1's schema (create_all, no migrations) is upgraded at start-up and keeps its
rows, on SQLite and on PostgreSQL; afterwards its schema is exactly what the models say."""

from __future__ import annotations

import datetime as dtm
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from bot.pipeline import migrate
from bot.pipeline.models import Base, Stage
from bot.pipeline.store import PipelineStore
from tests.e2e.test_pipeline_postgres import postgres_url  # noqa: F401 - the fixture

DATA = Path(__file__).resolve().parent.parent / "data"
AT = "2026-03-04 05:06:07"


def _make_release_0_1(url: str, dialect: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in ("alembic_version", *reversed([t.name for t in Base.metadata.sorted_tables])):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        for statement in (DATA / f"pipeline-0.1-{dialect}.sql").read_text().split(";"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                connection.exec_driver_sql(body)
        rows = [
            "INSERT INTO pipeline_candidates VALUES ('kees-vandermolen', 'contacted', :at, 'tg:5')",
            "INSERT INTO pipeline_stage_events (candidate_id, stage, at, actor) VALUES "
            "('kees-vandermolen', 'sourced', :at, 'tg:5')",
            "INSERT INTO pipeline_notes (candidate_id, author, at, text) VALUES "
            "('kees-vandermolen', 'tg:5', :at, 'Speaks Frisian')",
            "INSERT INTO pipeline_messages (candidate_id, channel, sent_at, sender, language, subject, body, "
            "cited_paper_ids) VALUES ('kees-vandermolen', 'email', :at, 'tg:5', 'nl', 'Hallo', 'Beste Kees', '[]')",
            "INSERT INTO pipeline_followups (candidate_id, due_at, owner, created_at) VALUES "
            "('kees-vandermolen', :at, 'tg:5', :at)",
            "INSERT INTO pipeline_audit (at, actor, action, subject, detail) VALUES (:at, 'tg:5', 'note', 'x', '')",
        ]
        for row in rows:
            connection.execute(text(row), {"at": AT})
    engine.dispose()


def _upgraded_with_rows(url: str) -> None:
    store = PipelineStore(url)
    try:
        assert migrate.current(store.engine) == migrate.head()
        assert store.stage_of("kees-vandermolen") is Stage.CONTACTED
        [note] = store.notes("kees-vandermolen")
        assert note.text == "Speaks Frisian" and note.at == dtm.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dtm.timezone.utc)
        assert len(store.audit_events()) == 1 and store.counts()[Stage.CONTACTED] == 1
        with store.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        PipelineStore(url).close()  # a second start finds nothing to do
    finally:
        store.close()


def test_a_release_0_1_sqlite_database_is_upgraded_with_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'pipeline.sqlite3'}"
    _make_release_0_1(url, "sqlite")
    _upgraded_with_rows(url)


def test_a_release_0_1_postgresql_database_is_upgraded_with_its_rows(postgres_url):  # noqa: F811
    _make_release_0_1(postgres_url, "postgresql")
    try:
        _upgraded_with_rows(postgres_url)
    finally:
        engine = create_engine(postgres_url)
        with engine.begin() as connection:  # the other PostgreSQL tests expect tables made by create_all
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()


def test_a_new_database_gets_every_migration(tmp_path):
    store = PipelineStore(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert migrate.current(store.engine) == migrate.head()
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    store.close()
