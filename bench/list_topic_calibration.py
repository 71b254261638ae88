"""Calibrates how much of the best paper's score a person's paper needs to be listed as "on the topic".

The data is built here from the corpus, not taken from any evaluation set: for every author with at least
8 papers, each pair of adjacent content words that occurs in the titles of 2 to 6 of their papers is a
topic, and those papers are its gold (a title regex, as a recruiter's "papers on X" means). The topic is
searched within the author's papers exactly as the assistant does; for each bar the script prints how
often every gold paper is listed (recall 1) and how often at least half of what is listed is gold.

A second set asks as recruiters do, with the person's field as context: a word in 2 to 6 of the author's
titles followed by their field word (a word in at least half of their titles: "unsupervised translation"
of a translation researcher), gold = the titles with that word. It measures the field rule of title_holds. A third set has
a word of a quarter to half of their titles in the field word's place ("out-of-domain detection" of someone who
also writes on slot detection), to measure which share of the titles makes a word the field (field_of).

    python bench/list_topic_calibration.py [--authors 150]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_kb  # noqa: E402

_STOP = set("a an the of for in on with and to from by via using towards toward is are its at as into based "
            "neural model models learning approach method task tasks data new study".split())


def topics(kb, person: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for paper in kb.catalog.papers_of(person):
        words = re.findall(r"[a-z][a-z-]+", paper.title.lower())
        for a, b in zip(words, words[1:]):
            if a not in _STOP and b not in _STOP:
                found[f"{a} {b}"].add(paper.id)
    return {t: ids for t, ids in found.items() if 2 <= len(ids) <= 6}


def field_topics(kb, person: str) -> dict[str, set[str]]:
    """A title word of 2 to 6 of the person's papers, then their field word; gold: the titles with the word."""
    from bot.assistant.topics import _stem_list, field_of

    mine = kb.catalog.papers_of(person)
    field = field_of(mine)
    words = [w for p in mine for w in re.findall(r"[a-z][a-z-]+", p.title.lower())]
    field_words = [w for w in words if _stem_list(w) and set(_stem_list(w)) <= field and w not in _STOP]
    if not field_words:
        return {}
    head = max(sorted(set(field_words)), key=field_words.count)
    return _with_head(mine, head, lambda stems: len(stems) == 1 and stems[0] not in field)


def _with_head(mine, head: str, keep) -> dict[str, set[str]]:
    """Each title word of 2 to 6 of the papers whose stems ``keep`` accepts, followed by ``head``: its titles."""
    from bot.assistant.topics import _stem_list

    found: dict[str, set[str]] = defaultdict(set)
    for paper in mine:
        for word in set(re.findall(r"[a-z][a-z-]{3,}", paper.title.lower())):
            if word not in _STOP and keep(_stem_list(word)):
                found[word].add(paper.id)
    return {f"{w} {head}": ids for w, ids in found.items() if 2 <= len(ids) <= 6}


def frequent_topics(kb, person: str) -> dict[str, set[str]]:
    """A title word of 2 to 6 of the person's papers, then the word of a quarter to half of their titles that they
    use most ("out-of-domain detection" of someone who also writes on slot and bias detection); gold: the titles
    with the first word. It measures where the field of field_of ends."""
    from bot.assistant.topics import _stem_list

    mine = kb.catalog.papers_of(person)
    counts = Counter(s for p in mine for s in set(_stem_list(p.title)))

    def stem(word: str) -> str:
        stems = _stem_list(word)
        return stems[0] if len(stems) == 1 else ""

    heads = [w for p in mine for w in re.findall(r"[a-z][a-z-]+", p.title.lower()) if w not in _STOP and stem(w)
             and 4 * counts[stem(w)] >= len(mine) > 2 * counts[stem(w)]]
    if not heads:
        return {}
    head = max(sorted(set(heads)), key=heads.count)
    return _with_head(mine, head, lambda stems: len(stems) == 1 and stems[0] != stem(head)
                      and 2 * counts[stems[0]] < len(mine))


