"""Deterministic operations over the catalog and the search, each rendered by the offline engine.

Every answer says what was asked and what was found, with real numbers, and every fact carries the
paper ids it rests on. Nothing here guesses a person: the request's people are already resolved.
"""

from __future__ import annotations

from collections import Counter

from bot.assistant.affinity import RELEVANT
from bot.assistant.evidence import measure
from bot.assistant.offline import _name_list, _ref, _where, best_sentence
from bot.assistant.protocol import NOT_FOUND_PHRASE, OFFLINE_LABEL, UNKNOWN_PERSON
from bot.assistant.topics import (acronyms, completed, expand, field_of, modifiers, phrase_holds, spelled_out, themes,
                                  title_holds)
from bot.assistant.understand.request import Request
from bot.assistant.understand.slots import family, in_family
from bot.knowledge.french import translated_share
from bot.knowledge.retrieve import clean_query, to_english, vocabulary
from bot.knowledge.untrusted import is_safe, safe_text
from bot.models import Answer, Candidate, Citation, Paper

# Within one person's papers, a paper is listed as on the topic when its title names the topic (topics.py:
# title_holds, the person's field as context), or when its fused score (dense min-max scaled + 0.7 x BM25
# over its maximum) reaches this share of the best one's. bench/list_topic_calibration.py, on topics built
# from 150 authors' own titles (our data, not an evaluation set's): the bar alone peaks at 0.63 of topics
# fully and precisely listed; with the title rule every gold paper is listed for 99.7 % at any bar, and a
# higher bar is always more precise there (0.8: 82-86 %, 0.9: 90-91 %), because that gold is made of titles.
# Real topics are not only title words, so the bar keeps room for papers that say the topic otherwise;
# bench/recruiter_variants.py (questions of our own) lists as well at 0.8 as at 0.9.
RELATIVE_BAR = 0.8
LIST_MAX = 20


def answer(text: str, cited: list[Paper], people: list[str], op: str, *, status: str = "answered",
           ranked: list[str] | None = None, warnings: list[str] | None = None, options: list[str] | None = None
           ) -> Answer:
    return Answer(text=text, citations=[Citation(paper=p) for p in cited], candidate_ids=people,
                  ranked_paper_ids=ranked if ranked is not None else [p.id for p in cited],
                  not_found=status == "not_found", intent=op, engine=OFFLINE_LABEL, warnings=warnings or [],
                  clarify=options or [], status=status)


def _filters(request: Request) -> str:
    parts = []
    if request.topic:
        parts.append(f"on {request.topic}")
    if request.venue:
        parts.append(f"outside {request.venue[4:]}" if request.venue.startswith("not ") else f"at {request.venue}")
    low, high = request.years
    if low and high and low == high:
        parts.append(f"in {low}")
    elif low and high:
        parts.append(f"from {low} to {high}")
    elif low:
        parts.append(f"since {low}")
    elif high:
        parts.append(f"up to {high}")
    return (" " + " ".join(parts)) if parts else ""


def within(paper: Paper, request: Request) -> bool:
    """The paper is of the request's years and venue family, and may be shown (a team's private note is no paper
    of theirs; a title that carries instructions is not shown)."""
    low, high = request.years
    if low and (paper.year or 0) < low or high and (paper.year or 9999) > high:
        return False
    if request.venue and not in_family(paper.venue, request.venue):
        return False
    return not paper.private and is_safe(paper.title)


def filtered(kb, person: str, request: Request, coauthor: str | None = None) -> list[Paper]:
    """A person's papers (newest first) within the request's years, venue family and co-author."""
    return [paper for paper in kb.catalog.papers_of(person)
            if within(paper, request) and (not coauthor or coauthor in paper.author_ids)]


def _listing(papers: list[Paper], start: int = 1) -> str:
    return "\n".join(f"[{i}] {_ref(p)} ({_where(p)})" for i, p in enumerate(papers, start))


def nothing_for(kb, person: Candidate, request: Request, op: str) -> Answer:
    """Nothing matches: said first, with what the person does have, and no paper as evidence."""
    mine = kb.catalog.papers_of(person.id)
    years = [p.year for p in mine if p.year]
    span = "" if not years else f", {min(years)}" if min(years) == max(years) else f", {min(years)}–{max(years)}"
    text = (f"{NOT_FOUND_PHRASE} {person.name} has no paper{_filters(request)} in the knowledge base "
            f"(they have {len(mine)} paper{'s' * (len(mine) != 1)} here{span}).{_sibling_venue(kb, person, request)}")
    return answer(text, [], [person.id], op, status="not_found", ranked=[])


