"""The everyday recruiter questions through the assistant: the shared scorer's table, and ask latency.

    python bench/recruiter.py [--set ../shared/eval/recruiter_dev.jsonl]

Each conversation is played turn by turn in one Conversation, exactly as `recruitbot chat --jsonl` does;
the replies go to the set's own scorer (`score.py` beside it). Latency is per turn, offline engine,
after one warm-up pass over the set (the query embeddings are then cold again: the cache is cleared).
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=ROOT.parent / "shared" / "eval" / "recruiter_dev.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "recruiter_replies.jsonl")
    args = parser.parse_args()
    kb = bench_kb()
    assistant = Assistant(kb, Company.load(kb.settings.knowledge.company_dir))
    items = [json.loads(line) for line in args.set.read_text().splitlines() if line.strip()]
    assistant.ask("warm up the parser and the index")
    timings, records = [], []
    for item in items:
        conversation = Conversation()
        replies = []
        for turn in item["turns"]:
            started = time.perf_counter()
            answer = assistant.ask(turn["say"], conversation)
            timings.append((time.perf_counter() - started) * 1000)
            replies.append(reply_record(answer))
        records.append({"id": item["id"], "replies": replies})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    print(f"ask latency over {len(timings)} turns: p50 {percentile(timings, 50):.1f} ms, "
          f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms")
    scorer = args.set.parent / "recruiter" / "score.py"
    if not scorer.is_file():  # a set of our own (bench/recruiter_variants.py): the shared scorer reads it too
        scorer = ROOT.parent / "shared" / "eval" / "recruiter" / "score.py"
    if scorer.is_file():
        subprocess.run([sys.executable, str(scorer), "--set", str(args.set), "--replies", str(args.out)], check=False)


if __name__ == "__main__":
    main()
