"""What the benchmarks share: a knowledge base under bench/out/, eval loading, percentiles, memory."""

from __future__ import annotations

import json
import resource
from pathlib import Path

from bot.settings import Settings, StoreSettings

OUT = Path(__file__).resolve().parent / "out"


def bench_settings(name: str = "kb", **overrides) -> Settings:
    root = OUT / name
    return Settings(_env_file=None, data_dir=root / "data", store=StoreSettings(path=root / "index"), **overrides)


def bench_kb(name: str = "kb"):
    """The bundled knowledge, indexed once under bench/out/ and reused."""
    from bot.knowledge.base import KnowledgeBase

    kb = KnowledgeBase(bench_settings(name))
    if not kb.catalog.papers:
        kb.ingest()
    return kb


def plain_langchain(kb):
    """What a user would build instead: LangChain's Chroma over the same collection and embedder, unfiltered.

    Returns ``rank(question, k) -> paper ids``.
    """
    from langchain_chroma import Chroma

    plain = Chroma(client=kb.store.client, collection_name=kb.settings.store.collection,
                   embedding_function=kb.embedder)
    chunk_paper = {cid: c.paper_id for cid, c in kb.catalog.data.chunks.items()}

    def rank(question: str, k: int = 10) -> list[str]:
        docs = plain.similarity_search_with_score(question, k=k)
        return [chunk_paper[d.id] for d, _ in docs if d.id in chunk_paper]

    return rank


def load_eval(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux's VmHWM, not ``ru_maxrss``: a child started by a large process reports the parent's size as its
    own ``ru_maxrss`` (kept across fork and exec), which made a 370 MB search process read as 738 MB.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS
