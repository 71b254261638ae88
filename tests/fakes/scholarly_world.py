"""The people and papers the fake scholarly sources serve, and each source's documented response shape.

Two researchers share the name Maren Holt (one in NLP, one in marine biology); Arne Falk's profile merges
a computer scientist with a physician (over a hundred papers in one year, co-authors who never meet); one
of Maren Holt's papers has no abstract. ``publish`` adds a paper later, for refresh tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class FakeWork:
    key: str
    title: str
    year: int
    coauthors: list[str]
    abstract: str = ""
    venue: str = "Proceedings of a Workshop"
    field: str = "Computer Science"
    domain: str = "Physical Sciences"
    arxiv_category: str = "cs.CL"
    citations: int = 0

    @property
    def doi(self) -> str:
        return f"10.5555/{self.key}"


@dataclass
class FakePerson:
    name: str
    openalex: str
    s2: str
    dblp: str
    orcid: str | None
    affiliation: str
    works: list[FakeWork] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def _id(prefix: str, text: str) -> str:
    return prefix + str(int(hashlib.sha1(text.encode()).hexdigest()[:8], 16))


NLP = [
    FakeWork("holt-2019a", "Morphological Segmentation for Low-Resource Finno-Ugric Languages", 2019,
             ["Lena Brandt", "Ivan Vulić"], "We segment Estonian and Võro words with a small neural model trained "
             "on a few hundred annotated words and show gains for downstream translation.", citations=40),
    FakeWork("holt-2021a", "Cross-Lingual Transfer of Dependency Parsers to Uralic Languages", 2021,
             ["Ivan Vulić", "Oskar Lind"], "Parsers trained on Finnish transfer to Estonian and Livonian when word "
             "embeddings are aligned across languages; we study which features carry over.", citations=25),
    FakeWork("holt-2022a", "A Treebank of Spoken Estonian Dialogues", 2022, ["Oskar Lind"],
             "We release a treebank of transcribed spoken Estonian with disfluency annotation.", citations=12),
    FakeWork("holt-2023a", "Evaluating Tokenizers for Agglutinative Languages", 2023, ["Lena Brandt"], "",
             citations=3),  # no abstract at the source
]
BIO = [
    FakeWork("holtb-2016a", "Seasonal Migration of Atlantic Cod in the Barents Sea", 2016, ["Ingrid Saether"],
             "Tagging data from 400 cod show a shift of spawning grounds northwards over a decade.",
             venue="Marine Ecology", field="Agricultural and Biological Sciences", domain="Life Sciences",
             arxiv_category="q-bio", citations=30),
    FakeWork("holtb-2020a", "Kelp Forest Recovery after Urchin Removal", 2020, ["Pål Moen", "Ingrid Saether"],
             "Removing sea urchins restored kelp cover within three years at six Norwegian sites.",
             venue="Marine Ecology", field="Agricultural and Biological Sciences", domain="Life Sciences",
             arxiv_category="q-bio", citations=18),
]


def _merged_works() -> list[FakeWork]:
    works = []
    for i in range(70):
        works.append(FakeWork(f"falk-cs-{i}", f"Scheduling Distributed Query Plans, Part {i + 1}", 2021,
                              ["Hedda Strom", "Jon Aas"], f"We study query plan {i} on clusters.",
                              arxiv_category="cs.DB", citations=i % 7))
    for i in range(70):
        works.append(FakeWork(f"falk-med-{i}", f"Outcomes of Knee Arthroplasty in Cohort {i + 1}", 2021,
                              ["Siri Dahl", "Per Nygaard"], f"A cohort study of {100 + i} patients after surgery.",
                              venue="Journal of Orthopaedics", field="Medicine", domain="Health Sciences",
                              arxiv_category="q-bio", citations=(i + 3) % 7))
    return works


def people() -> list[FakePerson]:
    return [
        FakePerson("Maren Holt", "A5001", "1001", "12/3456-1", "0000-0002-1825-0097", "University of Tartu",
                   list(NLP), aliases=["M. Holt"]),
        FakePerson("Maren Holt", "A5002", "1002", "45/6789-2", None, "University of Bergen", list(BIO)),
        FakePerson("Arne Falk", "A5003", "1003", "77/1111", None, "Nordic Institute", _merged_works()),
    ]


def inverted(text: str) -> dict[str, list[int]] | None:
    """OpenAlex's abstract_inverted_index: word -> positions."""
    if not text:
        return None
    index: dict[str, list[int]] = {}
    for position, word in enumerate(text.split()):
        index.setdefault(word, []).append(position)
    return index


# -- OpenAlex ------------------------------------------------------------------------------------------------
def openalex_author(p: FakePerson) -> dict:
    years = sorted({w.year for w in p.works})
    return {"id": f"https://openalex.org/{p.openalex}", "display_name": p.name, "display_name_alternatives": p.aliases,
            "orcid": f"https://orcid.org/{p.orcid}" if p.orcid else None, "works_count": len(p.works),
            "cited_by_count": sum(w.citations for w in p.works),
            "ids": {"openalex": f"https://openalex.org/{p.openalex}"},
            "last_known_institutions": [{"display_name": p.affiliation}],
            "counts_by_year": [{"year": y, "works_count": sum(w.year == y for w in p.works)} for y in years]}