def field_share_table(kb, bigram_cases, frequent_cases) -> None:
    """The title rule at the shipped bar with the field made of the stems in a given share of the titles."""
    from bot.assistant import topics
    from bot.assistant.topical import RELATIVE_BAR

    known = topics.acronyms(kb)
    shipped = topics.FIELD_SHARE
    print(f"\n{len(frequent_cases)} word + frequent word topics")
    print("field share   set                recall=1   precision>=0.5   both")
    try:
        for share in (1 / 2, 2 / 5, 1 / 3, 1 / 4):
            topics.FIELD_SHARE = share
            for label, cases in (("title bigrams", bigram_cases), ("word + frequent", frequent_cases)):
                full = prec = both = 0
                for person, topic, gold, ranking in cases:
                    top = ranking[0][1] or 1.0
                    field = topics.field_of(kb.catalog.papers_of(person))
                    chosen = {p for p, s in ranking if s >= RELATIVE_BAR * top
                              or topics.title_holds(topics.expand(kb.catalog.papers[p].title, known), topic, field)}
                    r, p = gold <= chosen, len(gold & chosen) / max(len(chosen), 1) >= 0.5
                    full, prec, both = full + r, prec + p, both + (r and p)
                n = len(cases) or 1
                mark = " *" if share == shipped else "  "
                print(f"{share:.2f}{mark}        {label:17s} {full / n:8.3f}  {prec / n:14.3f}  {both / n:6.3f}")
    finally:
        topics.FIELD_SHARE = shipped


def title_rule_table(kb, cases_people, field_cases) -> None:
    """The shipped rule: every paper whose title holds the topic's stems (the person's field words may be
    missing), plus those scoring above the bar; beside it the same rule without the field."""
    from bot.assistant.topics import acronyms, expand, field_of, title_holds

    known = acronyms(kb)
    fields = {person: field_of(kb.catalog.papers_of(person)) for person, *_ in cases_people + field_cases}
    print("\nbar   set            rule         recall=1   precision>=0.5   both")
    for bar in (0.7, 0.8, 0.85, 0.9, 0.95):
        for label, cases in (("title bigrams", cases_people), ("word + field", field_cases)):
            for rule in ("title", "title+field"):
                full = prec = both = 0
                for person, topic, gold, ranking in cases:
                    top = ranking[0][1] or 1.0
                    field = fields[person] if rule == "title+field" else frozenset()
                    chosen = {p for p, s in ranking if s >= bar * top
                              or title_holds(expand(kb.catalog.papers[p].title, known), topic, field)}
                    r, p = gold <= chosen, len(gold & chosen) / max(len(chosen), 1) >= 0.5
                    full, prec, both = full + r, prec + p, both + (r and p)
                n = len(cases) or 1
                print(f"{bar:.2f}  {label:14s} {rule:12s} {full / n:8.3f}  {prec / n:14.3f}  {both / n:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--authors", type=int, default=150)
    args = parser.parse_args()
    kb = bench_kb()
    people = [c.id for c in kb.catalog.candidates.values() if len(c.paper_ids) >= 8 and not c.ambiguous]
    random.Random(7).shuffle(people)
    cases, full_cases, field_cases, frequent_cases = [], [], [], []
    for person in people[: args.authors]:
        for topic, gold in topics(kb, person).items():
            ranking = kb.searcher.rank(topic, [person])
            cases.append((gold, ranking))
            full_cases.append((person, topic, gold, ranking))
        for topic, gold in field_topics(kb, person).items():
            field_cases.append((person, topic, gold, kb.searcher.rank(topic, [person])))
        for topic, gold in frequent_topics(kb, person).items():
            frequent_cases.append((person, topic, gold, kb.searcher.rank(topic, [person])))
    print(f"{len(cases)} title-bigram topics and {len(field_cases)} word + field topics from "
          f"{min(len(people), args.authors)} authors")
    print("bar   recall=1   precision>=0.5   both")
    for bar in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        full = prec = both = 0
        for gold, ranking in cases:
            top = ranking[0][1] or 1.0
            chosen = {p for p, s in ranking if s >= bar * top}
            r, p = gold <= chosen, len(gold & chosen) / len(chosen) >= 0.5
            full, prec, both = full + r, prec + p, both + (r and p)
        n = len(cases) or 1
        print(f"{bar:.2f}  {full / n:8.3f}  {prec / n:14.3f}  {both / n:6.3f}")
    title_rule_table(kb, full_cases, field_cases)
    field_share_table(kb, full_cases, frequent_cases)


if __name__ == "__main__":
    main()

