"""Shared fixtures: settings that never touch the user's environment, small and full knowledge bases."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings, StoreSettings

BUNDLED_PAPERS = PROJECT_ROOT / "knowledge" / "papers" / "acl-anthology.jsonl"
SMALL_AUTHORS = ("rico-sennrich", "ivan-vulic", "ivan-titov", "zhou-yu", "yang-feng")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """No test reads the developer's OpenAI or recruitbot variables, or a .env file."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "RECRUITBOT_")):
            monkeypatch.delenv(name)


def make_settings(root: Path, **overrides) -> Settings:
    overrides.setdefault("store", StoreSettings(path=root / "index"))
    return Settings(_env_file=None, data_dir=root / "data", **overrides)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path)


def write_subset(path: Path, authors=SMALL_AUTHORS) -> list[dict]:
    """A papers file with every bundled paper by ``authors``."""
    wanted = set(authors)
    records = [json.loads(line) for line in BUNDLED_PAPERS.read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in records if wanted & set(r["author_ids"])]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
    return chosen


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A knowledge folder with the papers of a few authors."""
    folder = tmp_path / "knowledge"
    write_subset(folder / "papers" / "subset.jsonl")
    return folder


@pytest.fixture(scope="session")
def full_kb(tmp_path_factory):
    """The bundled knowledge, indexed once per test session (embeddings from the bundled cache)."""
    from bot.knowledge.base import KnowledgeBase

    root = tmp_path_factory.mktemp("full")
    kb = KnowledgeBase(make_settings(root))
    report = kb.ingest()
    assert not report.failed, [str(e) for e in report.failed]
    return kb


@pytest.fixture(scope="session")
def assistant(full_kb):
    """The real assistant on the offline engine over the bundled knowledge."""
    from bot.assistant.drafting import Company
    from bot.assistant.service import Assistant

    return Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir))


@pytest.fixture
def fresh_assistant(tmp_path, small_corpus):
    """A real offline assistant over a small knowledge base of its own, for tests that change it."""
    from bot.assistant.drafting import Company
    from bot.assistant.service import Assistant
    from bot.knowledge.base import KnowledgeBase

    kb = KnowledgeBase(make_settings(tmp_path / "fresh"))
    kb.ingest([small_corpus])
    return Assistant(kb, Company.load(kb.settings.knowledge.company_dir))
