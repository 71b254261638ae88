"""The store under concurrent and interrupted writers: two ingests at once keep both files, a killed ingest
resumes where it stopped, and vectors the catalog does not know are removed when the store is opened."""

from __future__ import annotations

import signal

import numpy as np

from bot.knowledge.base import KnowledgeBase
from tests.conftest import make_settings
from tests.hostile.corpus import cli, cli_process, many_papers, write_corpus


def _consistent(kb: KnowledgeBase) -> None:
    assert kb.store.ids() == set(kb.catalog.data.chunks), "catalog and collection disagree"


def test_two_concurrent_ingests_keep_both_files(tmp_path):
    folder = tmp_path / "knowledge"
    write_corpus(folder)
    assert cli(tmp_path, "ingest", str(folder)).returncode == 0
    first = many_papers(tmp_path / "first.jsonl", 40, prefix="FIRST")
    second = many_papers(tmp_path / "second.jsonl", 40, prefix="SECOND")
    runs = [cli_process(tmp_path, "ingest", str(path)) for path in (first, second)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    kb = KnowledgeBase(make_settings(tmp_path))
    papers = set(kb.catalog.papers)
    assert {f"FIRST-{n}" for n in range(40)} <= papers and {f"SECOND-{n}" for n in range(40)} <= papers
    assert {str(first), str(second)} <= set(kb.catalog.data.sources)
    _consistent(kb)


def test_a_killed_ingest_resumes_and_leaves_no_orphans(tmp_path):
    folder = tmp_path / "knowledge"
    write_corpus(folder)
    big = many_papers(folder / "papers" / "big.jsonl", 600)
    run = cli_process(tmp_path, "ingest", str(folder))
    for line in run.stdout:  # the plain progress lines: kill once a batch or two is stored
        if line.startswith("embedded ") and int(line.split()[1].split("/")[0]) >= 270:
            run.send_signal(signal.SIGKILL)
            break
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    again = cli(tmp_path, "ingest", str(folder))
    assert again.returncode == 0, again.stderr
    summary = again.stderr.strip().splitlines()[-1]
    embedded = int(summary.split("embedded ")[1].split(",")[0])
    assert 0 < embedded <= 605 - 256, summary  # only what the killed run had not stored (a batch is 256)
    kb = KnowledgeBase(make_settings(tmp_path))
    assert str(big) in kb.catalog.data.sources and len(kb.catalog.papers) == 605
    _consistent(kb)


def test_vectors_unknown_to_the_catalog_are_removed_on_open(tmp_path):
    folder = tmp_path / "knowledge"
    write_corpus(folder)
    kb = KnowledgeBase(make_settings(tmp_path))
    kb.ingest([folder])
    # What a writer killed between its collection write and its catalog save leaves behind.
    kb.store.upsert(["orphan-1", "orphan-2"], np.ones((2, 384), dtype=np.float32), [{"kind": "abstract"}] * 2)
    reopened = KnowledgeBase(make_settings(tmp_path))
    _consistent(reopened)
    assert reopened.store.count() == len(reopened.catalog.data.chunks) == 5