def _sibling_venue(kb, person: Candidate, request: Request) -> str:
    """Nothing at NAACL, but papers at Findings of NAACL (or the other way round): said, as a recruiter would
    want to know; the papers themselves are not cited, they are not what was asked."""
    wanted = request.venue or ""
    if not wanted or request.topic or wanted.startswith("not ") or " or " in wanted or wanted == "Findings":
        return ""
    sibling = wanted.removeprefix("Findings of ") if wanted.startswith("Findings of ") else f"Findings of {wanted}"
    n = len(filtered(kb, person.id, request.model_copy(update={"venue": sibling})))
    return f" They have {n} paper{'s' * (n != 1)} at {sibling}{_filters(request.model_copy(update={'venue': None}))}." \
        if n else ""


def _readable(paper: Paper) -> str:
    """The paper's title and abstract without its instruction-like sentences (those are data, never evidence)."""
    return f"{paper.title}. {safe_text(paper.abstract)}"


def on_topic(kb, person: Candidate, request: Request, pool: list[Paper]) -> tuple[list[Paper], list[str], str]:
    """The person's papers on the request's topic, best first, and whether the evidence holds ("strong" or ""):
    a French question is searched with its English terms (bot/knowledge/french.py)."""
    asked = request.query or clean_query(request.topic)
    english = to_english(kb, asked)
    query = spelled_out(kb, english)
    allowed = {p.id for p in pool}
    # A French question: its English terms and its own words, each as much as it speaks for the question
    # (the glossary's English terms for the share of its words the glossary knows, the own words for the rest).
    share = translated_share(asked, vocabulary(kb)) if english != asked else 1.0
    sources = [(query, share), (asked, 1.0 - share)]
    terms = to_english(kb, request.terms) if request.terms else ""
    if terms:
        # A model's names for what the user described ("pronoun puzzles that take world knowledge": "Winograd
        # schemas"): half the say in the ranking, and a paper they find as surely as the user's words would.
        sources = [(text, weight / 2) for text, weight in sources] + [(terms, 0.5)]
    fused: dict[str, float] = {}
    for text, weight in sources:
        if weight <= 0:
            continue
        for paper_id, score in kb.searcher.rank(text, [person.id]):
            fused[paper_id] = fused.get(paper_id, 0.0) + weight * score
    ranking = sorted(((p, s) for p, s in fused.items() if p in allowed), key=lambda item: -item[1])
    ranked = [p for p, _ in ranking]
    if not ranking:
        return [], ranked, ""
    topic = to_english(kb, request.topic) if request.topic else query
    known = acronyms(kb)
    field = field_of(kb.catalog.papers_of(person.id))
    titled = {p: expand(kb.catalog.papers[p].title, known) for p, _ in ranking}
    parts = completed(kb, topic)  # "simultaneous translation or interpretation": "simultaneous interpretation"
    holds = {p for p, t in titled.items() if title_holds(t, parts, field)}

    named = not described(topic)
    # A paper described at length: a title that holds the whole description (its field's words aside).
    titled_as_described = set() if named else {p for p, t in titled.items() if title_holds(t, topic, field, whole=True)}

    def title_first(paper: Paper) -> int:
        """For a topic named in a few words, the paper whose title says it first ("the paper on zero-shot
        translation"), then those whose title holds its words, then the others, each by score. A paper described
        at length: one whose title holds every word of the description first ("two-pass speech-to-speech
        translation with discrete units"), the others by score."""
        if not named:
            return 0 if paper.id in titled_as_described else 1
        return 0 if phrase_holds(titled[paper.id], parts) else 1 if paper.id in holds else 2

    def holds_in_pool(text: str) -> bool:
        """One of the papers asked about (the year's, the venue's) is on it: that the person has a paper on it
        elsewhere does not make their EMNLP papers about it."""
        return any(p.probability >= RELEVANT and p.paper_id in allowed for p in measure(kb, text, [person.id]).papers)

    if holds_in_pool(query) or (terms and holds_in_pool(terms)):
        top = ranking[0][1] or 1.0
        chosen = sorted((kb.catalog.papers[p] for p, s in ranking if s >= RELATIVE_BAR * top or p in holds),
                        key=title_first)
        return chosen[:LIST_MAX], ranked, "strong"
    # The calibrated model doubts it, but a paper that says the topic in so many words is on it.
    said = sorted((kb.catalog.papers[p] for p in ranked
                   if phrase_holds(expand(_readable(kb.catalog.papers[p]), known), parts)), key=title_first)
    return (said[:LIST_MAX], ranked, "said") if said else ([], ranked, "")


