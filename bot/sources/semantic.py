"""Semantic Scholar through the semanticscholar client: author search, profiles and their papers, page by page.

The client's own retry waits up to ten minutes; it is turned off (``retry=False``) so that ``calls.call``
retries a 429 within the limits in the settings, the same way as for the other sources.
"""

from __future__ import annotations

from bot.settings import SourcesSettings
from bot.sources.calls import call
from bot.sources.models import PersonMatch, Work

NAME = "semanticscholar"
PAPER_FIELDS = ["title", "year", "authors", "abstract", "venue", "externalIds", "fieldsOfStudy", "url",
                "citationCount"]
AUTHOR_FIELDS = ["authorId", "name", "aliases", "affiliations", "paperCount", "externalIds", "url"]


def _client(settings: SourcesSettings):
    from semanticscholar import SemanticScholar

    key = settings.semanticscholar_api_key.get_secret_value() if settings.semanticscholar_api_key else None
    return SemanticScholar(timeout=int(settings.timeout_s), api_key=key, api_url=settings.semanticscholar_url,
                           retry=False)


def to_work(record: dict, person: str | None = None) -> Work:
    authors = record.get("authors") or []
    ids = [str(a.get("authorId") or "") for a in authors]
    external = record.get("externalIds") or {}
    return Work(
        source=NAME, id=str(record.get("paperId")), title=(record.get("title") or "").strip(),
        authors=[a.get("name") or "" for a in authors], author_ids=ids,
        person_index=ids.index(person) if person in ids else None, year=record.get("year"),
        venue=record.get("venue") or None, abstract=(record.get("abstract") or "").strip(),
        doi=external.get("DOI"), url=record.get("url"), fields=list(record.get("fieldsOfStudy") or [])[:1],
        citations=record.get("citationCount") or 0,
    )


def _match(author: dict, works: list[Work]) -> PersonMatch:
    external = author.get("externalIds") or {}
    orcid = external.get("ORCID")
    dblp = external.get("DBLP")
    return PersonMatch(
        source=NAME, id=str(author.get("authorId")), name=author.get("name") or "",
        name_variants=list(author.get("aliases") or [])[:10],
        affiliation=(author.get("affiliations") or [None])[0], orcid=orcid if isinstance(orcid, str) else None,
        other_ids={"dblp": dblp[0]} if isinstance(dblp, list) and dblp else {},
        paper_count=author.get("paperCount") or len(works), works=works,
    )


def search(settings: SourcesSettings, name: str, limit: int = 5, notes: list[str] | None = None) -> list[PersonMatch]:
    """People Semantic Scholar finds for ``name``, each with the papers the search returns for them."""
    fields = AUTHOR_FIELDS + [f"papers.{f}" for f in ("title", "year", "authors", "fieldsOfStudy", "citationCount")]
    client = _client(settings)
    found = call(NAME, lambda: client.search_author(name, fields=fields, limit=limit).items, settings,
                 settings.semanticscholar_url, notes)
    out = []
    for author in found:
        raw = author.raw_data
        works = [to_work(p, str(raw.get("authorId"))) for p in raw.get("papers") or []]
        out.append(_match(raw, works))
    return out


def person(settings: SourcesSettings, author_id: str, notes: list[str] | None = None) -> PersonMatch:
    client = _client(settings)
    author = call(NAME, lambda: client.get_author(author_id, fields=AUTHOR_FIELDS), settings,
                  settings.semanticscholar_url, notes)
    return _match(author.raw_data, [])


def works(settings: SourcesSettings, author_id: str, notes: list[str] | None = None) -> list[Work]:
    """Every paper of an author, following the client's pages (offset/next) up to max_works."""
    client = _client(settings)

    def fetch():
        out = []
        for paper in client.get_author_papers(author_id, fields=PAPER_FIELDS, limit=100):
            out.append(paper.raw_data)
            if len(out) >= settings.max_works:
                break
        return out

    return [to_work(p, author_id) for p in call(NAME, fetch, settings, settings.semanticscholar_url, notes)]
