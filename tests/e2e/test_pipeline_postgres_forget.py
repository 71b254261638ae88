"""Forgetting on PostgreSQL leaves no byte of the person in any file of the server's data directory: not in the
table files (VACUUM FULL), not in the column statistics (pg_statistic), not in the write-ahead log (pg_wal:
the segments are switched out and removed at a checkpoint). Every file is read as raw bytes.

Where the server keeps WAL anyway (wal_recycle=on), or the database user may not checkpoint, forget does not
fail: the store's ``residue`` says what the admin must do, and ``find_traces`` reports it as remaining traces.
"""

from __future__ import annotations

import datetime as dtm
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.models import Draft
from bot.pipeline.models import Base, Stage
from bot.pipeline.store import PipelineStore
from bot.pipeline.traces import find_traces
from tests.e2e.test_pipeline_postgres import IN_CI, postgres_url  # noqa: F401 - the fixture
from tests.fakes.postgres import postgres_bin, postgres_server

NEEDLES = [b"kees-vandermolen", b"Speaks Frisian at home", b"Beste Kees"]
# Nobody else's tests write these, so every byte found is this test's.
PERSON, NOTE, BODY = "tjitske-veenstra", "Skated the Elfstedentocht twice", "Goeie Tjitske"
OTHER = "sjoerd-talsma"


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


def _fresh_store(url: str) -> PipelineStore:
    store = PipelineStore(url)
    Base.metadata.drop_all(store.engine)
    Base.metadata.create_all(store.engine)
    return store


def test_forget_on_postgresql_leaves_no_byte_in_the_table_files(postgres_url):  # noqa: F811
    store = _fresh_store(postgres_url)
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


def _data_directory(store: PipelineStore) -> Path:
    """The folder the server really uses; skipped (failed in CI) when this process cannot read it."""
    with store.engine.connect() as connection:
        root = Path(connection.execute(text("SHOW data_directory")).scalar_one())
    try:
        (root / "PG_VERSION").read_bytes()
        os.listdir(root / "pg_wal")
    except OSError as exc:
        reason = f"cannot read the server's data directory {root}: {exc}"
        if IN_CI:
            pytest.fail(reason + " (CI runs as root beside .ci/run's server)")
        pytest.skip(reason)
    return root


def _holding(root: Path, needles: list[bytes]) -> dict[str, list[bytes]]:
    """Every file under the data directory (pg_wal, pg_statistic's, tablespaces' too) that holds a needle."""
    found: dict[str, list[bytes]] = {}
    for folder, _dirs, files in os.walk(root, followlinks=True):  # pg_tblspc holds links to tablespaces
        for name in files:
            path = Path(folder, name)
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # a WAL segment removed, a temporary file renamed, while we walked
                continue
            hits = [n for n in needles if n in data]
            if hits:
                found[str(path.relative_to(root))] = hits
    return found


def test_forget_on_postgresql_leaves_no_byte_in_any_file_of_the_data_directory(postgres_url):  # noqa: F811
    store = _fresh_store(postgres_url)
    try:
        root = _data_directory(store)
        store.set_stage(PERSON, Stage.SOURCED, "tg:1")
        for _ in range(3):  # a repeated value is what ANALYZE keeps among a column's most common values
            store.add_note(PERSON, "tg:1", NOTE)
        store.record_sent(Draft(candidate_id=PERSON, body=BODY), "tg:1", dtm.timedelta(days=7))
        store.set_stage(OTHER, Stage.SOURCED, "tg:1")
        store.set_stage(OTHER, Stage.CONTACTED, "tg:1")
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")  # as autovacuum does on a busy table: cell values in pg_statistic
            common = connection.execute(text("SELECT most_common_vals::text FROM pg_stats "
                                             "WHERE tablename = 'pipeline_notes' AND attname = 'text'")).scalar()
            connection.exec_driver_sql("CHECKPOINT")
        assert NOTE in common, "the statistics hold the note before the forget"
        needles = [PERSON.encode(), NOTE.encode(), BODY.encode()]
        before = _holding(root, needles)
        assert set(n for hits in before.values() for n in hits) == set(needles), before
        assert any(p.startswith("pg_wal") for p in before), "the WAL holds the rows before the forget"

        store.forget(PERSON, "tg:1")

        assert store.residue == [], "this server keeps no WAL after a checkpoint"
        assert _holding(root, needles) == {}
        assert store.stage_of(OTHER) is Stage.CONTACTED and len(store.audit_events(OTHER)) == 2
        assert OTHER.encode() in _table_bytes(store), "the other person's rows are still in the table files"
    finally:
        store.close()