def _closest(person: Candidate, paper: Paper, filters: str = "") -> str:
    """A paper picked as the person's nearest to a description, said as picked, not as known."""
    return f"The closest of {person.name}'s papers{filters} to what you describe is {_ref(paper)} ({_where(paper)}) [1]"


def described(topic: str) -> bool:
    """A paper described at length ("applied learning-to-learn to translation for languages with little data"),
    not a topic named ("zero-shot translation")."""
    return len(topic.split()) > 4


def papers(kb, person: Candidate, request: Request) -> Answer:
    pool = filtered(kb, person.id, request)
    if not pool:
        return nothing_for(kb, person, request, "papers")
    if request.topic:
        chosen, ranked, holds = on_topic(kb, person, request, pool)
        if not holds:
            return nothing_for(kb, person, request, "papers")
        top = chosen[0]
        if request.single and described(request.topic):  # "which paper of theirs did …?": the one, then the next
            text = (_closest(person, top, _filters(request.model_copy(update={'topic': ''})))
                    + f": {best_sentence(top, request.topic)}")
            if len(chosen) > 1:
                text += "\nNext closest:\n" + _listing(chosen[1:], 2)
        else:
            text = (f"{person.name}'s papers{_filters(request)}: {len(chosen)} in the knowledge base. The closest is "
                    f"{_ref(top)} ({_where(top)}) [1]: {best_sentence(top, request.topic)}")
            if len(chosen) > 1:
                text += "\nAlso on it:\n" + _listing(chosen[1:], 2)
        return answer(text, chosen, [person.id], "papers", ranked=ranked)
    shown = pool[:min(LIST_MAX, request.limit or LIST_MAX)]  # "give me 3 papers by X": three, newest first
    more = f"\n… and {len(pool) - len(shown)} more." if len(pool) > len(shown) else ""
    text = f"{person.name}'s papers{_filters(request)}: {len(pool)} in the knowledge base, newest first.\n"
    return answer(text + _listing(shown) + more, shown, [person.id], "papers")


def extreme(kb, person: Candidate, request: Request, newest: bool) -> Answer:
    pool = filtered(kb, person.id, request, coauthor=request.coauthor)
    if request.topic and pool:
        pool, _, holds = on_topic(kb, person, request, pool)
        if not holds:
            pool = []
    if not pool:
        return nothing_for(kb, person, request, "latest" if newest else "oldest")
    dated = [p for p in pool if p.year] or pool
    year = (max if newest else min)(p.year or 0 for p in dated)
    chosen = [p for p in dated if (p.year or 0) == year]
    limit = request.limit or 0
    if limit > len(chosen):  # "the three most recent": the next years too
        rest = sorted((p for p in dated if p not in chosen), key=lambda p: -(p.year or 0) if newest else (p.year or 0))
        chosen += rest[: limit - len(chosen)]
    which = "most recent" if newest else "earliest"
    partner = kb.catalog.candidates.get(request.coauthor or "")
    joint = f" with {partner.name}" if partner else ""
    if len(chosen) == 1:
        text = f"{person.name}'s {which} paper{joint}{_filters(request)} in the knowledge base is {_ref(chosen[0])} " \
               f"({_where(chosen[0])}) [1]."
    else:
        years = sorted({p.year for p in chosen if p.year})
        when = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(year)
        counted = f" {len(chosen)}" if len(years) > 1 else ""  # "the three most recent" reach back a year or more
        text = f"{person.name}'s{counted} {which} papers{joint}{_filters(request)} ({when}):\n" + _listing(chosen)
    return answer(text, chosen, [person.id, *([partner.id] if partner else [])], "latest" if newest else "oldest")


def count(kb, person: Candidate, request: Request) -> Answer:
    pool = filtered(kb, person.id, request)
    if request.topic and pool:
        pool, _, holds = on_topic(kb, person, request, pool)
        pool = pool if holds else []
    venues = Counter(family(p.venue) or "other venues" for p in pool).most_common(3)
    if len(venues) == 1 and venues[0][0] == request.venue:
        venues = []  # "13 papers at EMNLP", not "…, most at EMNLP (13)"
    text = f"{person.name} has {len(pool)} paper{'s' * (len(pool) != 1)}{_filters(request)} in the knowledge base"
    text += f", most at {_name_list([f'{v} ({n})' for v, n in venues])}." if venues else "."
    return answer(text, pool[:5], [person.id], "count", ranked=[p.id for p in pool])


