"""Ingestion and search against a real Chroma store: embedded, and a real `chroma run` server."""

import json
import shutil

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.store import StoreError
from bot.settings import EmbedderSettings, StoreSettings
from tests.conftest import make_settings


def test_reingest_of_unchanged_data_embeds_nothing_and_keeps_the_chunk_count(tmp_path, small_corpus):
    kb = KnowledgeBase(make_settings(tmp_path))
    first = kb.ingest([small_corpus])
    count = kb.store.count()
    assert first.added > 50 and not first.failed and count == first.added
    again = KnowledgeBase(make_settings(tmp_path)).ingest([small_corpus])
    assert (again.added, again.updated, again.embedded) == (0, 0, 0)
    assert again.unchanged == first.added
    assert KnowledgeBase(make_settings(tmp_path)).store.count() == count


def test_new_text_is_really_embedded_not_taken_from_the_cache(tmp_path, small_corpus):
    papers = small_corpus / "papers" / "subset.jsonl"
    record = json.loads(papers.read_text().splitlines()[0])
    record.update(id="NEW-1", title="Translating recipes for robots", abstract="We translate cooking recipes.")
    papers.write_text(papers.read_text() + json.dumps(record) + "\n")
    kb = KnowledgeBase(make_settings(tmp_path))
    report = kb.ingest([small_corpus])
    assert report.embedded == 1 and report.from_cache == report.added - 1
    hits = kb.searcher.search("recipes for cooking robots", k=1)
    assert hits[0].paper.id == "NEW-1"


def test_a_changed_file_replaces_its_chunks(tmp_path, small_corpus):
    kb = KnowledgeBase(make_settings(tmp_path))
    kb.ingest([small_corpus])
    before = kb.store.count()
    papers = small_corpus / "papers" / "subset.jsonl"
    lines = papers.read_text().splitlines()
    changed = json.loads(lines[0])
    changed["abstract"] = "We now study speech translation for whales."
    papers.write_text("\n".join([json.dumps(changed)] + lines[2:]) + "\n")  # one changed, one removed
    report = KnowledgeBase(make_settings(tmp_path)).ingest([small_corpus])
    kb = KnowledgeBase(make_settings(tmp_path))
    assert report.updated == 1 and report.embedded == 1
    assert kb.store.count() == before - 1
    assert kb.searcher.search("speech translation for whales", k=1)[0].paper.id == changed["id"]


def test_one_broken_file_or_line_never_stops_the_rest(tmp_path, small_corpus):
    (small_corpus / "papers" / "broken.jsonl").write_text('{"id": "B-1", "title": "Fine", "authors": []}\n{oops\n')
    (small_corpus / "dossiers").mkdir()
    (small_corpus / "dossiers" / "bad.yaml").write_text("id: rico-sennrich\nlanguages: [de\n")
    (small_corpus / "dossiers" / "ghost.yaml").write_text("id: nobody-at-all\nemail: x@example.org\n")
    (small_corpus / "dossiers" / "good.yaml").write_text("id: rico-sennrich\nlanguages: [de, en]\n")
    report = KnowledgeBase(make_settings(tmp_path)).ingest([small_corpus])
    messages = [str(e) for e in report.failed]
    assert any("broken.jsonl:2" in m and "not valid JSON" in m for m in messages)
    assert any("bad.yaml" in m and "YAML" in m for m in messages)
    assert any("ghost.yaml" in m and "unknown person" in m for m in messages)
    kb = KnowledgeBase(make_settings(tmp_path))
    assert "B-1" in kb.catalog.papers
    assert kb.catalog.candidates["rico-sennrich"].languages == ["de", "en"]


