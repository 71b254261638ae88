"""Forgetting on PostgreSQL leaves no byte in the pipeline's table files: the deleted rows are rewritten away
(VACUUM FULL), not just marked dead. The table files are read as raw bytes after a CHECKPOINT (the server's
write-ahead log is its own crash journal and is not a table file)."""

from __future__ import annotations

import datetime as dtm
from pathlib import Path

from sqlalchemy import text

from bot.models import Draft
from bot.pipeline.models import Base, Stage
from bot.pipeline.store import PipelineStore
from tests.e2e.test_pipeline_postgres import postgres_url  # noqa: F401 - the fixture

NEEDLES = [b"kees-vandermolen", b"Speaks Frisian at home", b"Beste Kees"]


def _table_bytes(store: PipelineStore) -> bytes:
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CHECKPOINT"))
        root = Path(connection.execute(text("SHOW data_directory")).scalar())
        files = [connection.execute(text("SELECT pg_relation_filepath(:t)"), {"t": table.name}).scalar()
                 for table in Base.metadata.sorted_tables]
    data = b""
    for relative in files:
        for path in sorted((root / relative).parent.glob(Path(relative).name + "*")):  # forks: _fsm, _vm, .1
            data += path.read_bytes()
    return data


def test_forget_on_postgresql_leaves_no_byte_in_the_table_files(postgres_url):  # noqa: F811
    store = PipelineStore(postgres_url)
    Base.metadata.drop_all(store.engine)
    Base.metadata.create_all(store.engine)
    try:
        store.set_stage("kees-vandermolen", Stage.SOURCED, "tg:1")
        store.add_note("kees-vandermolen", "tg:1", "Speaks Frisian at home")
        store.record_sent(Draft(candidate_id="kees-vandermolen", body="Beste Kees"), "tg:1", dtm.timedelta(days=7))
        store.set_stage("other-person", Stage.SOURCED, "tg:1")
        before = _table_bytes(store)
        assert all(n in before for n in NEEDLES), "the rows are in the files before the forget"
        store.forget("kees-vandermolen", "tg:1")
        after = _table_bytes(store)
        assert [n for n in NEEDLES if n in after] == []
        assert b"other-person" in after and store.stage_of("other-person") is Stage.SOURCED
    finally:
        store.close()
