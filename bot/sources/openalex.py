"""OpenAlex through pyalex: authors by name, their works with abstracts rebuilt from the inverted index.

pyalex reads its settings from a module-level ``config``; its query URLs are built on the public host, so the
two classes below put ``config.openalex_url`` in front (tests point it at a fake, a mirror works the same).
A merged author answers 301 to the surviving record: requests follows it, and the id that comes back is
the one kept.
"""

from __future__ import annotations

import threading

from bot.settings import SourcesSettings
from bot.sources.calls import call
from bot.sources.models import PersonMatch, Work

NAME = "openalex"
_PUBLIC = "https://api.openalex.org"
_lock = threading.Lock()  # pyalex's config is global: one configured call at a time


def _classes():
    import pyalex

    class Authors(pyalex.Authors):
        @property
        def url(self):
            return pyalex.config.openalex_url.rstrip("/") + super().url[len(_PUBLIC):]

    class Works(pyalex.Works):
        @property
        def url(self):
            return pyalex.config.openalex_url.rstrip("/") + super().url[len(_PUBLIC):]

    return pyalex, Authors, Works


def _configure(pyalex, settings: SourcesSettings) -> None:
    pyalex.config.openalex_url = settings.openalex_url
    pyalex.config.email = settings.email
    pyalex.config.api_key = settings.openalex_api_key.get_secret_value() if settings.openalex_api_key else None
    pyalex.config.max_retries = 0  # calls.call retries, honouring Retry-After the same way for every source


def short(openalex_id: str | None) -> str:
    """'https://openalex.org/A123' -> 'A123'."""
    return (openalex_id or "").rstrip("/").rsplit("/", 1)[-1]


def _orcid(value: str | None) -> str | None:
    return value.rstrip("/").rsplit("/", 1)[-1] if value else None


def to_work(record: dict, person: str | None = None) -> Work:
    """An OpenAlex work as a Work; ``person`` (A123) marks which author is the one imported."""
    from pyalex.api import invert_abstract

    authorships = record.get("authorships") or []
    names = [(a.get("author") or {}).get("display_name") or a.get("raw_author_name") or "" for a in authorships]
    ids = [short((a.get("author") or {}).get("id")) for a in authorships]
    location = record.get("primary_location") or {}
    topic = record.get("primary_topic") or {}
    fields = [x for x in ((topic.get("domain") or {}).get("display_name"),
                          (topic.get("field") or {}).get("display_name")) if x]
    doi = record.get("doi")
    return Work(
        source=NAME, id=short(record.get("id")), title=(record.get("title") or record.get("display_name") or "").strip(),
        authors=names, author_ids=ids, person_index=ids.index(person) if person in ids else None,
        year=record.get("publication_year"), venue=((location.get("source") or {}).get("display_name")),
        abstract=(invert_abstract(record.get("abstract_inverted_index")) or "").strip(),
        doi=doi.replace("https://doi.org/", "") if doi else None,
        url=location.get("landing_page_url") or record.get("id"), fields=fields,
        citations=record.get("cited_by_count") or 0,
    )


def _match(author: dict, works: list[Work]) -> PersonMatch:
    institutions = author.get("last_known_institutions") or []
    years = [c.get("year") for c in author.get("counts_by_year") or [] if c.get("works_count")]
    ids = author.get("ids") or {}
    return PersonMatch(
        source=NAME, id=short(author.get("id")), name=author.get("display_name") or "",
        name_variants=list(author.get("display_name_alternatives") or [])[:10],
        affiliation=(institutions[0].get("display_name") if institutions else None),
        orcid=_orcid(author.get("orcid") or ids.get("orcid")),
        first_year=min(years) if years else None, last_year=max(years) if years else None,
        paper_count=author.get("works_count") or len(works), works=works,
    )


def search(settings: SourcesSettings, name: str, limit: int = 5, notes: list[str] | None = None) -> list[PersonMatch]:
    """People OpenAlex finds for ``name``, each with a preview of their most cited works."""
    with _lock:
        pyalex, Authors, Works = _classes()
        _configure(pyalex, settings)
        found = call(NAME, lambda: Authors().search(name).get(per_page=limit), settings, settings.openalex_url, notes)
        out = []
        for author in found:
            aid = short(author.get("id"))
            preview = call(NAME, lambda: Works().filter(author={"id": aid}).sort(cited_by_count="desc")
                           .get(per_page=50), settings, settings.openalex_url, notes)
            out.append(_match(author, [to_work(w, aid) for w in preview]))
        return out


def person(settings: SourcesSettings, author_id: str, notes: list[str] | None = None) -> PersonMatch:
    """One author by id; a merged id comes back as the record it was merged into."""
    with _lock:
        pyalex, Authors, _ = _classes()
        _configure(pyalex, settings)
        author = call(NAME, lambda: Authors()[author_id], settings, settings.openalex_url, notes)
        return _match(author, [])


def works(settings: SourcesSettings, author_id: str, notes: list[str] | None = None) -> list[Work]:
    """Every work of an author (up to max_works), newest first."""
    with _lock:
        pyalex, _, Works = _classes()
        _configure(pyalex, settings)

        def fetch():
            pages = Works().filter(author={"id": author_id}).sort(publication_year="desc").paginate(
                per_page=200, n_max=settings.max_works)
            return [w for page in pages for w in page][: settings.max_works]  # n_max counts whole pages

        return [to_work(w, author_id) for w in call(NAME, fetch, settings, settings.openalex_url, notes)]
