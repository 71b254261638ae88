"""Adversarial replay: a fake model that embellishes in 23 ways, and an honest one, through the real system.

Jobs (drafts on every channel in English and French, and questions about candidates' papers) go through the
Assistant with the real ChatOpenAI client against the fake OpenAI server on 127.0.0.1. Each job runs with
the honest writer and once per kind of embellishment (tests/fakes/writers.py); e-mail drafts also with the
embellishment in the subject. Printed: the fabrications that reached the user, by the planted string or by
the independent audit (tests/fakes/audit.py; target 0), and the share of the honest model's drafts and
answers shown worded by the model with no fallback and no sentence removed (target >= 95 %).

Run: `python bench/adversarial.py [--candidates 8]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_kb  # noqa: E402
from bot.assistant.drafting import Company  # noqa: E402
from tests.fakes.replay import Job, replay  # noqa: E402
from tests.fakes.writers import KINDS  # noqa: E402

COMBOS = [("email", "en"), ("linkedin", "en"), ("whatsapp", "fr"), ("telegram", "en"), ("email", "fr")]


def jobs_for(kb, count: int) -> list[Job]:
    """Drafts and questions about candidates with at least three papers, one of them in Findings."""
    people = [c for c in kb.catalog.candidates.values() if not c.ambiguous and len(c.paper_ids) >= 3
              and any((kb.catalog.papers[p].venue or "").startswith("Findings") for p in c.paper_ids)]
    people.sort(key=lambda c: c.id)
    jobs = []
    for i, person in enumerate(people[:count]):
        channel, language = COMBOS[i % len(COMBOS)]
        first = kb.catalog.papers[person.paper_ids[0]]
        topic = " ".join(first.title.split()[:4])
        jobs.append(Job("draft", person.id, channel, language, purpose=f"a role on {topic.lower()}"))
        jobs.append(Job("answer", person.id, question=f"What has {person.name} published on {topic}?"))
    for topic in ("dialogue state tracking", "simultaneous translation", "quality estimation"):
        jobs.append(Job("answer", "", question=f"Who has worked on {topic}?"))  # a list of candidates
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=8)
    args = parser.parse_args()
    kb = bench_kb("adversarial")
    company = Company.load(kb.settings.knowledge.company_dir)
    jobs = jobs_for(kb, args.candidates)
    started = time.perf_counter()
    results = replay(kb, company, jobs)
    seconds = time.perf_counter() - started
    share = results.honest_worded / results.honest if results.honest else 0.0
    print(f"Adversarial replay: {len(jobs)} jobs ({sum(j.kind == 'draft' for j in jobs)} drafts, "
          f"{sum(j.kind == 'answer' for j in jobs)} answers), {len(KINDS)} kinds of embellishment, {seconds:.0f} s")
    print(f"  embellished replies planted                              {results.planted:>6}")
    print(f"  fabrications reaching the user (target 0)                {len(results.reached):>6}")
    print(f"  honest replies worded by the model, nothing removed      {results.honest_worded:>3} of {results.honest}"
          f"  = {share:.0%} (target >= 95 %)")
    for line in results.reached:
        print("  REACHED:", line)
    for line in results.honest_misses:
        print("  HONEST NOT SHOWN AS WRITTEN:", line)
    if results.reached or share < 0.95:
        sys.exit(1)


if __name__ == "__main__":
    main()
