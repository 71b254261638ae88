"""The everyday recruiter questions through the assistant: the shared scorer's table, and ask latency.

    python bench/recruiter.py [--set ../shared/eval/recruiter_dev.jsonl]

Each conversation is played turn by turn in one Conversation, exactly as `recruitbot chat --jsonl` does;
the replies go to the set's own scorer (`score.py` beside it). Latency is per turn, offline engine, in passes
over the set, the query embeddings cold at the start of each (their cache is cleared). First three baseline
passes as the assistant was before `Assistant.settle()` (after one warm-up question; what loads on first use,
such as the language identifier, counts in the first of them); then `settle()`, which `build_assistant` calls for
every front end, and three passes as the app runs: the first of these, and, as this shared 2-core machine's
scheduling makes single timings noisy, each turn's median of the three. The settled passes' replies are scored.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import bench_kb, percentile  # noqa: E402
from bot.assistant.drafting import Company  # noqa: E402
from bot.assistant.protocol import Conversation  # noqa: E402
from bot.assistant.service import Assistant  # noqa: E402
from bot.cli_assistant import reply_record  # noqa: E402


PASSES = 3


def play(assistant: Assistant, items: list[dict]) -> tuple[list[float], list[list[dict]]]:
    """Every conversation of the set, turn by turn: each turn's time in ms, and each conversation's replies."""
    timings, replies_of = [], []
    for item in items:
        conversation = Conversation()
        replies = []
        for turn in item["turns"]:
            started = time.perf_counter()
            answer = assistant.ask(turn["say"], conversation)
            timings.append((time.perf_counter() - started) * 1000)
            replies.append(reply_record(answer))
        replies_of.append(replies)
    return timings, replies_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=ROOT.parent / "shared" / "eval" / "recruiter_dev.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "recruiter_replies.jsonl")
    args = parser.parse_args()
    kb = bench_kb()
    assistant = Assistant(kb, Company.load(kb.settings.knowledge.company_dir))
    items = [json.loads(line) for line in args.set.read_text().splitlines() if line.strip()]
    assistant.ask("warm up the parser and the index")
    # Baseline in the same process: the collector scanning the knowledge base's objects, as before settle().
    unsettled = []
    for _ in range(PASSES):
        kb.searcher._queries.clear()
        unsettled.append(play(assistant, items)[0])
    assistant.settle()  # as build_assistant leaves every front end
    passes, answers = [], []
    for _ in range(PASSES):
        kb.searcher._queries.clear()
        timings, replies_of = play(assistant, items)
        passes.append(timings)
        answers.append(replies_of)
    records = [{"id": item["id"], "replies": replies} for item, replies in zip(items, answers[0])]
    changed = sum(a != b for later in answers[1:] for a, b in zip(answers[0], later))
    if changed:
        print(f"note: {changed} conversations were answered otherwise in a later pass (the first is scored)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    first = passes[0]
    median = [statistics.median(turn) for turn in zip(*passes)]
    print(f"ask latency over {len(first)} turns, first pass: p50 {percentile(first, 50):.1f} ms, "
          f"p95 {percentile(first, 95):.1f} ms, max {max(first):.1f} ms")
    print(f"ask latency, each turn's median of {PASSES} passes: p50 {percentile(median, 50):.1f} ms, "
          f"p95 {percentile(median, 95):.1f} ms, max {max(median):.1f} ms")
    before = [statistics.median(turn) for turn in zip(*unsettled)]
    print(f"  baseline, same process, before settle() froze the loaded objects out of the collector's scans: "
          f"median of {PASSES} passes p50 {percentile(before, 50):.1f} ms, p95 {percentile(before, 95):.1f} ms; "
          f"first pass p95 {percentile(unsettled[0], 95):.1f} ms")
    scorer = args.set.parent / "recruiter" / "score.py"
    if not scorer.is_file():  # a set of our own (bench/recruiter_variants.py): the shared scorer reads it too
        scorer = ROOT.parent / "shared" / "eval" / "recruiter" / "score.py"
    if scorer.is_file():
        subprocess.run([sys.executable, str(scorer), "--set", str(args.set), "--replies", str(args.out)], check=False)


if __name__ == "__main__":
    main()
