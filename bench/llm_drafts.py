"""LLM drafts: first-contact drafts from a real small model (SmolLM2-135M), and what the verifier made of them.

For the most prolific candidates in knowledge/papers/authors.json, five drafts each (email-en, linkedin-en,
whatsapp-en, email-fr, telegram-fr) go through the Assistant with SmolLM2 behind llama-cpp-python's
OpenAI-compatible server, started here. Printed: drafts produced; problems in what the model typed itself
outside the slots (by an audit that shares no code with bot.assistant.verify); fabrications the checks
caught and sentences removed; fallbacks to the offline engine and why; and the fabricated titles, years and
co-authors that reached a final
draft by that same independent audit, which must be 0. Per-draft results go to bench/out/llm_drafts/.

Run: `python bench/llm_drafts.py [--n 100] [--max-tokens 200] [--temperature 0.3]`.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, bench_kb, percentile  # noqa: E402
from bot.assistant.drafting import Company  # noqa: E402
from bot.assistant.protocol import OFFLINE_LABEL, fell_back  # noqa: E402
from bot.assistant.service import Assistant  # noqa: E402
from bot.assistant.slots import SLOT, parse_reply  # noqa: E402
from bot.settings import PROJECT_ROOT  # noqa: E402
from tests.fakes.audit import CountingChat, audit, cites_a_title, smollm_settings  # noqa: E402
from tests.fakes.servers import llama_server  # noqa: E402

COMBOS = [("email", "en"), ("linkedin", "en"), ("whatsapp", "en"), ("email", "fr"), ("telegram", "fr")]
KEY = re.compile(r"\[P(\d+)\]")


def prolific(kb, count: int) -> list[str]:
    """The ``count`` candidates with most papers, skipping ids that merge several people."""
    authors = json.loads((PROJECT_ROOT / "knowledge/papers/authors.json").read_text(encoding="utf-8"))["authors"]
    ids = [a["anthology_person_id"] for a in sorted(authors, key=lambda a: -a["n_papers"])]
    return [i for i in ids if i in kb.catalog.candidates and not kb.catalog.candidates[i].ambiguous][:count]


def raw_problems(kb, reply: str, candidate: str, given: list[str]) -> list[str]:
    """What the audit finds in what the model typed itself: its sentences with the slots left out, keys read
    as references to the papers given."""
    papers = {f"P{i}": kb.catalog.papers[p] for i, p in enumerate(given, 1)}
    typed = " ".join(SLOT.sub(" ", s.text) for s in parse_reply(reply, papers).sentences)
    return audit(kb, KEY.sub(r"[\1]", typed), candidate, given)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # so that the llama server is stopped and the figures so far are printed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="drafts to write (5 per candidate)")
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.3)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)

    kb = bench_kb("llm_drafts")
    company = Company.load(kb.settings.knowledge.company_dir)
    offline = Assistant(kb, company)
    people = prolific(kb, (args.n + len(COMBOS) - 1) // len(COMBOS))
    jobs = [(people[i // len(COMBOS)], *COMBOS[i % len(COMBOS)]) for i in range(args.n)]
    out_dir = OUT / "llm_drafts"
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    reached: list[str] = []
    seconds: list[float] = []
    started = time.perf_counter()
    with llama_server() as base_url, (out_dir / "drafts.jsonl").open("w", encoding="utf-8") as log:
        model = CountingChat(smollm_settings(base_url, max_tokens=args.max_tokens, temperature=args.temperature))
        assistant = Assistant(kb, company, model)
        for number, (candidate, channel, language) in enumerate(jobs, 1):
            calls, t0 = len(model.replies), time.perf_counter()
            try:
                draft = assistant.draft(candidate, channel=channel, language=language)
            except KeyboardInterrupt:
                print(f"  interrupted: {number - 1} of {len(jobs)} drafts done")
                break
            seconds.append(time.perf_counter() - t0)
            given = [p.id for p in kb.catalog.papers_of(candidate)[:2]]
            raw = [raw_problems(kb, r, candidate, given) for r in model.replies[calls:]]
            final = audit(kb, draft.body, candidate, draft.cited_paper_ids)
            final += audit(kb, draft.subject or "", candidate, draft.cited_paper_ids)
            counts["calls"] += len(model.replies) - calls
            counts["raw problems"] += sum(map(len, raw))
            counts["replies with problems"] += sum(1 for r in raw if r)
            counts["model-worded"] += draft.engine != OFFLINE_LABEL
            counts["empty or uncited"] += not draft.body.strip() or not cites_a_title(kb, draft.body,
                                                                                      draft.cited_paper_ids)
            if draft.engine == OFFLINE_LABEL:
                same = draft.body == offline.draft(candidate, channel=channel, language=language).body
                counts["fallback not the offline draft"] += not same or not fell_back(draft.warnings)
            reached += final
            log.write(json.dumps({"candidate": candidate, "channel": channel, "language": language,
                                  "engine": draft.engine, "seconds": round(seconds[-1], 1), "raw_problems": raw,
                                  "final_problems": final, "warnings": draft.warnings, "subject": draft.subject,
                                  "body": draft.body, "raw": model.replies[calls:]}, ensure_ascii=False) + "\n")
            log.flush()
            print(f"  {number:3d}/{len(jobs)} {candidate:22s} {channel:8s} {language}  {seconds[-1]:5.1f} s  "
                  f"{'model' if draft.engine != OFFLINE_LABEL else 'offline'}", flush=True)
        stats = assistant._llm.stats  # noqa: SLF001 - the engine's own counters
    total = time.perf_counter() - started
    fallbacks = ", ".join(f"{k.removeprefix('fallback_')} {v}" for k, v in sorted(stats.items())
                          if k.startswith("fallback_"))
    done = len(seconds)
    print(f"\nSmolLM2-135M drafts: {done} of {len(jobs)} ({len(people)} candidates x {len(COMBOS)} channel/language "
          f"pairs), max_tokens={args.max_tokens}, temperature={args.temperature}")
    rows = [
        ("drafts produced (non-empty, citing the candidate)", done - counts["empty or uncited"]),
        ("model calls (incl. regenerations)", counts["calls"]),
        ("raw replies with a fabrication (independent audit)", counts["replies with problems"]),
        ("fabrications in raw replies (independent audit)", counts["raw problems"]),
        ("problems caught by the verifier (LLMEngine.caught)", stats["caught"]),
        ("regenerations asked", stats["regenerated"]),
        ("repaired (years, unknown keys, links)", stats["repaired"]),
        ("sentences removed", stats["removed"]),
        (f"fallbacks to the offline draft ({fallbacks or 'none'})", stats["fallbacks"]),
        ("drafts worded by the model", counts["model-worded"]),
        ("fallbacks that were not the offline draft with the notice", counts["fallback not the offline draft"]),
        ("fabricated titles/years/co-authors in final drafts", len(reached)),
    ]
    for label, value in rows:
        print(f"  {label:<62s} {value:>6}")
    print(f"  time: {total:.0f} s total, {percentile(seconds, 50):.1f} s median and {percentile(seconds, 95):.1f} s "
          f"p95 per draft, {done / total * 60:.1f} drafts/min")
    for problem in reached:
        print("  REACHED:", problem)
    if reached or counts["empty or uncited"] or counts["fallback not the offline draft"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
