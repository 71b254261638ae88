"""arXiv through the arxiv client: papers by author name (arXiv has no author ids, so a match is a name).

The client's query URL is ``Client.query_url_format``; it is set from the settings per client. The client's
own retries are off so that ``calls.call`` handles a 429 like the other sources do.
"""

from __future__ import annotations

import re

from bot.knowledge.names import fold
from bot.settings import SourcesSettings
from bot.sources.calls import call
from bot.sources.models import PersonMatch, Work

NAME = "arxiv"


def _client(settings: SourcesSettings):
    import arxiv

    client = arxiv.Client(page_size=100, delay_seconds=settings.arxiv_delay_s, num_retries=0)
    client.query_url_format = settings.arxiv_url.rstrip("?") + "?{}"
    return arxiv, client


def person_index(names: list[str], wanted: str) -> int | None:
    """Which of ``names`` is ``wanted``: the same folded name, else the same surname and first initial."""
    target = fold(wanted).split()
    folded = [fold(n).split() for n in names]
    for i, tokens in enumerate(folded):
        if tokens == target:
            return i
    for i, tokens in enumerate(folded):
        if tokens and target and tokens[-1] == target[-1] and tokens[0][:1] == target[0][:1]:
            return i
    return None


def to_work(result, person: str) -> Work:
    names = [a.name for a in result.authors]
    return Work(
        source=NAME, id=re.sub(r"v\d+$", "", result.entry_id.rsplit("/abs/", 1)[-1]),
        title=(result.title or "").strip(), authors=names, author_ids=[""] * len(names),
        person_index=person_index(names, person), year=result.published.year if result.published else None,
        venue=result.journal_ref or "arXiv", abstract=(result.summary or "").strip(), doi=result.doi or None,
        url=result.entry_id, fields=[(result.primary_category or "").split(".")[0]] if result.primary_category else [],
    )


def _fetch(settings: SourcesSettings, name: str, limit: int, notes: list[str] | None) -> list[Work]:
    arxiv, client = _client(settings)
    search = arxiv.Search(query=f'au:"{name}"', max_results=limit, sort_by=arxiv.SortCriterion.SubmittedDate)
    results = call(NAME, lambda: list(client.results(search)), settings, settings.arxiv_url, notes)
    return [w for w in (to_work(r, name) for r in results) if w.person_index is not None]


def _match(name: str, works: list[Work]) -> PersonMatch:
    years = [w.year for w in works if w.year]
    return PersonMatch(source=NAME, id=name, name=name, first_year=min(years) if years else None,
                       last_year=max(years) if years else None, paper_count=len(works), works=works)


def search(settings: SourcesSettings, name: str, limit: int = 5, notes: list[str] | None = None) -> list[PersonMatch]:
    """Everyone on arXiv who signs ``name``, as one match: arXiv cannot tell namesakes apart."""
    works = _fetch(settings, name, min(settings.max_works, 200), notes)
    return [_match(name, works)] if works else []


def person(settings: SourcesSettings, name: str, notes: list[str] | None = None) -> PersonMatch:
    return _match(name, [])


def works(settings: SourcesSettings, name: str, notes: list[str] | None = None) -> list[Work]:
    return _fetch(settings, name, settings.max_works, notes)