def test_oversized_missing_and_non_utf8_input_are_reported_and_the_rest_loads(tmp_path, small_corpus):
    from bot.settings import KnowledgeSettings

    big = small_corpus / "papers" / "big.jsonl"
    big.write_text("x" * 600_000)
    (small_corpus / "papers" / "latin1.jsonl").write_bytes('{"id": "L-1", "title": "Caf\xe9"}\n'.encode("latin-1"))
    settings = make_settings(tmp_path, knowledge=KnowledgeSettings(max_file_mb=0.5))
    report = KnowledgeBase(settings).ingest([small_corpus, tmp_path / "nowhere.jsonl"])
    messages = [str(e) for e in report.failed]
    assert any("big.jsonl" in m and "over the 0.5 MB limit" in m for m in messages)
    assert any("latin1.jsonl:1" in m and "not UTF-8" in m for m in messages)
    assert any("nowhere.jsonl" in m and "does not exist" in m for m in messages)
    assert report.added > 50


def test_embedder_change_rebuilds_the_index(tmp_path, small_corpus):
    KnowledgeBase(make_settings(tmp_path)).ingest([small_corpus])
    changed = make_settings(tmp_path, embedder=EmbedderSettings(max_tokens=128))
    kb = KnowledgeBase(changed)  # rebuilt, and every file the old index held read again at once
    assert kb.store.rebuilt and kb.store.count() == len(kb.catalog.data.chunks) > 0
    report = kb.ingest([small_corpus])
    assert report.embedded == 0 and report.unchanged > 0 and not report.failed


def test_forget_removes_every_trace_of_a_candidate_from_catalog_and_index(tmp_path, small_corpus):
    (small_corpus / "dossiers").mkdir()
    (small_corpus / "dossiers" / "zy.yaml").write_text("id: zhou-yu\nemail: zhou@example.org\nnotes: met at ACL\n")
    kb = KnowledgeBase(make_settings(tmp_path))
    kb.ingest([small_corpus])
    counts = kb.forget("zhou-yu")
    assert counts["chunks_removed"] + counts["chunks_redacted"] > 10 and counts["dossier"] == 1
    fresh = KnowledgeBase(make_settings(tmp_path))
    fresh.ingest([small_corpus])  # re-ingesting the same files does not bring them back
    for text in (fresh._catalog_path().read_text(), json.dumps(fresh.store.all_metadata())):
        assert "zhou-yu" not in text and "Zhou Yu" not in text
    assert "zhou-yu" not in fresh.catalog.candidates


def test_unwritable_store_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot be written"):
        KnowledgeBase(make_settings(tmp_path, store=StoreSettings(path=blocker / "index")))


def test_server_mode_against_a_real_chroma_server(tmp_path, small_corpus):
    from tests.fakes.servers import chroma_server

    with chroma_server(tmp_path / "server") as (host, port):
        settings = make_settings(tmp_path, store=StoreSettings(mode="server", host=host, port=port))
        kb = KnowledgeBase(settings)
        first = kb.ingest([small_corpus])
        assert first.added > 50
        again = KnowledgeBase(settings).ingest([small_corpus])
        assert again.embedded == 0 and again.added == 0
        kb = KnowledgeBase(settings)
        hits = kb.searcher.search("document-level translation with context", people=["rico-sennrich"], k=3)
        assert hits and all("rico-sennrich" in h.paper.author_ids for h in hits)
    shutil.rmtree(tmp_path / "server", ignore_errors=True)


def test_how_texts_are_batched_changes_no_vector_and_keeps_the_input_order():
    from bot.knowledge.embedder import MiniLMEmbedder

    texts = [
        "Speech recognition for Basque radio archives.",
        "A survey. " + "We study how parsers of Old Norse sagas cope with long sentences and rare words. " * 12,
        "Knowledge graphs",
        "Code-switched Tagalog and English tweets: a corpus and a tagger for both languages at once.",
    ] * 3
    budgeted = MiniLMEmbedder(batch_size=16, batch_tokens=512)
    alone = MiniLMEmbedder(batch_size=1)
    batches = []
    budgeted.embed_array(texts, progress=batches.append)
    assert sum(batches) == len(texts) and len(batches) > 1
    for row, single in zip(budgeted.embed_array(texts), alone.embed_array(texts)):
        assert abs(float(row @ single) - 1.0) < 1e-4
    assert float(budgeted.embed_array(texts)[0] @ budgeted.embed_array(texts)[2]) < 0.9
