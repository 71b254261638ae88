"""Importing researchers from the (fake) scholarly sources: throughput per 100 works, and records lost when a
source fails (must be 0).

    python bench/import_sources.py [--works 100]

Starts the fake OpenAlex, Semantic Scholar, arXiv, DBLP and ORCID of tests/fakes on 127.0.0.1, imports one
person with ``--works`` works from each through the real clients (fetch, files, ingest with embedding), then
refreshes under each fault: a source that is down, 429 until the retries run out, 429 then success (with
Retry-After), 5xx, an OpenAlex 301 for a merged record, and new works without abstracts. After each it counts
the person's papers in the knowledge base and the bytes of their import files against what was there before.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere; the fakes live in tests/

from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.settings import KnowledgeSettings  # noqa: E402
from bot.sources import records, service  # noqa: E402
from tests.conftest import make_settings, write_subset  # noqa: E402
from tests.fakes.scholarly import FakeScholarly  # noqa: E402
from tests.fakes.scholarly_world import FakePerson, FakeWork  # noqa: E402

WORDS = ("translation", "parsing", "speech", "retrieval", "summarisation", "dialogue", "morphology", "grounding")


def person(number: int, works: int, orcid: str | None) -> FakePerson:
    name = f"Bench Person{chr(65 + number)}"
    made = [FakeWork(f"bench{number}-{i}", f"{WORDS[i % 8].title()} study {i} by {name}", 2000 + i % 25,
                     [f"Coauthor {i % 13}"], f"We study {WORDS[i % 8]} in setting {i} with {WORDS[(i + 3) % 8]} data "
                     f"and report results on benchmark {i % 17}.", citations=i % 11) for i in range(works)]
    return FakePerson(name, f"A7{number:03d}", f"70{number}", f"88/{number}", orcid, "Bench University", made)


def snapshot(kb, settings, person_id: str) -> tuple[set[str], dict[str, bytes]]:
    files = {p.name: p.read_bytes() for p in records.folder(settings.data_dir, person_id).iterdir()}
    return {p.id for p in kb.catalog.papers_of(person_id)}, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=100, help="Works per person and source.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, FakeScholarly() as fake:
        corpus = Path(tmp) / "knowledge" / "papers.jsonl"
        write_subset(corpus, ("ivan-vulic",))
        refs = {"openalex": "openalex:A7000", "semanticscholar": "semanticscholar:701", "arxiv": "arxiv:Bench PersonC",
                "dblp": "dblp:88/3", "orcid": "orcid:0000-0001-0000-0004"}
        fake.people = [person(i, args.works, "0000-0001-0000-0004" if i == 4 else None) for i in range(5)]
        settings = make_settings(Path(tmp), knowledge=KnowledgeSettings(sources=[corpus]),
                                 sources=fake.settings(max_retries=2, max_wait_s=2))
        kb = KnowledgeBase(settings)
        kb.ingest([corpus])
        print(f"import throughput, {args.works} works per source (fetch + files + ingest with embedding):")
        ids = {}
        for (source, ref), who in zip(refs.items(), fake.people):
            started = time.perf_counter()
            result = service.import_person(settings, kb, ref, name=who.name)
            seconds = time.perf_counter() - started
            ids[source] = result.person_id
            print(f"  {source:16s} {result.total:5d} works in {seconds:6.2f} s = {100 * seconds / max(1, result.total):5.2f} "
                  f"s per 100 works ({len(kb.catalog.papers_of(result.person_id))} in the knowledge base)")

        def fault(label: str, prepare, source: str = "openalex", down: bool = False) -> int:
            prepare()
            before_ids, before_files = snapshot(kb, settings, ids[source])
            use = settings.model_copy(update={"sources": fake.settings(
                max_retries=2, max_wait_s=2, **({f"{source}_url": "http://127.0.0.1:9/x"} if down else {}))})
            started = time.perf_counter()
            results = service.refresh(use, kb, ids[source])
            after_ids, after_files = snapshot(kb, settings, ids[source])
            lost = len(before_ids - after_ids)
            added = after_ids - before_ids
            # Nothing new: the papers file must be byte for byte what it was; something new: a superset.
            same_papers = after_files[records.PAPERS_FILE] == before_files[records.PAPERS_FILE]
            files_kept = same_papers if not added else after_ids >= before_ids
            said = ([m for r in results for m in r.messages] or [""])[-1]
            print(f"  {label:34s} lost {lost}, added {len(added):3d}, files kept {files_kept}, "
                  f"{time.perf_counter() - started:5.2f} s: {said[:90]}")
            return lost + (0 if files_kept else 1)

        later = FakeWork("bench-late", "A late paper without abstract", 2026, ["Coauthor 1"])
        print("fault cases (refresh after import):")
        lost = sum([
            fault("OpenAlex down", lambda: None, down=True),
            fault("Semantic Scholar down", lambda: None, "semanticscholar", down=True),
            fault("OpenAlex 429 past the retries", lambda: fake.fail("openalex", 429, retry_after=0.1, times=3)),
            fault("OpenAlex 429 then success", lambda: fake.fail("openalex", 429, retry_after=0.5)),
            fault("Semantic Scholar 429 then success", lambda: fake.fail("s2", 429), "semanticscholar"),
            fault("arXiv 503 past the retries", lambda: fake.fail("arxiv", 503, times=3), "arxiv"),
            fault("DBLP 500 then success", lambda: fake.fail("dblp", 500), "dblp"),
            fault("ORCID 429 past Retry-After limit", lambda: fake.fail("orcid", 429, retry_after=60), "orcid"),
            fault("new work without abstract", lambda: fake.people[0].works.insert(0, later)),
        ])
        fake.merge("A7999", "A7000")
        merged = service.import_person(settings, kb, "openalex:A7999")
        print(f"  {'OpenAlex 301 (merged record)':34s} kept as {merged.person_id}, "
              f"{len(kb.catalog.papers_of(merged.person_id))} papers: {merged.messages[0]}")
        lost += args.works + 1 - len(kb.catalog.papers_of(merged.person_id))
        print(f"records lost across the fault cases: {lost}")


if __name__ == "__main__":
    main()
