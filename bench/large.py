"""A knowledge base of 100k chunks, generated from the real one, for search latency at scale.

Embedding 100k texts would take over an hour here, so the generated chunks reuse real vectors with
noise (renormalised) and real abstracts with their sentences shuffled, each given to real authors:
the index, the filters and BM25 then see realistic sizes and distributions.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_kb, bench_settings, percentile  # noqa: E402


def build_large(total: int):
    from bot.knowledge.base import KnowledgeBase
    from bot.knowledge.ingest import chunk_metadata, chunk_paper

    kb = KnowledgeBase(bench_settings("large"))
    if kb.store.count() >= total:
        return kb
    base = bench_kb()
    rng = random.Random(7)
    papers = list(base.catalog.papers.values())
    ids = list(base.catalog.data.chunks)
    vectors = base.store.vectors(ids)
    kb.catalog.data = base.catalog.data.model_copy(deep=True)
    people = list(base.catalog.candidates)
    new_ids = list(ids)
    metas = [chunk_metadata(kb.catalog.data.chunks[c], kb.catalog) for c in ids]
    docs = [kb.catalog.data.chunks[c].text for c in ids]
    batch = []
    for n in range(total - len(ids)):
        source = rng.randrange(len(papers))
        paper = papers[source]
        sentences = paper.abstract.split(". ")
        rng.shuffle(sentences)
        authors = rng.sample(people, k=min(3, len(people)))
        fake = paper.model_copy(update={
            "id": f"synthetic-{n}", "title": f"{paper.title} (variant {n})", "abstract": ". ".join(sentences),
            "author_ids": authors, "authors": [base.catalog.candidates[a].name for a in authors]})
        kb.catalog.papers[fake.id] = fake
        chunk = chunk_paper(fake)[0]
        kb.catalog.data.chunks[chunk.id] = chunk
        new_ids.append(chunk.id)
        batch.append(source)
        metas.append(chunk_metadata(chunk, kb.catalog))
        docs.append(chunk.text)
    paper_row = {base.catalog.data.chunks[c].paper_id: i for i, c in enumerate(ids)}
    rows = np.array([paper_row[papers[s].id] for s in batch])
    noise = np.random.default_rng(7).normal(0, 0.03, size=(len(rows), vectors.shape[1])).astype(np.float32)
    generated = vectors[rows] + noise
    generated /= np.linalg.norm(generated, axis=1, keepdims=True)
    all_vectors = np.concatenate([vectors, generated])
    kb.catalog.changed()
    kb.store.upsert(new_ids, all_vectors, metas, docs)
    kb.catalog.save()
    return kb


def large_search_latency(questions: list[dict], total: int) -> tuple[float, int]:
    from bot.cli import _search_line
    from bot.knowledge.base import KnowledgeBase

    started = time.perf_counter()
    build_large(total)
    kb = KnowledgeBase(bench_settings("large"))
    _search_line(kb, questions[0], 10)
    print(f"  (100k-chunk store ready and loaded in {time.perf_counter() - started:.0f} s)")
    times = []
    for item in questions:
        t = time.perf_counter()
        _search_line(kb, item, 10)
        times.append(time.perf_counter() - t)
    return percentile(times, 95) * 1000, kb.store.count()


if __name__ == "__main__":
    from bench.common import load_eval

    qs = load_eval(Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl")
    p95, count = large_search_latency(qs, int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(f"search latency p95 with {count} chunks: {p95:.1f} ms")