def venues(kb, person: Candidate, request: Request) -> Answer:
    pool = filtered(kb, person.id, request)
    if not pool:
        return nothing_for(kb, person, request, "venues")
    counts = Counter(family(p.venue) or "venue unknown" for p in pool).most_common()
    lines = ", ".join(f"{v} ({n})" for v, n in counts)
    text = f"Where {person.name}'s {len(pool)} papers{_filters(request)} appeared, most first: {lines}."
    return answer(text, [], [person.id], "venues", ranked=[p.id for p in pool])


def top_coauthors(kb, person: Candidate, request: Request) -> Answer:
    pool = filtered(kb, person.id, request)
    if request.topic and pool:  # "who did X work with on data selection?": their co-authors on those papers
        pool, _, holds = on_topic(kb, person, request, pool)
        if not holds:
            return nothing_for(kb, person, request, "top_coauthors")
    counts = Counter(a for p in pool for a in dict.fromkeys(p.author_ids) if a != person.id)
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


def joint(kb, first: Candidate, second: Candidate, request: Request, yes_no: bool) -> Answer:
    pool = filtered(kb, first.id, request, coauthor=second.id)
    if request.topic and pool:
        pool, _, holds = on_topic(kb, first, request, pool)
        pool = pool if holds else []
    op = "together" if yes_no else "with_coauthor"
    if not pool:
        text = (f"No: {first.name} and {second.name} have no paper together{_filters(request)} in the knowledge "
                f"base ({first.name} has {len(first.paper_ids)} papers here, {second.name} {len(second.paper_ids)}).")
        return answer(text, [], [first.id, second.id], op, status="not_found")
    head = f"Yes: {first.name} and {second.name} wrote " if yes_no else f"{first.name} and {second.name} wrote "
    text = head + f"{len(pool)} paper{'s' if len(pool) > 1 else ''} together{_filters(request)}:\n" + _listing(pool)
    return answer(text, pool, [first.id, second.id], op)


def paper_fact(kb, paper: Paper, aspect: str | None, person: Candidate | None = None, op: str = "fact",
               closest: bool = False) -> Answer:
    """Who wrote, when, where, or what a paper is about (all of it when the aspect is not said). ``closest``: the
    paper is the person's nearest to a description, and the answer says it was picked that way."""
    mine = person is not None and person.id in paper.author_ids
    people = [person.id] if mine else list(paper.author_ids)
    if person is not None and not mine:  # never make someone the author of a paper they did not write
        text = (f"{person.name} is not an author of {_ref(paper)} [1]; it was written by {_name_list(paper.authors)} "
                f"({_where(paper)}).")
        return answer(text, [paper], people, op)
    if closest and mine:  # "which paper of X's argued …?": the one picked, said as picked, then what was asked
        text = _closest(person, paper)
        others = [n for n, a in zip(paper.authors, paper.author_ids) if a != person.id]
        if aspect == "who":
            text += (f"; {person.name}'s co-authors on it were {_name_list(others)}." if others
                     else f"; {person.name} wrote it alone.")
        else:
            text += "." if aspect in ("when", "where") else f": {best_sentence(paper, paper.title)}"
        return answer(text, [paper], people, op)
    if aspect == "who":
        others = [n for n, a in zip(paper.authors, paper.author_ids) if not mine or a != person.id]
        if mine:
            text = (f"On {_ref(paper)} ({_where(paper)}) [1], {person.name}'s co-authors were {_name_list(others)}."
                    if others else f"{person.name} wrote {_ref(paper)} ({_where(paper)}) [1] alone.")
        else:
            text = f"{_name_list(others)} wrote {_ref(paper)} ({_where(paper)}) [1]."
    elif aspect == "when":
        text = (f"Published in {paper.year}: {_ref(paper)} ({paper.venue}) [1]." if paper.year
                else f"The knowledge base has no year for {_ref(paper)} [1].")
    elif aspect == "where":
        text = (f"Published at {paper.venue}: {_ref(paper)} [1]." if paper.venue
                else f"The knowledge base has no venue for {_ref(paper)} [1].")
    else:
        text = (f"{_ref(paper)} [1], by {_name_list(paper.authors)}, appeared at {_where(paper)}. "
                + best_sentence(paper, paper.title))
    return answer(text, [paper], people, op)


