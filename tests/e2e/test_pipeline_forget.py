"""/forget and ``recruitbot forget`` leave zero traces: every store is scanned for the candidate's id and name.

Each test builds its own small knowledge base (the session's shared one must not lose anybody). The stores
scanned: the pipeline database (rows, and the SQLite file's bytes), the vector index (ids, documents,
metadata), the catalog JSON, the Telegram persistence pickle, the uploads folder, and the audit log, which
must still record the forget, under a hash.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.assistant.drafting import Company
from bot.assistant.service import Assistant
from bot.knowledge.base import KnowledgeBase
from bot.pipeline import audit
from bot.pipeline.database import database_url
from bot.pipeline.erase import needles
from bot.pipeline.models import Stage
from bot.pipeline.store import PipelineStore
from bot.pipeline.traces import find_traces
from bot.telegram.app import PERSISTENCE_FILE
from tests.conftest import make_settings
from tests.e2e.test_pipeline_telegram import press, said, settings_for
from tests.fakes.assistant import make_pdf
from tests.fakes.telegram_api import ADMIN_ID, RECRUITER_ID, FakeTelegramAPI, running_bot

CANDIDATE_ID, NAME = "ivan-titov", "Ivan Titov"


@pytest.fixture
async def api():
    async with FakeTelegramAPI() as server:
        yield server


@pytest.fixture
def own_assistant(tmp_path, small_corpus):
    """A real offline assistant over a knowledge base of its own, which this test may make forget people."""
    kb = KnowledgeBase(make_settings(tmp_path / "kb"))
    assert not kb.ingest([small_corpus]).failed
    return Assistant(kb, Company.load(kb.settings.knowledge.company_dir))


def _traces(assistant, store: PipelineStore, *folders) -> dict[str, int]:
    return find_traces(needles(CANDIDATE_ID, [NAME]), kb=assistant.kb, store=store, folders=folders)


def _forget_recorded(store: PipelineStore) -> bool:
    return any(e.action == audit.FORGET and e.subject == store.subject_key(CANDIDATE_ID) for e in store.audit_events())


async def test_forget_in_telegram_leaves_zero_traces_in_any_store(api, own_assistant, tmp_path):
    settings = settings_for(api, tmp_path / "bot")
    async with running_bot(settings, own_assistant) as app:
        await said(api, f"Which papers has {NAME} written on semantic parsing?")
        await said(api, f"/candidate {NAME}")
        await said(api, f"/stage {NAME} sourced")
        await said(api, f"/note {NAME}: met {NAME} at ACL, ask about Amsterdam")
        [draft] = await said(api, f"/draft {NAME}")
        await press(api, draft, "Approve")
        await press(api, draft, "Mark as sent")
        await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if m["text"].startswith("📨 Recorded")])
        api.push_document(RECRUITER_ID, make_pdf(f"Latent variable grammars, notes by {NAME}", "Amsterdam 2024"),
                          "titov-notes.pdf", "application/pdf", caption=NAME)
        await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if m["text"].startswith("Added")], timeout=60)
        await said(api, f"/timeline {NAME}")
        await said(api, f"/export {NAME}", user=ADMIN_ID)
        store: PipelineStore = app.pipeline
        await app.update_persistence()  # so that the chat state on disk holds the candidate before the forget
        before = _traces(own_assistant, store, settings.data_dir, own_assistant.kb.settings.data_dir)
        assert "pipeline rows" in before and any("catalog" in place for place in before), before
        assert "vector index" not in before, "Chroma holds vectors and hashes only, never a name or an id"
        assert any("uploads" in place for place in before), "the PDF was stored before the forget"
        assert any(PERSISTENCE_FILE in place for place in before), "the chats' state mentioned them"

        [confirm] = await said(api, f"/forget {NAME}", user=ADMIN_ID)
        await press(api, confirm, f"Forget {NAME}", user=ADMIN_ID)
        assert confirm["text"] == "Forgotten."
        assert app.chat_data[RECRUITER_ID]["conversation"]["candidate_id"] is None
    # The bot has stopped: its chat state is on disk, as it would be after a restart.
    assert (settings.data_dir / PERSISTENCE_FILE).is_file()
    remaining = _traces(own_assistant, store, settings.data_dir, own_assistant.kb.settings.data_dir)
    print(f"\nforget (telegram): traces before {sum(before.values())}, remaining {sum(remaining.values())}")
    assert remaining == {}, remaining
    assert _forget_recorded(store), "the audit log records the forget, under a hash"
    assert own_assistant.candidate(NAME) is None and own_assistant.candidate("Yang Feng") is not None


def test_recruitbot_forget_and_export_on_the_command_line(tmp_path, small_corpus, monkeypatch):
    from bot.cli import app as cli
    from telegram.ext import PicklePersistence

    settings = make_settings(tmp_path)
    kb = KnowledgeBase(settings)
    assert not kb.ingest([small_corpus]).failed
    store = PipelineStore(database_url(settings))
    store.set_stage(CANDIDATE_ID, Stage.CONTACTED, "tg:1")
    store.add_note(CANDIDATE_ID, "tg:1", f"{NAME} prefers e-mail")
    store.set_stage("rico-sennrich", Stage.SOURCED, "tg:1")

    async def saved_chat() -> None:
        persistence = PicklePersistence(settings.data_dir / PERSISTENCE_FILE)
        await persistence.update_chat_data(7, {"conversation": {"candidate_id": CANDIDATE_ID,
                                                                "history": [("user", f"Who is {NAME}?")]}})
        await persistence.flush()

    import asyncio

    asyncio.run(saved_chat())
    monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(settings.store.path))
    runner = CliRunner()
    exported = runner.invoke(cli, ["export", NAME, "-o", str(tmp_path / "export.json")])
    assert exported.exit_code == 0, exported.output
    document = json.loads((tmp_path / "export.json").read_text())
    assert document["pipeline"]["stage"] == "contacted" and document["candidate"]["name"] == NAME

    forgot = runner.invoke(cli, ["forget", NAME, "--yes"])
    assert forgot.exit_code == 0, forgot.output
    assert "remaining traces 0" in forgot.output
    listed = runner.invoke(cli, ["pipeline", "--json"])
    assert json.loads(listed.stdout)["counts"] == {**{s.value: 0 for s in Stage}, "sourced": 1}
    fresh_kb = KnowledgeBase(settings)
    remaining = find_traces(needles(CANDIDATE_ID, [NAME]), kb=fresh_kb, store=store, folders=[settings.data_dir])
    print(f"\nforget (cli): remaining traces {sum(remaining.values())}")
    assert remaining == {}, remaining
    assert _forget_recorded(store)


def test_the_vector_index_keeps_no_heap_leftovers_past_its_last_element(tmp_path, small_corpus):
    """hnswlib writes its whole capacity, and the slots no element uses hold whatever the heap held before: a
    compaction (every forget ends with one) zeroes them, and the index still answers as before."""
    from bot.knowledge.store import scrub_hnsw

    settings = make_settings(tmp_path)
    kb = KnowledgeBase(settings)
    assert not kb.ingest([small_corpus]).failed
    before = kb.searcher.dense("semantic parsing")[:5]
    [segment] = [h.parent for h in settings.store.path.glob("*/header.bin")]
    data = segment / "data_level0.bin"
    blob = bytearray(data.read_bytes())
    planted = f"Who is {NAME}? {CANDIDATE_ID}".encode()
    blob[-len(planted) - 8:-8] = planted  # the last slot of the capacity: no element is there yet
    data.write_bytes(bytes(blob))
    assert find_traces(needles(CANDIDATE_ID, [NAME]), folders=[segment])
    kb.store.compact()
    assert find_traces(needles(CANDIDATE_ID, [NAME]), folders=[segment]) == {}
    assert scrub_hnsw(segment) == 0  # nothing left to clear
    assert KnowledgeBase(settings).searcher.dense("semantic parsing")[:5] == before
