"""Who a person is: their profile and their dossier; and a name that is nobody's here, or several people's.

Identity is strict: an unknown name is said to be unknown (with the namesakes it may mean), and a name that
fits several people asks which, listing them.
"""

from __future__ import annotations

from collections import Counter

from bot.assistant.offline import _name_list, _ref, _where
from bot.assistant.operations import answer
from bot.assistant.protocol import UNKNOWN_PERSON
from bot.assistant.themes import themes
from bot.assistant.topics import modifiers
from bot.assistant.understand.slots import family
from bot.models import Answer, Candidate


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
