"""Acronyms typed by a user ("Who works on ST?") against their long forms, on topics made from the corpus.

Run: `python bench/acronyms.py`. The topics are those of bench/calibration_topics.py whose phrase holds a long form
that the corpus's abstracts define with an acronym ("speech translation (ST)"); each is asked with the acronym in
its stead, and `find`'s recall@10 of the topic's regex experts (the rule of ../shared/eval/README.md, as
bench/calibration.py computes it) is printed three ways in one run: the acronym as the assistant reads it (written
out, bot/assistant/topics.py `spelled_out`), the acronym left as typed (the baseline), and the long form typed.
No evaluation question is read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calibration import expert_gold  # noqa: E402
from bench.calibration_topics import GLOSSED, TOPICS  # noqa: E402
from bench.common import bench_kb  # noqa: E402
from bot.assistant import topics  # noqa: E402
from bot.assistant.finder import find_candidates  # noqa: E402


def cases(kb) -> list[tuple[str, str, list[str]]]:
    """(the topic with an acronym for its long form, the topic as written, its regex experts)."""
    defined = sorted(((long, short) for short, long in topics.acronyms(kb).items() if len(long.split()) >= 2),
                     key=lambda item: -len(item[0]))
    out = []
    for phrase, pattern in TOPICS + GLOSSED:
        for long, short in defined:
            if re.search(rf"\b{re.escape(long)}\b", phrase, re.I):
                gold = expert_gold(kb, pattern)
                if gold:
                    out.append((re.sub(rf"\b{re.escape(long)}\b", short.upper(), phrase, flags=re.I), phrase, gold))
                break
    return out


def recall(kb, asked: list[tuple[str, list[str]]]) -> float:
    scores = []
    for topic, gold in asked:
        found = [h.candidate.id for h in find_candidates(kb, f"Which candidates have worked on {topic}?", 10)]
        scores.append(len(set(gold) & set(found)) / len(gold))
    return float(np.mean(scores)) if scores else 0.0


def main() -> None:
    kb = bench_kb()
    made = cases(kb)
    print(f"{len(made)} topics asked with an acronym, e.g. " + "; ".join(f"{a!r} for {b!r}" for a, b, _ in made[:4]))
    spelled = recall(kb, [(short, gold) for short, _, gold in made])
    reader = topics.spelled_out
    topics.spelled_out = lambda kb, text: text  # the baseline: the acronym searched as typed
    try:
        typed = recall(kb, [(short, gold) for short, _, gold in made])
    finally:
        topics.spelled_out = reader
    written = recall(kb, [(long, gold) for _, long, gold in made])
    print(f"find recall@10: acronym written out {spelled:.3f}, acronym as typed (baseline) {typed:.3f}, "
          f"long form typed {written:.3f}")


if __name__ == "__main__":
    main()
