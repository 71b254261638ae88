"""Forget leaves no byte: after `recruitbot forget`, a binary search of every file of the state (the data dir,
the embedded store or a Chroma server's data folder) finds nothing of the person's id, names and initialled
names, solo titles or PDF text; re-ingesting files that name them does not bring them back; `--undo` does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.pipeline.models import Stage
from bot.pipeline.store import PipelineStore
from bot.settings import StoreSettings
from tests.conftest import make_settings
from tests.fakes.assistant import make_pdf
from tests.hostile.corpus import cli, paper_record, write_corpus

NAME, PERSON = "Orla Quennell", "orla-quennell"
SOLO_TITLE = "Lighthouse logbooks as a parallel corpus"
PDF_TEXT = "lobster pots and the harbour master"
NEEDLES = [PERSON, "orla quennell", "o. quennell", "o quennell", "orla@example.org", SOLO_TITLE.lower(), PDF_TEXT]


def _bytes_found(*folders: Path) -> dict[str, list[str]]:
    """Every file under the folders, searched as raw bytes, case-insensitively (UTF-8 and UTF-16)."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes().lower()
            hits = [n for n in NEEDLES if n.encode() in data or n.encode("utf-16-le") in data
                    or n in str(path.relative_to(folder)).lower()]
            if hits:
                found[str(path)] = hits
    return found


async def _save_chat(path: Path) -> None:
    from telegram.ext import PicklePersistence

    persistence = PicklePersistence(path)
    await persistence.update_chat_data(77, {"conversation": {"candidate_id": PERSON,
                                                             "history": [("user", f"Who is {NAME}?")]}})
    await persistence.flush()


def _state(root: Path, settings, env: dict[str, str]) -> None:
    """The person in every store: papers and a dossier, an uploaded PDF, pipeline rows and a saved chat."""
    folder = root / "knowledge"
    write_corpus(folder)
    (folder / "dossiers").mkdir()
    (folder / "dossiers" / "orla.yaml").write_text(
        f"id: {PERSON}\nemail: orla@example.org\nname_variants: [O. Quennell]\nnotes: met at the harbour\n")
    assert cli(root, "ingest", str(folder), env_extra=env).returncode == 0
    kb = KnowledgeBase(settings)
    kb.add_pdf(PERSON, make_pdf("Interview notes for the recruiting team", PDF_TEXT), "notes.pdf", private=True)
    store = PipelineStore.from_settings(settings)
    store.set_stage(PERSON, Stage.SOURCED, "test")
    store.add_note(PERSON, "test", f"Met {NAME} at the harbour")
    store.close()
    from bot.telegram.app import PERSISTENCE_FILE

    asyncio.run(_save_chat(settings.data_dir / PERSISTENCE_FILE))


def _forget_and_check(root: Path, settings, env: dict[str, str], store_folder: Path) -> None:
    _state(root, settings, env)
    before = _bytes_found(settings.data_dir, store_folder)
    assert any("catalog" in p for p in before) and any("uploads" in p for p in before), before

    run = cli(root, "forget", NAME, "--yes", env_extra=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "remaining traces 0" in run.stdout
    assert _bytes_found(settings.data_dir, store_folder) == {}
    kb = KnowledgeBase(settings)
    assert kb.catalog.papers["QW-1"].author_ids == ["tomasz-wierzbicki"]  # shared papers stay, without her

    # Files that name her again, by id, by name under another id, and by initials on a paper.
    folder = root / "knowledge"
    (folder / "dossiers" / "again.yaml").write_text(f"id: oq-2\nname: {NAME}\nemail: orla@example.org\n")
    (folder / "papers" / "more.jsonl").write_text(
        json.dumps({**paper_record("QW-9", "Rope knots as tokenisation", ["tomasz-wierzbicki"], 2024, "Knots."),
                    "authors": ["Tomasz Wierzbicki", "O. Quennell"], "author_ids": ["tomasz-wierzbicki", "o-quennell"]})
        + "\n" + json.dumps({**paper_record("QW-10", "Fog horns", ["tomasz-wierzbicki"], 2024, "Horns."),
                             "authors": ["O. Quennell"], "author_ids": ["o-quennell"]}) + "\n")
    again = cli(root, "ingest", str(folder), env_extra=env)
    assert again.returncode == 1 and "forgotten" in again.stderr
    assert _bytes_found(settings.data_dir, store_folder) == {}
    kb = KnowledgeBase(settings)
    assert kb.catalog.papers["QW-9"].authors == ["Tomasz Wierzbicki"] and "QW-10" not in kb.catalog.papers
    assert not [c for c in kb.catalog.candidates.values() if "quennell" in c.name.lower()]

    undo = cli(root, "forget", NAME, "--undo", env_extra=env)
    assert undo.returncode == 0, undo.stderr
    (folder / "dossiers" / "again.yaml").unlink()
    cli(root, "ingest", str(folder), env_extra=env)
    assert PERSON in KnowledgeBase(settings).catalog.candidates


def test_forget_leaves_no_byte_in_the_embedded_store(tmp_path):
    settings = make_settings(tmp_path)
    _forget_and_check(tmp_path, settings, {}, settings.store.path)


def test_forget_leaves_no_byte_on_a_chroma_server(tmp_path):
    from tests.fakes.servers import chroma_server

    server_folder = tmp_path / "server"
    with chroma_server(server_folder) as (host, port):
        settings = make_settings(tmp_path, store=StoreSettings(mode="server", host=host, port=port))
        env = {"RECRUITBOT_STORE__MODE": "server", "RECRUITBOT_STORE__HOST": host,
               "RECRUITBOT_STORE__PORT": str(port)}
        _forget_and_check(tmp_path, settings, env, server_folder)
    assert _bytes_found(server_folder) == {}  # and after the server wrote everything out on stopping


@pytest.mark.parametrize("secret_dirs", [("a", "b")])
def test_tombstones_are_keyed_hashes_that_another_install_cannot_match(tmp_path, secret_dirs):
    import hashlib

    from bot import secret

    one, two = (secret.load(tmp_path / d) for d in secret_dirs)
    assert one != two and (tmp_path / "a" / secret.SECRET_FILE).stat().st_mode & 0o077 == 0
    kb = KnowledgeBase(make_settings(tmp_path / "kb"))
    kb.catalog.tombstone(PERSON, [NAME])
    unsalted = hashlib.sha256(("recruitbot-forget:" + PERSON).encode()).hexdigest()
    assert kb.catalog.is_forgotten(PERSON) and unsalted not in kb.catalog.data.forgotten
    assert secret.keyed_hash(two, "forget-id", PERSON) not in kb.catalog.data.forgotten
