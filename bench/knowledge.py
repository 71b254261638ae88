"""Ingestion and search figures for the knowledge base. Run: `python bench/knowledge.py [--quick]`.

Prints, each from a fresh store under bench/out/:
- first run on the bundled knowledge (what a fresh clone does: embeddings from the bundled cache);
- a first real ingest (cache off: every abstract embedded), its throughput against the embedder's own
  throughput on the same texts, and its peak memory (in a child process, so nothing else counts);
- a re-ingest of unchanged data, and how many times faster than the real ingest it is;
- search latency p95 over the eval questions, and memory of a process that serves searches;
- search latency p95 with 100k chunks (generated).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import OUT, bench_settings, load_eval, peak_rss_mb, percentile  # noqa: E402


def child(mode: str, name: str) -> dict:
    """Runs one ingest in a child process and returns its figures."""
    out = subprocess.run([sys.executable, __file__, "--child", mode, name], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child(mode: str, name: str) -> None:
    from bot.knowledge.base import KnowledgeBase
    from bot.settings import EmbedderSettings

    settings = bench_settings(name, embedder=EmbedderSettings(cache=mode != "real"))
    started = time.perf_counter()
    kb = KnowledgeBase(settings)
    report = kb.ingest()
    seconds = time.perf_counter() - started
    if mode == "serve":  # a process that serves searches: load, then answer the eval questions
        from bot.knowledge.retrieve import retrieve

        questions = load_eval(Path(sys.argv[4]))
        for q in questions:
            retrieve(kb, q["question"])
    print(json.dumps({"seconds": seconds, "embedded": report.embedded, "cached": report.from_cache,
                      "papers": report.added + report.unchanged, "peak_mb": peak_rss_mb()}))


def embedder_alone(texts: list[str]) -> float:
    """Papers per second of the embedder itself on the given texts (same batching as ingest)."""
    from bot.knowledge.embedder import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    started = time.perf_counter()
    embedder.embed_array(texts)
    return len(texts) / (time.perf_counter() - started)


def search_latency(questions: list[dict]) -> tuple[float, float, float]:
    """p95 and p50 of the shipped search, and p95 of a plain LangChain search (query embedding included in
    both), in ms, taken in turns on the same questions so that both see the same machine."""
    from bench.common import bench_kb, plain_langchain
    from bot.cli import _search_line

    kb = bench_kb()
    plain = plain_langchain(kb)
    _search_line(kb, questions[0], 10)  # warm: the first query loads the tokenizer, ONNX session and indexes
    plain(questions[0]["question"])
    times, baseline = [], []
    for item in questions:
        started = time.perf_counter()
        _search_line(kb, item, 10)
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        plain(item["question"])
        baseline.append(time.perf_counter() - started)
    return percentile(times, 95) * 1000, percentile(times, 50) * 1000, percentile(baseline, 95) * 1000


def main() -> None:
    import shutil

    quick = "--quick" in sys.argv
    questions = load_eval(ROOT.parent / "shared" / "eval" / "dev.jsonl")
    for name in ("first", "real"):
        shutil.rmtree(OUT / name, ignore_errors=True)
    first = child("cached", "first")
    print(f"first run (fresh store, bundled embedding cache): {first['seconds']:.1f} s for {first['papers']} records "
          f"(papers and dossiers) "
          f"({first['embedded']} embedded, {first['cached']} from cache); target < 120 s")
    again = child("cached", "first")
    print(f"re-ingest of unchanged data: {again['seconds']:.2f} s, embedded {again['embedded']}")
    if not quick:
        real = child("real", "real")
        print(f"first real ingest (cache off): {real['seconds']:.1f} s, {real['embedded'] / real['seconds']:.1f} papers/s, "
              f"peak memory {real['peak_mb']:.0f} MB (target <= 1000 MB)")
        from bot.knowledge.loaders import load_papers_jsonl

        papers, _ = load_papers_jsonl(ROOT / "knowledge" / "papers" / "acl-anthology.jsonl")
        alone = embedder_alone([p.text() for p in papers])
        end_to_end = real["embedded"] / real["seconds"]
        print(f"embedder alone on the same texts: {alone:.1f} papers/s; ingest/embedder = {end_to_end / alone:.2f} "
              f"(target >= 0.90)")
        print(f"re-ingest speed-up over the real ingest: {real['seconds'] / again['seconds']:.0f}x (target >= 20x)")
    p95, p50, plain = search_latency(questions)
    print(f"search latency over {len(questions)} dev questions: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target <= 25 ms); "
          f"plain LangChain search p95 {plain:.1f} ms in the same run ({p95 / plain:.2f}x)")
    serve = json.loads(subprocess.run([sys.executable, __file__, "--child", "serve", "first",
                                       str(ROOT.parent / "shared" / "eval" / "dev.jsonl")],
                                      capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    print(f"memory of a process serving searches: {serve['peak_mb']:.0f} MB peak (target <= 600 MB)")
    from bench.large import large_search_latency

    p95_large, chunks = large_search_latency(questions, 100_000)
    print(f"search latency p95 with {chunks} chunks: {p95_large:.1f} ms (target <= 100 ms)")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_child(sys.argv[2], sys.argv[3])
    else:
        main()
