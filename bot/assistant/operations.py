"""Deterministic operations over the catalog and the search, each rendered by the offline engine.

Every answer says what was asked and what was found, with real numbers, and every fact carries the
paper ids it rests on. Nothing here guesses a person: the request's people are already resolved.
"""

from __future__ import annotations

from collections import Counter

from bot.assistant.offline import _name_list, _ref, _where, best_sentence
from bot.assistant.protocol import NOT_FOUND_PHRASE, OFFLINE_LABEL
from bot.assistant.topical import LIST_MAX, described, on_topic
from bot.assistant.understand.request import Request
from bot.assistant.understand.slots import family, in_family
from bot.knowledge.untrusted import is_safe
from bot.models import Answer, Candidate, Citation, Paper
from bot.venues import TRACKS


def answer(text: str, cited: list[Paper], people: list[str], op: str, *, status: str = "answered",
           ranked: list[str] | None = None, warnings: list[str] | None = None, options: list[str] | None = None
           ) -> Answer:
    return Answer(text=text, citations=[Citation(paper=p) for p in cited], candidate_ids=people,
                  ranked_paper_ids=ranked if ranked is not None else [p.id for p in cited],
                  not_found=status == "not_found", intent=op, engine=OFFLINE_LABEL, warnings=warnings or [],
                  clarify=options or [], status=status)


def _filters(request: Request, loose: bool = False) -> str:
    """What the request narrows a person's papers by, as words; ``loose``: papers of proceedings that do not say
    their track are among them (see filtered)."""
    parts = []
    if request.topic:
        # A paper described at length is not said back as the words left of it once the framing is gone.
        parts.append("matching what you describe" if described(request.topic) else f"on {request.topic}")
    if request.venue:
        parts.append(f"outside {request.venue[4:]}" if request.venue.startswith("not ") else f"at {request.venue}")
    if request.track:
        unsaid = " (or of proceedings that do not say the track)" if loose else ""
        parts.append(f"in {TRACKS[request.track]}{unsaid}")
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


def within(paper: Paper, request: Request, loose_track: bool = False) -> bool:
    """The paper is of the request's years, venue family and track, and may be shown (a team's private note is no
    paper of theirs; a title that carries instructions is not shown). A track is that of the paper's proceedings
    when they say it; ``loose_track``: a paper whose proceedings do not say it may be of it too."""
    low, high = request.years
    if low and (paper.year or 0) < low or high and (paper.year or 9999) > high:
        return False
    if request.venue and not in_family(paper.venue, request.venue):
        return False
    if request.track and paper.track != request.track and not (loose_track and paper.track is None):
        return False
    return not paper.private and is_safe(paper.title)


def filtered(kb, person: str, request: Request, coauthor: str | None = None, one: bool = False) -> list[Paper]:
    """A person's papers (newest first) within the request's years, venue family, track and co-author. ``one``: one
    paper is picked from them ("her short paper on X"), and a paper whose proceedings do not say its track may be it
    ("2020.emnlp-main" holds long and short papers); a list of their short papers holds those known to be."""
    return [paper for paper in kb.catalog.papers_of(person)
            if within(paper, request, loose_track=one) and (not coauthor or coauthor in paper.author_ids)]


def picked(kb, person: Candidate, request: Request) -> tuple[list[Paper], list[str], str]:
    """The papers of a person that one described paper is picked from, best first, as on_topic ranks them. The track
    asked for ("a short paper asking whether …") says where to pick, not what the work is: whether the person has
    work on it at all is asked of their papers in any track."""
    pool = filtered(kb, person.id, request, one=True)
    anywhere = filtered(kb, person.id, request.model_copy(update={"track": None})) if request.track else pool
    return on_topic(kb, person, request, pool, anywhere)


def on_the_topic(kb, person: Candidate, request: Request, pool: list[Paper]) -> list[Paper]:
    """The papers of ``pool`` on the request's topic (all of them without one; none when the evidence fails)."""
    if not request.topic or not pool:
        return pool
    chosen, _, holds = on_topic(kb, person, request, pool)
    return chosen if holds else []


def _listing(papers: list[Paper], start: int = 1) -> str:
    return "\n".join(f"[{i}] {_ref(p)} ({_where(p)})" for i, p in enumerate(papers, start))


