"""Calibrates find's "says the topic" rule (bot/assistant/finder.py, TERM_SHARE) on topics made from the corpus.

Run: `python bench/find_terms.py` (bundled knowledge, indexed once under bench/out/). The topics are those of
bench/calibration_topics.py: a phrase a recruiter would type and a regular expression over title + abstract that
says which papers are on it (none of them names a subject of the evaluation sets). For each share the script
prints find's recall@10 of the regex experts (bench/calibration.py's expert check: the rule of the shared
eval README), how often a topic off the corpus finds nobody, and how many papers the rule adds below the
model's bar with the share of them that their topic's regex hits, beside the same share for the papers the
model itself counts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calibration import expert_check  # noqa: E402
from bench.calibration_topics import GLOSSED, GLOSSED_OFF, OFF_CORPUS, TOPICS  # noqa: E402
from bench.common import bench_kb  # noqa: E402
from bot.assistant import finder  # noqa: E402
from bot.assistant.affinity import RELEVANT, TopicScores  # noqa: E402
from bot.assistant.terms import says, terms_of  # noqa: E402


def main() -> None:
    kb = bench_kb()
    scored = {}
    for phrase, pattern in TOPICS + GLOSSED:
        text = finder.search_text(kb, f"Which candidates have worked on {phrase}?")
        scored[phrase] = (text, re.compile(pattern, re.I), TopicScores(kb, text).everything(200, finder.FLOOR))
    own = [bool(rx.search(kb.catalog.papers[s.paper_id].text()))
           for _, rx, papers in scored.values() for s in papers if s.probability >= RELEVANT]
    print(f"{len(TOPICS) + len(GLOSSED)} topics on the corpus, {len(OFF_CORPUS) + len(GLOSSED_OFF)} off it; the "
          f"model's own matches: {len(own)}, on their topic by its regex {sum(own) / len(own):.3f}")
    print(f"{'share':>8} {'recall@10':>10} {'nobody off':>11} {'papers added':>13} {'on topic':>9}")
    shipped = finder.TERM_SHARE
    for share in (-1.0, 0.01, 0.02, 0.05, 0.1, 1.0):
        finder.TERM_SHARE = share
        check = expert_check(kb, TOPICS + OFF_CORPUS + GLOSSED + GLOSSED_OFF)
        added = [bool(rx.search(kb.catalog.papers[s.paper_id].text()))
                 for text, rx, papers in scored.values() for s in papers
                 if s.probability < RELEVANT and says(kb, s.paper_id, terms_of(kb, text, share))]
        label = "off" if share < 0 else f"{share:g}" + (" *" if share == shipped else "")
        print(f"{label:>8} {check['expert_recall@10']:10.3f} {check['nobody_off_corpus']:11.3f} {len(added):13d} "
              f"{(sum(added) / len(added)) if added else 0.0:9.3f}")
    finder.TERM_SHARE = shipped


if __name__ == "__main__":
    main()
