"""The pipeline on a real PostgreSQL server: the same store, the same Telegram flow, chosen by a database URL.

In CI (CI=true) .ci/run starts the server and sets RECRUITBOT_TEST_POSTGRES_URL; without it these tests FAIL.
Outside CI they start their own server when Debian's postgresql package is installed, and are skipped with
the reason shown (-ra) when it is not.
"""

from __future__ import annotations

import datetime as dtm
import os

import pytest
from pydantic import SecretStr

from bot.models import Draft
from bot.pipeline import audit
from bot.pipeline.models import Base, Stage, utcnow
from bot.pipeline.records import export_candidate, restore_candidate
from bot.pipeline.store import PipelineStore
from bot.pipeline.traces import find_traces
from bot.settings import PipelineSettings
from tests.e2e.test_pipeline_telegram import file_of, said
from tests.fakes.postgres import URL_VARIABLE, PostgresStartError, postgres_bin, postgres_server
from tests.fakes.telegram_api import FakeTelegramAPI, bot_settings, running_bot

# Read at import: the autouse fixture in conftest.py hides RECRUITBOT_* variables from the tests themselves.
CONFIGURED_URL = os.environ.get(URL_VARIABLE)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def postgres_url():
    """The CI server's URL, or a server started here; fails in CI without one, skips locally without postgresql."""
    if CONFIGURED_URL:
        yield CONFIGURED_URL
        return
    if IN_CI:
        pytest.fail(f"{URL_VARIABLE} is not set: .ci/run must start PostgreSQL before the tests")
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql) and "
                    f"{URL_VARIABLE} is not set")
    try:
        with postgres_server() as url:
            yield url
    except PostgresStartError as exc:
        pytest.fail(f"could not start PostgreSQL: {exc}")


@pytest.fixture
def pg_store(postgres_url):
    store = PipelineStore(postgres_url)
    Base.metadata.drop_all(store.engine)  # every test starts from empty tables
    Base.metadata.create_all(store.engine)
    yield store
    store.close()


def test_the_store_runs_on_postgresql(pg_store):
    store = pg_store
    assert store.backend == "postgresql"
    store.set_stage("yang-feng", Stage.SOURCED, "tg:1")
    store.add_note("yang-feng", "tg:1", "Prefers Tuesdays")
    sent_at = utcnow() - dtm.timedelta(days=8)
    record = store.record_sent(Draft(candidate_id="yang-feng", body="Hi Yang"), "tg:1", dtm.timedelta(days=7),
                               chat_id=-1001234567890, at=sent_at)
    assert record.moved and store.stage_of("yang-feng") is Stage.CONTACTED
    [due] = store.due(unreminded=True)
    assert due.chat_id == -1001234567890 and due.due_at.tzinfo is not None
    assert abs((due.due_at - sent_at) - dtm.timedelta(days=7)) < dtm.timedelta(seconds=1)
    assert dict(store.funnel())[Stage.CONTACTED] == 1

    document = export_candidate(store, "yang-feng", "tg:1")
    counts = store.forget("yang-feng", "tg:1")
    assert counts["notes"] == 1 and store.stage_of("yang-feng") is None
    assert find_traces(["yang-feng", "Yang Feng", "Hi Yang"], store=store) == {}
    assert any(e.action == audit.FORGET for e in store.audit_events())
    restore_candidate(store, document, "tg:1")
    assert export_candidate(store, "yang-feng", "tg:1")["pipeline"] == document["pipeline"]


async def test_the_bot_keeps_its_pipeline_in_postgresql_when_given_a_url(pg_store, postgres_url, assistant, tmp_path):
    async with FakeTelegramAPI() as api:
        settings = bot_settings(api, tmp_path)
        settings.pipeline = PipelineSettings(database_url=SecretStr(postgres_url))
        async with running_bot(settings, assistant) as app:
            await said(api, "/stage Yang Feng call")
            [picture] = await said(api, "/pipeline")
            assert app.pipeline.backend == "postgresql"
        assert (await file_of(api, picture["photo"][0]["file_id"])).startswith(b"\x89PNG")
    assert pg_store.stage_of("yang-feng") is Stage.CALL
    assert not (tmp_path / "pipeline.sqlite3").exists(), "no SQLite file when a URL is given"
