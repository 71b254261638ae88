"""Retrieval quality on the eval questions: what each part of the hybrid search buys.

Prints recall@5 and MRR@10 for `paper` questions (English, French) and gold-paper recall@5 for `fact`
questions, for: the shipped pipeline (`search --jsonl`), dense only and BM25 only (both restricted to
the named candidate), and a plain LangChain + Chroma similarity search over everything with the same
embedder (what a user would build instead). Run: `python bench/retrieval.py [QUESTIONS.jsonl]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_kb, load_eval, percentile, plain_langchain  # noqa: E402
from bot.cli import _search_line  # noqa: E402
from bot.knowledge.retrieve import retrieve  # noqa: E402


def score(items, ranked_for) -> dict[str, float]:
    """Macro recall@5 / MRR@10 per group."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for item in items:
        ranked = ranked_for(item)[:10]
        gold = set(item["gold_paper_ids"])
        recall = len(gold & set(ranked[:5])) / len(gold)
        mrr = next((1 / (i + 1) for i, p in enumerate(ranked) if p in gold), 0.0)
        key = f"{item['type']}-{item['lang']}"
        groups.setdefault(key, []).append((recall, mrr))
    return {k: (sum(r for r, _ in v) / len(v), sum(m for _, m in v) / len(v), len(v)) for k, v in groups.items()}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/eval/dev.jsonl"
    items = [q for q in load_eval(path) if q["type"] in ("paper", "fact")]
    kb = bench_kb()
    plain = plain_langchain(kb)

    def plain_rank(item):
        return plain(item["question"], 10)

    latencies: list[float] = []

    def shipped(item):
        started = time.perf_counter()
        line = _search_line(kb, item, 10)
        latencies.append(time.perf_counter() - started)
        return line["paper_ids"]

    systems = {
        "hybrid (shipped)": shipped,
        "dense, candidate-restricted": lambda q: [p for p, _ in retrieve(kb, q["question"], mode="dense").ranking],
        "BM25, candidate-restricted": lambda q: [p for p, _ in retrieve(kb, q["question"], mode="bm25").ranking],
        "plain LangChain+Chroma": plain_rank,
    }
    plain_latency: list[float] = []
    plain_rank(items[0])  # warm both: the first query loads the ONNX session, the HNSW index and BM25
    _search_line(kb, items[0], 10)
    for item in items:
        started = time.perf_counter()
        plain_rank(item)
        plain_latency.append(time.perf_counter() - started)
    print(f"{'system':30} {'paper-en R@5':>12} {'MRR':>6} {'paper-fr R@5':>12} {'MRR':>6} {'fact R@5':>9}")
    for name, ranker in systems.items():
        s = score(items, ranker)
        en, fr, fact = s.get("paper-en", (0, 0, 0)), s.get("paper-fr", (0, 0, 0)), s.get("fact-en", (0, 0, 0))
        print(f"{name:30} {en[0]:12.3f} {en[1]:6.3f} {fr[0]:12.3f} {fr[1]:6.3f} {fact[0]:9.3f}")
    print(f"search latency p95: shipped {percentile(latencies, 95) * 1000:.1f} ms, "
          f"plain LangChain {percentile(plain_latency, 95) * 1000:.1f} ms (n={len(items)})")


if __name__ == "__main__":
    main()