def test_a_server_that_recycles_its_wal_is_reported_not_an_error():
    """A server of its own: the shared one must keep wal_recycle=off (a command-line setting beats ALTER SYSTEM)."""
    if postgres_bin() is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed: .ci/run installs it")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres_server("wal_recycle=on") as url:
        store = _fresh_store(url)
        try:
            store.add_note("wietske-hoekstra", "tg:1", "Prefers mornings")
            assert store.forget("wietske-hoekstra", "tg:1")["notes"] == 1
            [line] = store.residue
            assert "wal_recycle=on" in line and "set wal_recycle=off" in line
            assert find_traces(["wietske-hoekstra"], store=store) == {line: 1}, "forget's exit status is not 0"
        finally:
            store.close()


@pytest.fixture
def plain_user_url(postgres_url):  # noqa: F811
    """A login role that may only create tables in its own schema: no superuser, no pg_checkpoint."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    role = "recruitbot_plain"
    with admin.connect() as connection:
        if not connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one():
            pytest.skip("creating a role needs a superuser")
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {role} CASCADE")
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        connection.exec_driver_sql(f"CREATE SCHEMA AUTHORIZATION {role}")
        connection.exec_driver_sql(f"ALTER ROLE {role} SET search_path = {role}")  # its own tables only
    try:
        yield make_url(postgres_url).set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {role} CASCADE")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


def test_a_user_who_may_not_checkpoint_gets_the_remaining_traces_not_an_error(plain_user_url):
    store = PipelineStore(plain_user_url)  # its migrations make the tables in its schema
    try:
        store.set_stage("hessel-bouma", Stage.SOURCED, "tg:1")
        for _ in range(3):
            store.add_note("hessel-bouma", "tg:1", "Speaks Gronings")
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")  # statistics of tables the forget then empties
        counts = store.forget("hessel-bouma", "tg:1")
        assert counts["notes"] == 3 and store.stage_of("hessel-bouma") is None
        with store.engine.connect() as connection:  # the emptied tables' statistics are gone, not just stale
            assert connection.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'pipeline_notes' "
                                           "AND attname = 'text'")).scalar_one() == 0
        wal = [line for line in store.residue if "WAL" in line]
        statistics = [line for line in store.residue if "pg_statistic" in line]
        assert len(wal) == 1 and "GRANT pg_checkpoint TO recruitbot_plain" in wal[0]
        assert len(statistics) == 1 and "VACUUM FULL pg_statistic" in statistics[0]
        assert set(find_traces(["hessel-bouma"], store=store)) == set(store.residue)
    finally:
        store.close()


def test_recruitbot_forget_exits_non_zero_with_what_the_admin_must_do(plain_user_url, tmp_path, small_corpus,
                                                                        monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app as cli
    from bot.knowledge.base import KnowledgeBase
    from tests.conftest import make_settings

    settings = make_settings(tmp_path)
    assert not KnowledgeBase(settings).ingest([small_corpus]).failed
    store = PipelineStore(plain_user_url)
    store.add_note("ivan-titov", "tg:1", "Ivan Titov prefers e-mail")
    store.close()
    monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(settings.store.path))
    monkeypatch.setenv("RECRUITBOT_PIPELINE__DATABASE_URL", plain_user_url)
    forgot = CliRunner().invoke(cli, ["forget", "Ivan Titov", "--yes"])
    assert forgot.exit_code == 1, forgot.output
    said = " ".join(forgot.output.split())  # rich wraps long lines at the terminal's width
    assert "remaining traces 1" in said and "GRANT pg_checkpoint TO recruitbot_plain;" in said
    assert "Traceback" not in said
