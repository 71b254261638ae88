"""`ask` latency with the offline engine, after start-up. Run: `python bench/assistant.py [QUESTIONS.jsonl]`.

Start-up (loading the index, BM25, the ONNX session) is timed apart; then every eval question is asked
three times and the p50 / p95 of single answers are printed (target p95 <= 200 ms).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_kb, load_eval, peak_rss_mb, percentile  # noqa: E402


def main() -> None:
    from bot.assistant.drafting import Company
    from bot.assistant.service import Assistant

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/eval/dev.jsonl"
    questions = load_eval(path)
    started = time.perf_counter()
    kb = bench_kb()
    assistant = Assistant(kb, Company.load(kb.settings.knowledge.company_dir))
    assistant.ask(questions[0]["question"])
    print(f"start-up (index, BM25, ONNX session, first answer): {time.perf_counter() - started:.1f} s")
    times = []
    for _ in range(3):
        for item in questions:
            t = time.perf_counter()
            assistant.ask(item["question"])
            times.append(time.perf_counter() - t)
    print(f"ask latency over {len(times)} answers: p50 {percentile(times, 50) * 1000:.0f} ms, "
          f"p95 {percentile(times, 95) * 1000:.0f} ms (target <= 200 ms); peak memory {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
