"""Who a person writes with: their most frequent co-authors, the papers two people wrote together, and the
co-authors two people share. Each count is the catalog's, and each answer cites the joint papers it rests on."""

from __future__ import annotations

from collections import Counter

from bot.assistant.offline import _name_list
from bot.assistant.operations import _filters, _listing, answer, filtered, nothing_for, on_the_topic
from bot.assistant.topical import on_topic
from bot.assistant.understand.request import Request
from bot.models import Answer, Candidate, Paper


def _coauthors(papers: list[Paper], *left_out: str) -> Counter:
    """How many of the papers each co-author is on (a name listed twice on a paper counts once)."""
    return Counter(a for p in papers for a in dict.fromkeys(p.author_ids) if a not in left_out)


def top_coauthors(kb, person: Candidate, request: Request) -> Answer:
    pool = filtered(kb, person.id, request)
    if request.topic and pool:  # "who did X work with on data selection?": their co-authors on those papers
        pool, _, holds = on_topic(kb, person, request, pool)
        if not holds:
            return nothing_for(kb, person, request, "top_coauthors")
    counts = _coauthors(pool, person.id)
    ranked = [(a, n) for a, n in counts.most_common() if a in kb.catalog.candidates][:5]
    if not ranked:
        text = f"{person.name} has no co-authors in the knowledge base: their {len(pool)} papers are theirs alone."
        return answer(text, [], [person.id], "top_coauthors", status="not_found")
    names = [f"{kb.catalog.candidates[a].name} ({n} joint paper{'s' if n > 1 else ''})" for a, n in ranked]
    joint = [p for p in pool if ranked[0][0] in p.author_ids][:3]
    text = (f"{person.name} has {len(counts)} co-author{'s' * (len(counts) != 1)}{_filters(request)} in the "
            f"knowledge base, over {len(pool)} paper{'s' * (len(pool) != 1)}. The most frequent is {names[0]}"
            + (f", then {_name_list(names[1:])}" if len(names) > 1 else "") + ".")
    text += "\nTheir joint papers with the first:\n" + _listing(joint)
    return answer(text, joint, [person.id, *[a for a, _ in ranked]], "top_coauthors")


def shared_coauthors(kb, first: Candidate, second: Candidate, request: Request) -> Answer:
    """The people who wrote with both ("who has worked with both X and Y?"), by their joint papers with the two,
    each count from the catalog and one joint paper with each of the two cited."""
    mine = {side.id: filtered(kb, side.id, request) for side in (first, second)}
    counts = {side: _coauthors(papers, first.id, second.id) for side, papers in mine.items()}
    both = sorted((a for a in counts[first.id] if a in counts[second.id] and a in kb.catalog.candidates),
                  key=lambda a: (-(counts[first.id][a] + counts[second.id][a]), a))
    if not both:
        text = (f"Nobody in the knowledge base has written with both {first.name} and {second.name}{_filters(request)} "
                f"({first.name}: {len(counts[first.id])} co-authors, {second.name}: {len(counts[second.id])}).")
        return answer(text, [], [first.id, second.id], "top_coauthors", status="not_found")
    shown = both[:5]
    cited: list[Paper] = []
    lines = []
    for person in shown:
        with_each = [next(p for p in mine[side.id] if person in p.author_ids) for side in (first, second)]
        for paper in with_each:
            if all(paper.id != c.id for c in cited):
                cited.append(paper)
        numbers = dict.fromkeys(next(i for i, c in enumerate(cited, 1) if c.id == p.id) for p in with_each)
        refs = " ".join(f"[{n}]" for n in numbers)
        lines.append(f"- {kb.catalog.candidates[person].name}: {counts[first.id][person]} paper"
                     f"{'s' * (counts[first.id][person] != 1)} with {first.name}, {counts[second.id][person]} with "
                     f"{second.name} {refs}")
    more = f"\n… and {len(both) - len(shown)} more." if len(both) > len(shown) else ""
    text = (f"{len(both)} {'people have' if len(both) != 1 else 'person has'} written with both {first.name} and "
            f"{second.name}{_filters(request)} in the knowledge base:\n" + "\n".join(lines) + more)
    return answer(text, cited, [first.id, second.id, *shown], "top_coauthors")


def joint(kb, first: Candidate, second: Candidate, request: Request, yes_no: bool) -> Answer:
    pool = on_the_topic(kb, first, request, filtered(kb, first.id, request, coauthor=second.id))
    op = "together" if yes_no else "with_coauthor"
    if not pool:
        text = (f"No: {first.name} and {second.name} have no paper together{_filters(request)} in the knowledge "
                f"base ({first.name} has {len(first.paper_ids)} papers here, {second.name} {len(second.paper_ids)}).")
        return answer(text, [], [first.id, second.id], op, status="not_found")
    head = f"Yes: {first.name} and {second.name} wrote " if yes_no else f"{first.name} and {second.name} wrote "
    text = head + f"{len(pool)} paper{'s' if len(pool) > 1 else ''} together{_filters(request)}:\n" + _listing(pool)
    return answer(text, pool, [first.id, second.id], op)
