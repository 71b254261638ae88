"""Everyday recruiter questions of our own, about other people and in other words than any evaluation set.

The shared recruiter set is a sample; a hidden one of the same kinds, about other people and in other
wordings, checks the project. This script builds a set like it from the bundled corpus alone: for each kind,
people (and pairs, titles, years, venues) drawn at random, gold computed from the catalog, and the question
worded by one of several templates written here. People of the evaluation sets are left out when those sets
are present, so nothing here is tuned on them. The set is written in the shared scorer's line format and
scored by it when it is present; without it, the set is still written.

    python bench/recruiter_variants.py [--per-kind 12] [--seed 3] [--out bench/out/variants.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import bench_kb  # noqa: E402
from bot.assistant.understand.slots import family  # noqa: E402

T = {
    "latest": ["I'd like to see the most recent work of {X}", "what is {X} working on lately? give me their last paper", "{x} newest pub", "what's the newest thing {X} has put out?", "Show me {X}'s latest publication.",
               "{X}: most recent paper?", "When did {X} last publish, and what was it?",
               "Has {X} published anything recently? The latest one please.", "newest paper by {x}"],
    "list_year": ["Can you pull up {X}'s publications from {Y}?", "in {Y}, what did {x} publish", "{X} — {Y} output?", "What did {X} publish in {Y}?", "{X}'s {Y} papers, please.", "papers by {x} from {Y}",
                  "List everything {X} wrote in {Y}.", "Which of {X}'s papers came out in {Y}?",
                  "Show {X} publications, year {Y}"],
    "list_venue": ["Papers {X} got into {V}?", "did {X} publish in {V}? which ones", "{x} {V} papers pls", "Which papers has {X} published at {V}?", "{X} at {V}: what do they have?",
                   "list {x}'s {V} papers", "Anything from {X} in {V}?", "Show me {X}'s work that appeared in {V}.",
                   "What has {X} presented at {V}?"],
    "count": ["what's {X}'s paper count", "tell me how many publications {x} has", "How many works by {X} do you have?", "How many papers does {X} have?", "number of publications by {x}?", "How prolific is {X}? Count "
              "their papers.", "{X} — how many papers in total?", "Count {X}'s papers for me.",
              "How many articles has {X} written?"],
    "venues": ["Which conferences does {X} publish at the most?", "where has {x} been publishing", "{X}'s favourite venues?", "Where does {X} usually publish?", "Which venues does {x} publish in most?",
               "{X}: their main conferences?", "At which conferences does {X} tend to appear?",
               "What venues has {X} published at?", "Where do {X}'s papers get published?"],
    "with_coauthor": ["what did {X} and {Z} write together", "joint publications of {X} with {Z}", "{x} + {z} papers", "Which papers did {X} write with {Z}?", "{X} and {Z}: their joint papers?",
                      "show me papers {x} co-authored with {z}", "What has {X} published together with {Z}?",
                      "List {X}'s papers with {Z} as a co-author.", "papers of {X} where {Z} is also an author"],
    "together": ["Any collaboration between {X} and {Z}?", "have {x} and {z} published together", "Did {X} ever co-author a paper with {Z}?", "Have {X} and {Z} ever written a paper together?", "did {x} ever collaborate with {z}?",
                 "Is there any paper by both {X} and {Z}?", "{X} & {Z} — any joint work?",
                 "Have {X} and {Z} co-authored anything?", "Do {X} and {Z} share a paper?"],
    "top_coauthors": ["Who is {X}'s closest collaborator?", "with whom does {x} write most", "{X}: who do they co-author with the most?", "Who does {X} publish with most often?", "{X}'s most frequent collaborator?",
                      "who are {x}'s main co-authors", "Who has co-written the most papers with {X}?",
                      "Which co-author appears most on {X}'s papers?", "Top collaborators of {X}?"],
    "by_title_who": ["{TITLE} — who wrote it?", "authors of {title}?", "which people are behind '{title}'", "Who wrote \"{TITLE}\"?", "who are the authors of {title}", "Authors of '{TITLE}', please.",
                     "Who is behind the paper {TITLE}?"],
    "by_title_when": ["{title}: year?", "when did '{title}' get publised", "'{TITLE}' — publication year?", "When was \"{TITLE}\" published?", "what year is {title} from?",
                      "Publication year of '{TITLE}'?", "When did {TITLE} come out?"],
    "by_title_where": ["{TITLE}: where was it published?", "venue of '{title}'?", "which conference was \"{TITLE}\" in?", "Where was \"{TITLE}\" published?", "which venue was {title} at?",
                       "At what conference did '{TITLE}' appear?", "Where did {TITLE} appear?"],
    "unknown_person": ["{U}'s papers on {topic}?", "anything by {u} about {topic}", "has {U} worked on {topic}?", "What has {U} published on {topic}?", "Tell me about {U}'s work on {topic}.",
                       "does {u} have papers about {topic}?", "Show {U}'s papers on {topic}."],
    "ambiguous": ["What has {S} written on {topic}?", "papers by {s} about {topic}?",
                  "Show me {S}'s work on {topic}.", "Has {S} published on {topic}?"],
    "ambiguous_reply": ["{X}", "I mean {X}", "{x}, thanks", "The one called {X}."],
    "expert_none": ["Do we have anyone working on {topic}?", "Looking for {topic} researchers", "who's done research on {topic}", "Who has worked on {topic}?", "find me people who do {topic}", "Any experts in {topic} here?",
                    "Which candidates have published on {topic}?", "who knows about {topic}?",
                    "I need someone with a background in {topic}. Who?"],
    "list_topic": ["Anything by {X} on {topic}?", "I'm interested in {X}'s {topic} papers", "does {x} have papers on {topic}? list them", "Which of {X}'s papers are about {topic}?", "{X}'s work on {topic}?",
                   "list {x}'s papers on {topic}", "What has {X} written about {topic}?",
                   "Show me everything {X} did on {topic}.", "papers by {X} related to {topic}"],
    "draft": ["We'd like to approach {X} about {P}. Can you write a {C}?", "Need a {C} note to {x} re {P} pls", "{X}: compose a {C} message about {P}.", "draft a mesage to {x} about {P}", "Draft an {C} to {X} about {P}.", "write a {C} message to {x} for {P}",
              "Could you prepare a first {C} to {X}? It's about {P}.", "Please draft a {C} note inviting {X} to "
              "talk about {P}."],
    "revise_shorter": ["half as long please", "too wordy, cut it", "shorten it", "shorter please", "Can you cut it down?", "make it more concise", "trim it a bit"],
    "revise_formal": ["more formal and polite, less chatty", "a bit more formal, it's for a senior professor", "more formal", "Make it sound more professional.", "a more formal tone please",
                      "less casual, please"],
    "revise_french": ["Rewrite it in French, please.", "put it in french", "can we have a French version?", "in French please", "Can you write it in French?", "translate it to French",
                      "French version?"],
    "draft_unknown": ["I'd like a {C} message to {U} on {P}.", "{U}: compose a LinkedIn note about {P}.", "write {u} a quick whatsapp about {P}", "Draft an email to {U} about {P}.", "write to {u} about {P}",
                      "Prepare a LinkedIn message for {U} regarding {P}.", "Compose a note to {U} about {P}."],
    "followup_first": ["Which of {X}'s papers is about {topic}?", "{X} wrote something on {topic}, which paper?",
                       "what's the {x} paper on {topic}"],
    "followup_coauthors": ["who did they write it with?", "Who were the co-authors?", "and its other authors?",
                           "who else is on that paper?"],
    "followup_year": ["when was it published?", "what year was that?", "and when did it come out?"],
    "followup_venue": ["where was it published?", "which venue?", "at what conference did that appear?"],
    "followup_latest": ["what did they publish most recently?", "and their newest paper?", "their latest one?"],
    "help": ["what are your features", "can you explain what you do", "I'm lost, what can this do?", "what can you do?", "help", "How do I use this bot?", "What kinds of questions can I ask?",
             "hi, what are you for?", "what can I ask you"],
}
# Topics nobody in an NLP corpus works on (checked against every title and abstract before use).
ABSENT = {"protein folding": r"protein|folding", "bridge engineering": r"bridge engineering|civil engineering",
          "volcanology": r"volcan", "coral reef ecology": r"coral|reef", "quantum chromodynamics": r"chromodynamic|quark",
          "battery chemistry": r"batter(y|ies)|electrolyte", "soil microbiology": r"soil|microbio",
          "glacier dynamics": r"glacier", "orbital mechanics": r"orbital mechanic|orbit", "beekeeping": r"\bbees?\b|beekeep"}
PURPOSES = ["a research scientist role on our speech team", "an internship in our Paris lab",
            "a talk at our reading group", "a staff engineer position in retrieval", "collaborating on evaluation"]
CHANNELS = ["email", "LinkedIn", "Telegram"]
GIVEN = ["Marta", "Oskar", "Ingrid", "Tomasz", "Leila", "Bruno", "Greta", "Anouk", "Kalle", "Rosalind"]
_STOP = set("a an the of for in on with and to from by via using towards toward is are its at as into based neural "
            "model models learning approach method task tasks data new study language natural".split())


def _eval_people() -> str:
    """The text of the evaluation sets, when present, so that their people are left out."""
    shared = ROOT.parent / "shared" / "eval"
    return "".join(p.read_text(errors="ignore") for p in shared.rglob("*.jsonl")) if shared.is_dir() else ""


def _word(template: str, rng: random.Random, **slots: str) -> str:
    lowered = {k.lower(): v.lower() for k, v in slots.items() if k.isupper()}
    return template.format(**slots, **lowered)


def build(kb, per_kind: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    excluded = _eval_people()
    catalog = kb.catalog
    names = Counter(c.name for c in catalog.candidates.values())
    people = sorted((c for c in catalog.candidates.values()
                     if not c.ambiguous and names[c.name] == 1 and len(c.paper_ids) >= 5 and c.id not in excluded
                     and c.name not in excluded), key=lambda c: c.id)
    rng.shuffle(people)
    by_surname: dict[str, list] = {}
    for c in catalog.candidates.values():
        if len(c.paper_ids) >= 5 and not c.ambiguous:
            by_surname.setdefault(c.name.split()[-1], []).append(c)
    corpus = " ".join(f"{p.title} {p.abstract}" for p in catalog.papers.values())
    items: list[dict] = []

    def add(kind: str, turns: list[tuple[str, dict]]) -> None:
        items.append({"id": f"{kind[:3]}-v{len(items)}", "kind": kind,
                      "turns": [{"say": s, "gold": g} for s, g in turns]})

    def papers(c):
        return [p for p in catalog.papers_of(c.id) if not p.private]

    cycle = iter(people * 20)
    for _ in range(per_kind):
        c = next(cycle)
        mine = papers(c)
        top = max(p.year or 0 for p in mine)
        add("latest", [(_word(rng.choice(T["latest"]), rng, X=c.name), {
            "expect": "answer", "candidate_ids": [c.id], "year": top,
            "paper_ids": [p.id for p in mine if p.year == top]})])
    made = 0
    for c in people:
        years = Counter(p.year for p in papers(c) if p.year)
        fitting = [y for y, k in years.items() if 2 <= k <= 6]
        if fitting and made < per_kind:
            y = rng.choice(sorted(fitting))
            add("list_year", [(_word(rng.choice(T["list_year"]), rng, X=c.name, Y=str(y)), {
                "expect": "answer", "candidate_ids": [c.id], "year": y,
                "paper_ids": [p.id for p in papers(c) if p.year == y]})])
            made += 1
    made = 0
    for c in people[::-1]:
        fams = Counter(family(p.venue) for p in papers(c) if family(p.venue))
        fitting = [f for f, k in fams.items() if 2 <= k <= 6]
        if fitting and made < per_kind:
            f = rng.choice(sorted(fitting))
            add("list_venue", [(_word(rng.choice(T["list_venue"]), rng, X=c.name, V=f), {
                "expect": "answer", "candidate_ids": [c.id], "venue": f,
                "paper_ids": [p.id for p in papers(c) if family(p.venue) == f]})])
            made += 1
    for c in people[per_kind:2 * per_kind]:
        add("count", [(_word(rng.choice(T["count"]), rng, X=c.name), {
            "expect": "answer", "candidate_ids": [c.id], "count": len(papers(c))})])
    made = 0
    for c in people[2 * per_kind:]:
        fams = Counter(family(p.venue) for p in papers(c) if family(p.venue)).most_common()
        if len(fams) >= 4 and fams[2][1] > fams[3][1] and made < per_kind:
            add("venues", [(_word(rng.choice(T["venues"]), rng, X=c.name), {
                "expect": "answer", "candidate_ids": [c.id], "venues": dict(fams),
                "top3": [f for f, _ in fams[:3]]})])
            made += 1
    made = 0
    for c in people[3 * per_kind:]:
        joint = Counter(a for p in papers(c) for a in p.author_ids if a != c.id)
        pairs = [a for a, k in joint.items() if 1 <= k <= 5 and a in catalog.candidates
                 and not catalog.candidates[a].ambiguous]
        if pairs and made < per_kind:
            z = catalog.candidates[rng.choice(sorted(pairs))]
            ids = [p.id for p in papers(c) if z.id in p.author_ids]
            add("with_coauthor", [(_word(rng.choice(T["with_coauthor"]), rng, X=c.name, Z=z.name), {
                "expect": "answer", "candidate_ids": [c.id, z.id], "paper_ids": ids})])
            if made % 2 == 0:
                add("together", [(_word(rng.choice(T["together"]), rng, X=c.name, Z=z.name), {
                    "expect": "answer", "candidate_ids": [c.id, z.id], "paper_ids": ids})])
            made += 1
    prolific = [c for c in people if len(c.paper_ids) >= 8]
    made = 0
    for c, z in zip(prolific[::2], prolific[1::2]):
        if made >= per_kind // 2:
            break
        if not set(c.paper_ids) & set(z.paper_ids):
            add("together", [(_word(rng.choice(T["together"]), rng, X=c.name, Z=z.name), {
                "expect": "not_found", "candidate_ids": [c.id, z.id], "paper_ids": []})])
            made += 1
    made = 0
    for c in people[4 * per_kind:]:
        joint = Counter(a for p in papers(c) for a in p.author_ids if a != c.id).most_common()
        if joint and joint[0][1] >= 2 and made < per_kind:
            best = [a for a, k in joint if k == joint[0][1]]
            add("top_coauthors", [(_word(rng.choice(T["top_coauthors"]), rng, X=c.name), {
                "expect": "answer", "candidate_ids": [c.id], "author_ids": best,
                "names": [catalog.candidates[a].name if a in catalog.candidates else a for a in best],
                "count": joint[0][1], "top3": [{"id": a, "count": k} for a, k in joint[:3]]})])
            made += 1
    pool = [p for p in catalog.papers.values() if not p.private and len(p.title.split()) >= 5
            and p.id not in excluded]
    rng.shuffle(pool)
    for i, p in enumerate(pool[:per_kind]):
        ask = ("who", "when", "where")[i % 3]
        title = p.title if i % 2 else re.sub(r"[^\w\s:-]", "", p.title).lower()
        gold = {"expect": "answer", "ask": ask, "paper_ids": [p.id], "title": p.title, "candidate_ids": []}
        if ask == "who":
            gold |= {"author_ids": p.author_ids, "names": p.authors}
        elif ask == "when":
            gold |= {"year": p.year}
        else:
            gold |= {"venue": family(p.venue), "year": p.year}
        add("by_title", [(rng.choice(T[f"by_title_{ask}"]).format(TITLE=p.title, title=title), gold)])
    singles = [(s, cs[0]) for s, cs in by_surname.items() if len(cs) == 1 and s not in excluded]
    rng.shuffle(singles)
    for surname, holder in singles[:per_kind]:
        given = rng.choice([g for g in GIVEN if g != holder.name.split()[0]])
        topic = rng.choice(["machine translation", "dialogue systems", "question answering", "summarization"])
        add("unknown_person", [(_word(rng.choice(T["unknown_person"]), rng, U=f"{given} {surname}", topic=topic), {
            "expect": "not_found", "unknown_name": f"{given} {surname}", "namesake_ids": [holder.id],
            "topic": topic, "candidate_ids": []})])
    for surname, holder in singles[per_kind:2 * per_kind]:
        given = rng.choice([g for g in GIVEN if g != holder.name.split()[0]])
        add("draft_unknown", [(_word(rng.choice(T["draft_unknown"]), rng, U=f"{given} {surname}",
                                     P=rng.choice(PURPOSES), C=rng.choice(CHANNELS)), {
            "expect": "not_found", "unknown_name": f"{given} {surname}", "namesake_ids": [holder.id],
            "candidate_ids": []})])
    by_given: dict[str, list] = {}
    for c in catalog.candidates.values():
        if len(c.paper_ids) >= 5 and not c.ambiguous and len(c.name.split()) == 2:
            by_given.setdefault(c.name.split()[0], []).append(c)
    shared = [(s, cs) for s, cs in by_surname.items() if len(cs) >= 2]
    shared += [(g, cs) for g, cs in by_given.items() if len(cs) >= 2 and len(g) > 3 and g not in by_surname]
    rng.shuffle(shared)
    made = 0
    for surname, holders in shared:
        if made >= per_kind:
            break
        target = rng.choice(holders)
        words = Counter(w for p in papers(target) for w in set(re.findall(r"[a-z][a-z-]{4,}", p.title.lower()))
                        if w not in _STOP)
        topical = [w for w, k in words.items() if 1 <= k <= 4]
        if not topical:
            continue
        word = rng.choice(sorted(topical))
        hits = [p.id for p in papers(target) if re.search(r"\b" + re.escape(word), f"{p.title} {p.abstract}".lower())]
        if not 1 <= len(hits) <= 6:
            continue
        add("ambiguous", [
            (_word(rng.choice(T["ambiguous"]), rng, S=surname, topic=word), {
                "expect": "clarify", "name_asked": surname, "by": "surname" if surname in by_surname else "first",
                "options": [h.id for h in holders],
                "option_names": [h.name for h in holders]}),
            (_word(rng.choice(T["ambiguous_reply"]), rng, X=target.name), {
                "expect": "answer", "candidate_ids": [target.id], "paper_ids": hits})])
        made += 1
    absent = [(t, r) for t, r in ABSENT.items() if not re.search(r, corpus, re.I)]
    for i in range(per_kind):
        topic, regex = absent[i % len(absent)]
        add("expert_none", [(rng.choice(T["expert_none"]).format(topic=topic), {
            "expect": "not_found", "topic": topic, "regex": regex, "hits": 0, "candidate_ids": []})])
    made = 0
    for c in people[5 * per_kind:]:
        mine = papers(c)
        words = Counter(w for p in mine for w in set(re.findall(r"[a-z][a-z-]{4,}", p.title.lower())) if w not in _STOP)
        topical = [w for w, k in words.items() if 2 <= k <= 6 and k < len(mine) / 2]
        if not topical or made >= per_kind:
            continue
        word = rng.choice(sorted(topical))
        # The topic as the titles say it: the word with the word that most often follows it there.
        after = Counter(m.group(1) for p in mine for m in re.finditer(re.escape(word) + r" ([a-z][a-z-]{3,})",
                                                                      p.title.lower()) if m.group(1) not in _STOP)
        if not after:
            continue
        field = {w for w, k in words.items() if k >= len(mine) / 2}
        with_field = [w for w, _ in after.most_common() if w in field]
        if with_field:  # "unsupervised translation" of a translation researcher: their titles with "unsupervised"
            topic, regex = f"{word} {with_field[0]}", re.escape(word)
        else:  # the phrase as their titles say it
            topic = f"{word} {after.most_common(1)[0][0]}"
            regex = re.escape(topic)
        gold = [p.id for p in mine if re.search(regex, p.title.lower())]
        if not 2 <= len(gold) <= 6:
            continue
        add("list_topic", [(_word(rng.choice(T["list_topic"]), rng, X=c.name, topic=topic), {
            "expect": "answer", "candidate_ids": [c.id], "topic": topic, "regex": regex,
            "regex_field": "title", "paper_ids": gold})])
        made += 1
    made = 0
    for c in people[7 * per_kind:]:
        if made >= per_kind:
            break
        mine = papers(c)
        # One paper of theirs that a title phrase names alone (the shared set paraphrases its abstract; this one
        # asks by its words, to try the second turn's wordings).
        phrases = Counter(" ".join(g) for p in mine for g in set(zip(*(re.findall(r"[a-z][a-z-]{3,}", p.title.lower())[k:]
                                                                   for k in range(2)))))
        unique = [ph for ph, k in phrases.items() if k == 1 and not set(ph.split()) & _STOP]
        if not unique:
            continue
        phrase = rng.choice(sorted(unique))
        paper = next(p for p in mine if phrase in " ".join(re.findall(r"[a-z][a-z-]{3,}", p.title.lower())))
        ask = ("coauthors", "year", "venue", "latest")[made % 4]
        first = {"expect": "answer", "candidate_ids": [c.id], "paper_ids": [paper.id], "regex": re.escape(phrase)}
        others = [a for a in paper.author_ids if a != c.id]
        if ask == "coauthors":
            if not others:
                continue
            second = {"expect": "answer", "ask": "coauthors", "candidate_ids": [c.id], "author_ids": others,
                      "names": [n for n, a in zip(paper.authors, paper.author_ids) if a != c.id], "paper_ids": [paper.id]}
        elif ask == "year":
            second = {"expect": "answer", "ask": "year", "candidate_ids": [c.id], "year": paper.year,
                      "paper_ids": [paper.id]}
        elif ask == "venue":
            second = {"expect": "answer", "ask": "venue", "candidate_ids": [c.id], "venue": family(paper.venue),
                      "year": paper.year, "paper_ids": [paper.id]}
        else:
            top = max(p.year or 0 for p in mine)
            second = {"expect": "answer", "ask": "latest", "candidate_ids": [c.id], "year": top,
                      "paper_ids": [p.id for p in mine if p.year == top]}
        add("followups", [(_word(rng.choice(T["followup_first"]), rng, X=c.name, topic=phrase), first),
                          (rng.choice(T[f"followup_{ask}"]), second)])
        made += 1
    for i, c in enumerate(people[6 * per_kind:7 * per_kind]):
        revision = ("shorter", "formal", "french")[i % 3]
        add("draft_revise", [
            (_word(rng.choice(T["draft"]), rng, X=c.name, C=rng.choice(CHANNELS), P=rng.choice(PURPOSES)), {
                "expect": "draft", "candidate_ids": [c.id]}),
            (rng.choice(T[f"revise_{revision}"]), {"expect": "draft", "candidate_ids": [c.id], "revision": revision})])
    for i in range(per_kind):
        add("help", [(T["help"][i % len(T["help"])], {"expect": "help", "candidate_ids": []})])
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=12)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "variants.jsonl")
    args = parser.parse_args()
    kb = bench_kb()
    items = build(kb, args.per_kind, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n")
    print(f"{len(items)} conversations of {len({i['kind'] for i in items})} kinds written to {args.out}")
    subprocess.run([sys.executable, str(ROOT / "bench" / "recruiter.py"), "--set", str(args.out),
                    "--out", str(args.out.with_suffix(".replies.jsonl"))], check=False)


if __name__ == "__main__":
    main()
