"""A paper described in other words than its own: is it the one the assistant names?

    python bench/described.py [--set FILE ...]

The sets are ours, not an evaluation set's. The first: 47 papers drawn at random (one per researcher with twelve
papers or more, people of the evaluation sets left out), each described by someone who read only its title and
abstract and was asked to paraphrase the paper's own terms away ("pronoun puzzles that take world knowledge" for
Winograd schemas), in a recruiter's words ("Which of X's papers …?"). The second, written later the same way and
held out (50 papers of researchers with eight papers or more, the first set's people left out too): what was
chosen on the first is checked on it. Each question is asked of the offline
assistant in a fresh conversation (a name several people share is asked about, and the recruiter's reply is
the right one's number); the script prints how often the paper it names first is the described one,
and how often the described one is among the papers it cites, beside a plain dense ranking of the person's
papers by the question with the same embedder (the baseline, in the same process).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import bench_kb  # noqa: E402
from bot.assistant.drafting import Company  # noqa: E402
from bot.assistant.protocol import Conversation  # noqa: E402
from bot.assistant.service import Assistant  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, nargs="+", default=[ROOT / "bench" / "data" / "described_papers.jsonl",
                                                                 ROOT / "bench" / "data" / "described_papers_2.jsonl"])
    args = parser.parse_args()
    kb = bench_kb()
    assistant = Assistant(kb, Company.load(kb.settings.knowledge.company_dir))
    for path in args.set:
        print(f"{path.name}:")
        measure(kb, assistant, [json.loads(line) for line in path.read_text().splitlines() if line.strip()])


def measure(kb, assistant: Assistant, items: list[dict]) -> None:
    first = cited = dense_first = clarified = 0
    missed = []
    for item in items:
        conversation = Conversation()
        answer = assistant.ask(item["question"], conversation)
        if item["person_id"] in answer.clarify:  # a shared name: the recruiter picks the one they mean
            answer = assistant.ask(str(answer.clarify.index(item["person_id"]) + 1), conversation)
            clarified += 1
        ids = [c.paper.id for c in answer.citations]
        first += bool(ids) and ids[0] == item["paper_id"]
        cited += item["paper_id"] in ids
        dense = kb.searcher.rank(item["question"], [item["person_id"]], mode="dense")
        dense_first += bool(dense) and dense[0][0] == item["paper_id"]
        if not ids or ids[0] != item["paper_id"]:
            missed.append((item["paper_id"], ids[:1], answer.candidate_ids[:1]))
    n = len(items)
    print(f"{n} described papers: named first {first / n:.3f}, among the cited {cited / n:.3f}; "
          f"plain dense ranking of the person's papers, first {dense_first / n:.3f} ({clarified} names shared: "
          f"asked which person, answered with its number)")
    for paper_id, named, people in missed:
        print(f"  missed {paper_id}: named {named or 'nothing'} for {people or 'nobody'}")


if __name__ == "__main__":
    main()
