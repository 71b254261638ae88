"""Forgetting a candidate through the command line, then counting what is left of them (must be 0).

    python bench/forget_traces.py [--candidate ivan-titov]

Builds a small knowledge base in a temporary folder, gives the candidate something in every store (a stage,
notes, a sent message and its follow-up, an uploaded PDF, a saved Telegram chat that talks about them), runs
``recruitbot forget NAME --yes`` and scans every store for the id and the name: the pipeline rows and the
SQLite file's bytes, the vector index, the catalog, the Telegram state file and the uploads folder.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dtm
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere; the test helpers live in tests/

from typer.testing import CliRunner  # noqa: E402

from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.models import Draft  # noqa: E402
from bot.pipeline.database import database_url  # noqa: E402
from bot.pipeline.erase import needles  # noqa: E402
from bot.pipeline.models import Stage  # noqa: E402
from bot.pipeline.store import PipelineStore  # noqa: E402
from bot.pipeline.traces import find_traces  # noqa: E402
from bot.telegram.app import PERSISTENCE_FILE  # noqa: E402
from tests.conftest import make_settings, write_subset  # noqa: E402
from tests.fakes.assistant import make_pdf  # noqa: E402


async def _save_chat(path: Path, candidate_id: str, name: str) -> None:
    from telegram.ext import PicklePersistence

    persistence = PicklePersistence(path)
    await persistence.update_chat_data(1002, {"conversation": {"candidate_id": candidate_id,
                                                               "history": [("user", f"Who is {name}?")]},
                                              "refs": {"abc": candidate_id}})
    await persistence.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidate", default="ivan-titov")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_subset(root / "knowledge" / "papers" / "subset.jsonl")
        settings = make_settings(root)
        kb = KnowledgeBase(settings)
        kb.ingest([root / "knowledge"])
        candidate = kb.catalog.candidates[args.candidate]
        pdf = make_pdf(f"Latent variable grammars, notes by {candidate.name}", "Amsterdam, a seminar handout")
        kb.add_pdf(candidate.id, pdf, "notes.pdf")
        store = PipelineStore(database_url(settings))
        store.set_stage(candidate.id, Stage.SOURCED, "bench")
        store.add_note(candidate.id, "bench", f"Met {candidate.name} at ACL")
        store.record_sent(Draft(candidate_id=candidate.id, body=f"Hi {candidate.name}"), "bench", dtm.timedelta(days=7))
        asyncio.run(_save_chat(settings.data_dir / PERSISTENCE_FILE, candidate.id, candidate.name))
        solo = [p.title for p in kb.catalog.papers_of(candidate.id) if p.author_ids == [candidate.id]]
        words = needles(candidate.id, [candidate.name, *candidate.name_variants]) + solo + ["seminar handout"]
        folders = [settings.data_dir, settings.store.path]  # every file of the state, Chroma's SQLite included
        before = find_traces(words, kb=kb, store=store, folders=folders)

        os.environ.update({"RECRUITBOT_DATA_DIR": str(settings.data_dir),
                           "RECRUITBOT_STORE__PATH": str(settings.store.path)})
        from bot.cli import app

        started = time.perf_counter()
        result = CliRunner().invoke(app, ["forget", candidate.name, "--yes"])
        seconds = time.perf_counter() - started
        after = find_traces(words, kb=KnowledgeBase(settings), store=store, folders=folders)
        store.close()
    print(f"candidate: {args.candidate} (searched for {len(words)} strings: {'; '.join(words)})")
    print(f"traces before forget: {sum(before.values())} in {len(before)} places")
    for place, count in sorted(before.items()):
        print(f"  {count:5d}  {place.replace(tmp, '<tmp>')}")
    print(f"recruitbot forget: exit {result.exit_code} in {seconds:.2f} s")
    print(f"remaining traces after forget: {sum(after.values())}")
    for place, count in sorted(after.items()):
        print(f"  {count:5d}  {place.replace(tmp, '<tmp>')}")
    sys.exit(1 if after or result.exit_code else 0)


if __name__ == "__main__":
    main()
