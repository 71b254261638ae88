"""An index built by an earlier release (another signature) is rebuilt on open, and nothing is searched blind."""

import numpy as np

from bot.knowledge import base
from bot.knowledge.base import KnowledgeBase
from bot.settings import KnowledgeSettings
from tests.conftest import make_settings


def test_an_index_of_another_release_is_read_again_with_its_vectors(tmp_path, small_corpus, monkeypatch):
    settings = make_settings(tmp_path, knowledge=KnowledgeSettings(sources=[small_corpus]))
    real = base.signature
    monkeypatch.setattr(base, "signature", lambda s: real(s) + "|an older release")
    old = KnowledgeBase(settings)
    old.ingest()
    person = next(iter(old.catalog.candidates))
    before = old.searcher.dense("translation", [person])
    monkeypatch.setattr(base, "signature", real)

    upgraded = KnowledgeBase(settings)  # the store sees another signature: it is rebuilt and read again
    chunks = upgraded.catalog.chunks_of(person)
    assert chunks and set(upgraded.catalog.papers) == set(old.catalog.papers)
    assert np.abs(upgraded.store.vectors(chunks)).sum(axis=1).min() > 0, "no chunk is left without its vector"
    assert upgraded.searcher.dense("translation", [person]) == before
