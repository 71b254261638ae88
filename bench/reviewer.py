"""Fit on the reviewer-assignment gold standard: the affinity model beside a plain dense max-similarity baseline.

Run: `python bench/reviewer.py [REVIEWER_DIR]` (default ../shared/eval/reviewer). For each resampling d_20_K,
exactly as the project is checked: its papers.jsonl alone is the knowledge of a fresh store (through
RECRUITBOT_STORE__PATH and RECRUITBOT_KNOWLEDGE__SOURCES), then one `fit --jsonl` over its pairs, the candidate
given by id. The baseline reads the same store and embedder: a pair's score is the best cosine between the
text and one of the researcher's papers. Both are scored by the folder's own score.py (loss / easy / hard,
averaged over the resamplings); the time of each `fit --jsonl` run is printed too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_fit(folder: Path, work: Path) -> tuple[list[dict], float]:
    """`fit --jsonl` over the folder's pairs in a fresh store that knows only the folder's papers."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECRUITBOT_DATA_DIR": str(work / "data"),
           "RECRUITBOT_STORE__PATH": str(work / "index"),
           "RECRUITBOT_KNOWLEDGE__SOURCES": json.dumps([str(folder / "papers.jsonl")])}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "fit", "--jsonl", str(folder / "pairs.jsonl")], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"fit --jsonl failed on {folder}:\n{done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()], elapsed


def baseline(folder: Path, work: Path) -> dict[str, float]:
    """Plain dense max-similarity over the same store: pair id -> best cosine."""
    from bot.knowledge.base import KnowledgeBase
    from bot.settings import KnowledgeSettings, Settings, StoreSettings

    settings = Settings(_env_file=None, data_dir=work / "data", store=StoreSettings(path=work / "index"),
                        knowledge=KnowledgeSettings(sources=[folder / "papers.jsonl"]))
    kb = KnowledgeBase(settings)
    scores = {}
    for line in (folder / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        ranking = kb.searcher.dense(pair["text"], [pair["candidate_id"]])
        scores[pair["id"]] = ranking[0][1] if ranking else 0.0
    return scores


def as_prediction(scores: dict[str, float]) -> dict[str, dict[str, float]]:
    """{"researcher|paper": score} -> {researcher: {paper: score}}, the form score.py reads."""
    out: dict[str, dict[str, float]] = {}
    for pair_id, score in scores.items():
        researcher, paper = pair_id.split("|", 1)
        out.setdefault(researcher, {})[paper] = score
    return out


def score(folder: Path, predictions: list[dict], scratch: Path) -> dict:
    paths = []
    for k, prediction in enumerate(predictions, 1):
        path = scratch / f"pred_{k}.json"
        path.write_text(json.dumps(prediction))
        paths.append(str(path))
    done = subprocess.run([sys.executable, str(folder / "score.py"), str(folder / "refs_dev.json"), *paths],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval" / "reviewer"
    samples = sorted((p for p in folder.glob("d_20_*") if p.is_dir()), key=lambda p: int(p.name.rsplit("_", 1)[1]))
    ours, plain, pairs, seconds, errors = [], [], 0, 0.0, 0
    with tempfile.TemporaryDirectory(prefix="recruitbot-reviewer-") as scratch:
        for sample in samples:
            work = Path(scratch) / sample.name
            records, elapsed = run_fit(sample, work)
            errors += sum("error" in r for r in records)
            ours.append(as_prediction({r["id"]: r["score"] for r in records if "error" not in r}))
            plain.append(as_prediction(baseline(sample, work)))
            pairs, seconds = pairs + len(records), seconds + elapsed
        results = {"affinity model (fit --jsonl)": score(folder, ours, Path(scratch)),
                   "dense max-similarity baseline": score(folder, plain, Path(scratch))}
    print(f"{len(samples)} resamplings, {pairs} pairs, {errors} error records; "
          f"fit --jsonl {pairs / seconds:.1f} pairs/s including start-up and ingest")
    print(f"{'method':32} {'loss':>6} {'easy':>6} {'hard':>6}")
    for name, result in results.items():
        print(f"{name:32} {result['loss']:6.3f} {result['easy']:6.3f} {result['hard']:6.3f}")


if __name__ == "__main__":
    main()