def openalex_work(p: FakePerson, w: FakeWork) -> dict:
    authorships = [{"author": {"id": f"https://openalex.org/{p.openalex}", "display_name": p.name},
                    "raw_author_name": p.name, "institutions": [{"display_name": p.affiliation}]}]
    authorships += [{"author": {"id": f"https://openalex.org/{_id('A9', n)}", "display_name": n},
                     "raw_author_name": n, "institutions": []} for n in w.coauthors]
    return {"id": f"https://openalex.org/{_id('W', w.key)}", "doi": f"https://doi.org/{w.doi}", "title": w.title,
            "display_name": w.title, "publication_year": w.year, "authorships": authorships,
            "primary_location": {"source": {"display_name": w.venue}, "landing_page_url": f"https://doi.org/{w.doi}"},
            "abstract_inverted_index": inverted(w.abstract), "cited_by_count": w.citations,
            "primary_topic": {"display_name": w.field, "field": {"display_name": w.field},
                              "domain": {"display_name": w.domain}}}


# -- Semantic Scholar -----------------------------------------------------------------------------------------
def s2_paper(p: FakePerson, w: FakeWork) -> dict:
    return {"paperId": hashlib.sha1(w.key.encode()).hexdigest()[:16], "title": w.title, "year": w.year,
            "authors": [{"authorId": p.s2, "name": p.name}] + [{"authorId": _id("9", n), "name": n}
                                                                 for n in w.coauthors],
            "abstract": w.abstract or None, "venue": w.venue, "externalIds": {"DOI": w.doi},
            "fieldsOfStudy": [w.field], "url": f"https://www.semanticscholar.org/paper/{w.key}",
            "citationCount": w.citations}


def s2_author(p: FakePerson, with_papers: bool) -> dict:
    record = {"authorId": p.s2, "name": p.name, "aliases": p.aliases, "affiliations": [p.affiliation],
              "paperCount": len(p.works), "url": f"https://www.semanticscholar.org/author/{p.s2}",
              "externalIds": {"DBLP": [p.name]} | ({"ORCID": p.orcid} if p.orcid else {})}
    if with_papers:
        record["papers"] = [s2_paper(p, w) for w in p.works]
    return record


# -- arXiv ----------------------------------------------------------------------------------------------------
def arxiv_entry(p: FakePerson, w: FakeWork) -> str:
    from xml.sax.saxutils import escape

    number = f"{w.year % 100:02d}{int(hashlib.sha1(w.key.encode()).hexdigest()[:4], 16) % 12 + 1:02d}." \
             f"{int(hashlib.sha1(w.key.encode()).hexdigest()[4:9], 16) % 99999:05d}"
    authors = "".join(f"<author><name>{escape(n)}</name></author>" for n in [p.name, *w.coauthors])
    return (f"<entry><id>http://arxiv.org/abs/{number}v1</id><updated>{w.year}-05-01T00:00:00Z</updated>"
            f"<published>{w.year}-05-01T00:00:00Z</published><title>{escape(w.title)}</title>"
            f"<summary>{escape(w.abstract)}</summary>{authors}<arxiv:doi>{w.doi}</arxiv:doi>"
            f'<link href="http://arxiv.org/abs/{number}v1" rel="alternate" type="text/html"/>'
            f'<arxiv:primary_category term="{w.arxiv_category}" scheme="http://arxiv.org/schemas/atom"/>'
            f'<category term="{w.arxiv_category}" scheme="http://arxiv.org/schemas/atom"/></entry>')


def arxiv_feed(entries: list[str], total: int, start: int) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">'
            f"<title>arXiv Query</title><id>http://arxiv.org/api/fake</id><updated>2026-01-01T00:00:00Z</updated>"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>"
            f"<opensearch:startIndex>{start}</opensearch:startIndex>"
            f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>{''.join(entries)}</feed>")


# -- DBLP -----------------------------------------------------------------------------------------------------
def dblp_hit(p: FakePerson, number: int) -> dict:
    info = {"author": f"{p.name} {number:04d}", "url": f"https://dblp.org/pid/{p.dblp}",
            "notes": {"note": {"@type": "affiliation", "text": p.affiliation}}}
    if p.aliases:
        info["aliases"] = {"alias": p.aliases[0]}
    return {"@score": "1", "@id": p.dblp, "info": info}


def dblp_bibtex(p: FakePerson, number: int) -> str:
    entries = []
    for w in p.works:
        tex = " and ".join([f"{p.name} {number:04d}", *[n.replace("ć", "{\\'c}") for n in w.coauthors]])
        entries.append(f"@inproceedings{{DBLP:conf/fake/{w.key},\n  author = {{{tex}}},\n  title = {{{w.title}.}},\n"
                       f"  booktitle = {{{w.venue}}},\n  year = {{{w.year}}},\n  doi = {{{w.doi}}},\n"
                       f"  url = {{https://dblp.org/rec/conf/fake/{w.key}}}\n}}\n")
    return "\n".join(entries)


# -- ORCID ----------------------------------------------------------------------------------------------------
def orcid_row(p: FakePerson) -> dict:
    given, _, family = p.name.partition(" ")
    return {"orcid-id": p.orcid, "given-names": given, "family-names": family, "other-name": p.aliases,
            "institution-name": [p.affiliation]}


def orcid_works(p: FakePerson) -> dict:
    groups = []
    for i, w in enumerate(p.works):
        groups.append({"work-summary": [{
            "put-code": 9000 + i, "title": {"title": {"value": w.title}},
            "publication-date": {"year": {"value": str(w.year)}}, "journal-title": {"value": w.venue},
            "external-ids": {"external-id": [{"external-id-type": "doi", "external-id-value": w.doi}]},
            "url": {"value": f"https://doi.org/{w.doi}"}}]})
    return {"group": groups}