def profile(kb, person: Candidate) -> Answer:
    """What a person works on: their themes, where and when they publish, with whom, and their latest papers."""
    papers = kb.catalog.papers_of(person.id)
    years = [p.year for p in papers if p.year]
    venues = Counter(family(p.venue) or "other venues" for p in papers).most_common(3)
    coauthors = [kb.catalog.candidates[c].name for c in person.coauthors[:4] if c in kb.catalog.candidates]
    recent = papers[:3]
    parts = [f"{person.name}" + (f" ({person.affiliation})" if person.affiliation else "")
             + f": {len(papers)} papers in the knowledge base" + (f", {min(years)}–{max(years)}" if years else "")
             + (f", mostly at {_name_list([v for v, _ in venues])}" if venues else "") + "."]
    found = themes(papers, modifying=modifiers(kb))
    if found:
        parts.append("Their titles return to " + _name_list(found) + ".")
    if coauthors:
        parts.append("Frequent co-authors: " + _name_list(coauthors) + ".")
    if recent:
        parts.append("Latest: " + "; ".join(f"{_ref(p)} ({_where(p)}) [{i}]" for i, p in enumerate(recent, 1)) + ".")
    if person.notes:
        parts.append("Team notes: " + person.notes)
    if person.ambiguous:
        parts.append("Careful: this name covers several people in the data; the papers may not all be theirs.")
    return answer("\n".join(parts), recent, [person.id], "profile")


_FIELD_NAMES = {"email": "e-mail address", "affiliation": "affiliation", "links": "links", "languages": "languages",
                "notes": "notes"}


def dossier(kb, person: Candidate, field: str | None) -> Answer:
    fields = [field] if field else ["affiliation", "email", "links", "languages"]
    said = []
    for name in fields:
        value = getattr(person, name)
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(value)
        if value:
            said.append(f"{_FIELD_NAMES[name].capitalize()}: {value}")
    if not said:
        text = (f"The knowledge base has no {_FIELD_NAMES[field] if field else 'contact details'} for {person.name}; "
                f"add a dossier file (knowledge/dossiers/) to keep them.")
        return answer(text, [], [person.id], "dossier", status="not_found")
    return answer(f"{person.name}'s dossier. " + "; ".join(said) + ".", [], [person.id], "dossier")


def unknown_person(kb, name: str, namesakes: list[str], op: str) -> Answer:
    known = [kb.catalog.candidates[p] for p in namesakes if p in kb.catalog.candidates][:5]
    text = UNKNOWN_PERSON.format(name=name)
    if known:
        text += f" Did you mean {_name_list([c.name for c in known]).replace(' and ', ' or ')}?"
    if op == "draft":
        text += " I draft only to people I know, so that every paper I mention is theirs."
    return answer(text, [], [], op, status="not_found")


def clarify(kb, name: str | None, options: list[str], op: str, beside: str | None = None) -> Answer:
    """Which of the people a name fits is meant; ``beside``: the person named with them, whose co-authors among
    the options are said (they are listed first)."""
    people = [kb.catalog.candidates[c] for c in options if c in kb.catalog.candidates]
    shown = people[:8]
    names = Counter(c.name for c in shown)
    partner = kb.catalog.candidates.get(beside or "")
    wrote = [c for c in people if partner and c.id != partner.id and any(
        partner.id in kb.catalog.papers[p].author_ids for p in c.paper_ids if p in kb.catalog.papers)]
    together = (f" Of them, {_name_list([c.name for c in wrote])} {'has' if len(wrote) == 1 else 'have'} written "
                f"with {partner.name}." if wrote else "")

    def told_apart(c: Candidate) -> str:
        """Two people of one name are told apart by their latest paper."""
        if names[c.name] < 2 or c.affiliation:
            return ""
        latest = next(iter(kb.catalog.papers_of(c.id)), None)
        return f"; latest: {_ref(latest)} ({_where(latest)})" if latest else ""

    lines = [f"{i}. {c.name} ({len(c.paper_ids)} paper{'s' if len(c.paper_ids) != 1 else ''}"
             + (f", {c.affiliation}" if c.affiliation else "") + told_apart(c) + ")" for i, c in enumerate(shown, 1)]
    more = f"\n… and {len(people) - len(shown)} more; give the full name." if len(people) > len(shown) else ""
    text = (f"Several people here are called {name or 'that'}.{together} Which one do you mean?\n" + "\n".join(lines)
            + more
            + "\nReply with the full name or the number.")
    return answer(text, [], [], op, status="clarify", options=[c.id for c in shown])
