"""How sure a match is, and whether a profile looks like several people merged into one.

The signals are the ones a recruiter would check by hand: an ORCID on the profile, co-authors the knowledge
base already knows, an affiliation, whether the name is the profile's own or only a variant; and against
that, more papers a year than one person writes, or groups of papers in different fields that share no
co-author. Nothing here merges anything: it only explains.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from bot.knowledge.names import fold
from bot.sources.models import LABELS, PersonMatch, Work


def known_names(name_table: dict[str, list[str]]) -> dict[str, str]:
    """Folded name -> person id, for every name the knowledge base knows."""
    out: dict[str, str] = {}
    for person, names in name_table.items():
        for name in names:
            out.setdefault(fold(name), person)
    return out


def coauthors(works: list[Work]) -> Counter:
    """Co-author names over ``works``, the person left out."""
    counts: Counter = Counter()
    for work in works:
        counts.update(n for i, n in enumerate(work.authors) if i != work.person_index and n)
    return counts


def merged_flags(match: PersonMatch, works: list[Work], per_year: int) -> list[str]:
    """Why the profile may hold several people."""
    flags = []
    by_year = Counter(w.year for w in works if w.year)
    if by_year and max(by_year.values()) > per_year:
        year, count = by_year.most_common(1)[0]
        flags.append(f"{count} papers in {year}: more than one person publishes (limit {per_year} a year)")
    if not flags and match.first_year and match.last_year and match.paper_count:
        rate = match.paper_count / max(1, match.last_year - match.first_year + 1)
        if rate > per_year:
            flags.append(f"{match.paper_count} papers over {match.last_year - match.first_year + 1} years "
                         f"({rate:.0f} a year, limit {per_year})")
    groups: dict[str, list[Work]] = {}
    for work in works:
        if work.fields:
            groups.setdefault(work.fields[-1], []).append(work)
    floor = max(2, len(works) // 5)
    big = sorted((f for f, ws in groups.items() if len(ws) >= floor), key=lambda f: -len(groups[f]))
    for a, b in combinations(big[:4], 2):
        if not set(coauthors(groups[a])) & set(coauthors(groups[b])):
            flags.append(f"papers in {a} ({len(groups[a])}) and {b} ({len(groups[b])}) share no co-author: "
                         "possibly two people")
            break
    return flags


def assess(match: PersonMatch, query: str, known: dict[str, str], per_year: int) -> PersonMatch:
    """The match with its summary (years, top papers, co-authors, fields), confidence, reasons and flags."""
    works = match.works
    years = [w.year for w in works if w.year]
    if years:
        match.first_year = min(years + ([match.first_year] if match.first_year else []))
        match.last_year = max(years + ([match.last_year] if match.last_year else []))
    match.paper_count = max(match.paper_count, len(works))
    ranked = sorted(works, key=lambda w: (-w.citations, -(w.year or 0)))
    match.top_papers = [f"{w.title} ({w.year})" if w.year else w.title for w in ranked[:3]]
    together = coauthors(works)
    match.coauthors = [n for n, _ in together.most_common(5)]
    match.fields = [f for f, _ in Counter(w.fields[-1] for w in works if w.fields).most_common(3)]
    score, reasons = 0.0, []
    wanted, own = fold(query), fold(match.name)
    variants = [v for v in match.name_variants if fold(v) == wanted]
    if own == wanted:
        score += 0.25
        reasons.append(f"the profile's name is exactly “{match.name}”")
    elif variants:
        score += 0.2
        reasons.append(f"“{query}” is one of the profile's name variants (profile name: {match.name})")
    else:
        score += 0.1
        reasons.append(f"the name only resembles “{query}” (profile name: {match.name})")
    if match.orcid:
        score += 0.35
        reasons.append(f"ORCID {match.orcid} on the profile")
    overlap = [n for n in together if fold(n) in known]
    if overlap:
        score += min(0.3, 0.1 * len(overlap))
        reasons.append(f"{len(overlap)} co-author{'s' if len(overlap) > 1 else ''} already in the knowledge base: "
                       + ", ".join(overlap[:4]))
    if match.affiliation:
        score += 0.1
        reasons.append(f"affiliation: {match.affiliation}")
    if match.source == "arxiv":
        score -= 0.1
        reasons.append(f"{LABELS['arxiv']} has no author ids: every “{match.name}” there is in this match")
    match.flags = merged_flags(match, works, per_year)
    score -= 0.3 * len(match.flags)
    match.confidence = "high" if score >= 0.6 else "medium" if score >= 0.35 else "low"
    match.reasons = reasons
    return match