def nothing_for(kb, person: Candidate, request: Request, op: str, loose: bool = False) -> Answer:
    """Nothing matches: said first, with what the person does have, and no paper as evidence."""
    mine = kb.catalog.papers_of(person.id)
    years = [p.year for p in mine if p.year]
    span = "" if not years else f", {min(years)}" if min(years) == max(years) else f", {min(years)}–{max(years)}"
    text = (f"{NOT_FOUND_PHRASE} {person.name} has no paper{_filters(request, loose)} in the knowledge base "
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


def _closest(person: Candidate, paper: Paper, filters: str = "") -> str:
    """A paper picked as the person's nearest to a description, said as picked, not as known."""
    return f"The closest of {person.name}'s papers{filters} to what you describe is {_ref(paper)} ({_where(paper)}) [1]"


_ORDER = {False: "newest first", True: "oldest first"}


def _track_said(kb, person: Candidate, request: Request, result: Answer) -> Answer:
    """A track asked for is known only where the proceedings say it: how many of the person's papers they do not."""
    mine = kb.catalog.papers_of(person.id)
    unsaid = sum(p.track is None for p in mine)
    if request.track and unsaid and not request.single:  # a paper picked says it in its own words
        result.text += (f"\n(The track is known where the proceedings say it; for {unsaid} of {person.name}'s "
                        f"{len(mine)} papers they do not.)")
    return result


def papers(kb, person: Candidate, request: Request) -> Answer:
    return _track_said(kb, person, request, _papers(kb, person, request))


def _papers(kb, person: Candidate, request: Request) -> Answer:
    one = request.single and bool(request.topic)  # one paper picked ("which one?", "the paper that …")
    pool = filtered(kb, person.id, request, one=one)
    if not pool:
        return nothing_for(kb, person, request, "papers", one)
    oldest = request.order == "oldest"
    if request.topic:
        chosen, ranked, holds = picked(kb, person, request) if one else on_topic(kb, person, request, pool)
        if not holds:
            return nothing_for(kb, person, request, "papers", one)
        if request.order and not request.single:  # "her papers on X, oldest first": by year, not by closeness
            chosen = sorted(chosen, key=lambda p: (p.year or 0) if oldest else -(p.year or 0))
            text = f"{person.name}'s papers{_filters(request, one)}: {len(chosen)} in the knowledge base, {_ORDER[oldest]}.\n"
            return answer(text + _listing(chosen), chosen, [person.id], "papers", ranked=ranked)
        top = chosen[0]
        if request.single and described(request.topic):  # "which paper of theirs did …?": the one, then the next
            text = (_closest(person, top, _filters(request.model_copy(update={'topic': ''}), one))
                    + f": {best_sentence(top, request.topic)}")
            if len(chosen) > 1:
                text += "\nNext closest:\n" + _listing(chosen[1:], 2)
        else:
            text = (f"{person.name}'s papers{_filters(request, one)}: {len(chosen)} in the knowledge base. The closest is "
                    f"{_ref(top)} ({_where(top)}) [1]: {best_sentence(top, request.topic)}")
            if len(chosen) > 1:
                text += "\nAlso on it:\n" + _listing(chosen[1:], 2)
        return answer(text, chosen, [person.id], "papers", ranked=ranked)
    pool = pool[::-1] if oldest else pool
    shown = pool[:min(LIST_MAX, request.limit or LIST_MAX)]  # "give me 3 papers by X": three, newest first
    more = f"\n… and {len(pool) - len(shown)} more." if len(pool) > len(shown) else ""
    text = f"{person.name}'s papers{_filters(request, one)}: {len(pool)} in the knowledge base, {_ORDER[oldest]}.\n"
    return answer(text + _listing(shown) + more, shown, [person.id], "papers")


def extreme(kb, person: Candidate, request: Request, newest: bool) -> Answer:
    pool = on_the_topic(kb, person, request, filtered(kb, person.id, request, coauthor=request.coauthor))
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
    return _track_said(kb, person, request, _count(kb, person, request))


def _count(kb, person: Candidate, request: Request) -> Answer:
    pool = on_the_topic(kb, person, request, filtered(kb, person.id, request))
    venues = Counter(family(p.venue) or "other venues" for p in pool).most_common(3)
    if len(venues) == 1 and venues[0][0] == request.venue:
        venues = []  # "13 papers at EMNLP", not "…, most at EMNLP (13)"
    text = f"{person.name} has {len(pool)} paper{'s' * (len(pool) != 1)}{_filters(request)} in the knowledge base"
    text += f", most at {_name_list([f'{v} ({n})' for v, n in venues])}." if venues else "."
    if not pool:  # none of them: out of how many
        text = text[:-1] + f" (of the {len(person.paper_ids)} they have here)."
    return answer(text, pool[:5], [person.id], "count", ranked=[p.id for p in pool])


def venues(kb, person: Candidate, request: Request) -> Answer:
    pool = filtered(kb, person.id, request)
    if not pool:
        return nothing_for(kb, person, request, "venues")
    counts = Counter(family(p.venue) or "venue unknown" for p in pool).most_common()
    lines = ", ".join(f"{v} ({n})" for v, n in counts)
    text = f"Where {person.name}'s {len(pool)} papers{_filters(request)} appeared, most first: {lines}."
    return answer(text, [], [person.id], "venues", ranked=[p.id for p in pool])


def years(kb, person: Candidate, request: Request) -> Answer:
    """How many papers the person published each year (on a topic, at a venue when asked), newest first, their
    most active year said, and the papers of that year cited."""
    pool = on_the_topic(kb, person, request, filtered(kb, person.id, request))
    if not pool:
        return nothing_for(kb, person, request, "years")
    counts = Counter(p.year for p in pool if p.year)
    if not counts:
        return answer(f"The knowledge base has no year for {person.name}'s papers{_filters(request)}.", [],
                      [person.id], "years")
    # every year from the first to the last, a year without a paper said as one (a gap is worth seeing)
    lines = ", ".join(f"{year} ({counts[year]})" for year in range(max(counts), min(counts) - 1, -1))
    most = max(counts.values())
    busiest = sorted(y for y, n in counts.items() if n == most)
    undated = sum(1 for p in pool if not p.year)
    text = (f"{person.name}'s {len(pool)} papers{_filters(request)} by year, newest first: {lines}"
            + (f", and {undated} without a year" if undated else "") + ". "
            + f"Most in {_name_list([str(y) for y in busiest])} ({most} paper{'s' * (most != 1)}"
            + (" each" if len(busiest) > 1 else "") + ").")
    shown = [p for p in pool if p.year in busiest][:5]
    return answer(text, shown, [person.id], "years", ranked=[p.id for p in pool])


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
    elif aspect == "link":
        address = paper.url or (f"https://doi.org/{paper.doi}" if paper.doi else "")
        text = (f"{_ref(paper)} ({_where(paper)}) [1]: {address}" if address
                else f"The knowledge base has no link for {_ref(paper)} ({_where(paper)}) [1].")
    else:
        text = (f"{_ref(paper)} [1], by {_name_list(paper.authors)}, appeared at {_where(paper)}. "
                + best_sentence(paper, paper.title))
    return answer(text, [paper], people, op)
