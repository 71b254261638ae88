"""`fit --jsonl` throughput over the bundled knowledge. Run: `python bench/fit.py [--pairs N]`.

Two workloads, each with N pairs (500 by default) of a candidate with 3+ papers and a paper's title + abstract
as the text (the longest texts fit is given, 200+ word pieces):
- roles: 20 distinct texts, each against N/20 candidates (ranking people for a few roles);
- all distinct: every pair has its own text (reviewer assignment), so every pair costs one embedding.
Each is timed twice: through the command (`python -m bot fit --jsonl`, a fresh process: start-up, index
load, then the pairs) and in-process once the index is loaded (the pairs alone).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_kb  # noqa: E402
from bot.cli_fit import fit_lines  # noqa: E402


def workload(kb, pairs: int, texts: int, rng: random.Random) -> list[str]:
    people = sorted(c.id for c in kb.catalog.candidates.values() if len(c.paper_ids) >= 3 and not c.ambiguous)
    papers = [p for p in kb.catalog.papers.values() if p.abstract]
    chosen = [p.text() for p in rng.sample(papers, texts)]
    return [json.dumps({"id": i, "candidate": rng.choice(people), "text": chosen[i % texts]}) for i in range(pairs)]


def through_cli(kb, lines: list[str]) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECRUITBOT_DATA_DIR": str(kb.settings.data_dir),
           "RECRUITBOT_STORE__PATH": str(kb.settings.store.path)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "fit", "--jsonl", handle.name], env=env, capture_output=True,
                          text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    os.unlink(handle.name)
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if done.returncode or len(records) != len(lines) or any("error" in r for r in records):
        raise SystemExit(f"fit --jsonl failed:\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=500)
    args = parser.parse_args()
    kb = bench_kb()
    rng = random.Random(11)
    list(fit_lines(kb, workload(kb, 20, 20, rng), "warm-up"))  # loads the ONNX session and the person vectors
    print(f"{len(kb.catalog.papers)} papers; {args.pairs} pairs per workload")
    print(f"{'workload':16} {'distinct texts':>14} {'command pairs/s':>16} {'in-process pairs/s':>19}")
    for name, texts in (("roles", 20), ("all distinct", args.pairs)):
        lines = workload(kb, args.pairs, texts, rng)
        cli = through_cli(kb, lines)
        started = time.perf_counter()
        records = list(fit_lines(kb, lines, "bench"))
        inside = time.perf_counter() - started
        assert len(records) == len(lines)
        print(f"{name:16} {texts:14d} {len(lines) / cli:16.1f} {len(lines) / inside:19.1f}")


if __name__ == "__main__":
    main()
