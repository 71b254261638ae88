"""Importing researchers from the fake scholarly sources with the real clients: namesakes told apart, merged
profiles flagged, papers dropped and split, faults that lose nothing, refresh and the follow-up notice."""

from __future__ import annotations

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.pipeline.models import Stage
from bot.pipeline.store import PipelineStore
from bot.settings import KnowledgeSettings
from bot.sources import notify, records, service
from bot.sources.calls import SourceError
from tests.conftest import make_settings
from tests.fakes.scholarly import FakeScholarly
from tests.fakes.scholarly_world import FakeWork

HOLT_ORCID = "0000-0002-1825-0097"


@pytest.fixture
def fake():
    with FakeScholarly() as server:
        yield server


@pytest.fixture
def env(tmp_path, small_corpus, fake):
    """Settings with every source on the fake, and a small knowledge base (Ivan Vulić is in it)."""
    settings = make_settings(tmp_path, knowledge=KnowledgeSettings(sources=[small_corpus]), sources=fake.settings())
    kb = KnowledgeBase(settings)
    kb.ingest([small_corpus])
    return settings, kb


def holt_papers(kb, person_id):
    return sorted(p.title for p in kb.catalog.papers_of(person_id))


def test_two_namesakes_are_told_apart_and_only_the_chosen_ones_papers_are_hers(env):
    settings, kb = env
    tartu, bergen = service.search_people(settings, "Maren Holt", kb=kb)
    assert (tartu.affiliation, bergen.affiliation) == ("University of Tartu", "University of Bergen")
    assert tartu.confidence == "high" and bergen.confidence != "high"
    assert any(HOLT_ORCID in r for r in tartu.reasons)
    assert any("already in the knowledge base: Ivan Vulić" in r for r in tartu.reasons)
    assert tartu.first_year == 2019 and tartu.last_year == 2023 and "Lena Brandt" in tartu.coauthors
    text = service.render_choices([tartu, bergen], "Maren Holt")
    assert "1. Maren Holt — University of Tartu" in text and "2. Maren Holt — University of Bergen" in text
    assert "Morphological Segmentation" in text and "Kelp Forest" in text
    assert service.pick([tartu, bergen], "2") is bergen and service.pick([tartu, bergen], "7") is None

    result = service.import_person(settings, kb, service.pick([tartu, bergen], "1"))
    candidate = kb.catalog.candidates[result.person_id]
    assert result.person_id == "maren-holt" and result.total == 4 and result.without_abstract == 1
    assert candidate.source_ids == {"openalex": "A5001", "orcid": HOLT_ORCID}
    assert candidate.affiliation == "University of Tartu" and "M. Holt" in candidate.name_variants
    assert any("no abstract" in m for m in result.messages)
    assert "Kelp Forest Recovery after Urchin Removal" not in holt_papers(kb, "maren-holt")
    # The co-author who shares a name with someone already known is not silently made that person.
    vulic = [p for p in kb.catalog.papers_of("ivan-vulic") if p.id.startswith("openalex:")]
    namesakes = [c for c in kb.catalog.candidates.values() if c.name == "Ivan Vulić" and c.id != "ivan-vulic"]
    assert vulic == [] and len(namesakes) == 1 and namesakes[0].id.startswith("ivan-vulic~")

    other = service.import_person(settings, kb, bergen)
    assert other.person_id == "maren-holt-2" and any("kept apart as maren-holt-2" in m for m in other.messages)
    assert holt_papers(kb, "maren-holt-2") == ["Kelp Forest Recovery after Urchin Removal",
                                               "Seasonal Migration of Atlantic Cod in the Barents Sea"]
    assert len(holt_papers(kb, "maren-holt")) == 4


def test_a_merged_profile_is_flagged_and_its_papers_can_be_dropped_and_split(env, fake):
    settings, kb = env
    [falk] = service.search_people(settings, "Arne Falk", kb=kb)
    assert falk.confidence == "low"
    assert any("a year" in f for f in falk.flags) and any("share no co-author" in f for f in falk.flags)
    assert "looks merged" in service.render_choices([falk])
    result = service.import_person(settings, kb, falk)
    assert result.total == 140 and result.flags and any("papers split" in m for m in result.messages)
    state = records.load_state(settings.data_dir, "arne-falk")
    medicine = [k for k, w in state.works.items() if w.fields[-1] == "Medicine"]
    kept, split = service.split_papers(settings, kb, "Arne Falk", medicine)
    assert kept.total == 70 and split.person_id == "arne-falk-2" and split.total == 70
    assert all("Arthroplasty" not in t for t in holt_papers(kb, "arne-falk"))
    assert all("Arthroplasty" in t for t in holt_papers(kb, "arne-falk-2"))
    dropped = service.drop_papers(settings, kb, "arne-falk", [next(k for k in state.works if k not in medicine)])
    assert dropped.total == 69
    again = service.refresh(settings, kb, "arne-falk")
    assert [len(r.added) for r in again] == [0] and len(kb.catalog.papers_of("arne-falk")) == 69, \
        "dropped and split papers never come back"
    with pytest.raises(ValueError, match="no imported paper"):
        service.drop_papers(settings, kb, "arne-falk", ["openalex:W1"])


@pytest.mark.parametrize("source, person_id, count, abstracts", [
    ("semanticscholar", "1001", 4, 3), ("dblp", "12/3456-1", 4, 0), ("orcid", HOLT_ORCID, 4, 0),
])
def test_each_source_imports_through_its_own_client(env, source, person_id, count, abstracts):
    settings, kb = env
    matches = service.search_people(settings, "Maren Holt", source=source, kb=kb)
    match = next(m for m in matches if m.id == person_id)
    result = service.import_person(settings, kb, match)
    papers = kb.catalog.papers_of(result.person_id)
    assert len(papers) == count and sum(bool(p.abstract) for p in papers) == abstracts
    assert kb.catalog.candidates[result.person_id].source_ids[source] == person_id
    assert all(result.person_id in p.author_ids for p in papers)


def test_arxiv_cannot_tell_namesakes_apart_and_says_so(env):
    settings, kb = env
    [everyone] = service.search_people(settings, "Maren Holt", source="arxiv", kb=kb)
    assert everyone.paper_count == 6 and everyone.confidence == "low"
    assert any("no author ids" in r for r in everyone.reasons)
    assert any("share no co-author" in f for f in everyone.flags), "NLP and marine biology never meet"


def test_a_429_with_retry_after_is_waited_out(env, fake):
    settings, kb = env
    fake.fail("openalex", 429, retry_after=0.2)
    fake.fail("s2", 429)
    notes: list[str] = []
    assert len(service.search_people(settings, "Maren Holt", kb=kb, notes=notes)) == 2
    assert notes == ["OpenAlex answered 429; waited 0.2 s and retried."]
    assert len(service.search_people(settings, "Maren Holt", source="semanticscholar", kb=kb)) == 2
    fake.fail("openalex", 429, retry_after=0.1, times=3)  # the first try and both retries
    with pytest.raises(SourceError, match="rate-limited"):
        service.search_people(settings, "Maren Holt", kb=kb)
    fake.fail("openalex", 429, retry_after=600)
    with pytest.raises(SourceError, match="longer than max_wait_s"):
        service.search_people(settings, "Maren Holt", kb=kb)


def test_openalex_redirect_for_a_merged_record_keeps_the_surviving_id(env, fake):
    settings, kb = env
    fake.merge("A5009", "A5001")
    result = service.import_person(settings, kb, "openalex:A5009")
    assert result.source_ids["openalex"] == "A5001" and result.total == 4
    assert any("merged A5009 into A5001" in m for m in result.messages)


def test_a_source_that_is_down_or_failing_loses_nothing_already_imported(env, fake):
    settings, kb = env
    service.import_person(settings, kb, f"orcid:{HOLT_ORCID}")
    both = service.import_person(settings, kb, "openalex:A5001")
    assert both.person_id == "maren-holt" and any("Same ORCID" in m for m in both.messages)
    assert any("3 papers already imported got their abstracts from OpenAlex" in m for m in both.messages)
    before = holt_papers(kb, "maren-holt")
    assert len(before) == 4 and sum(bool(p.abstract) for p in kb.catalog.papers_of("maren-holt")) == 3
    files = {p.name: p.read_bytes() for p in records.folder(settings.data_dir, "maren-holt").iterdir()}
    down = settings.model_copy(update={"sources": fake.settings(openalex_url="http://127.0.0.1:9/openalex")})
    fake.fail("orcid", 500, times=5)
    results = service.refresh(down, kb, "Maren Holt")
    assert any("unreachable at http://127.0.0.1:9/openalex" in m for r in results for m in r.messages)
    assert any("answered HTTP 500" in m for r in results for m in r.messages)
    assert holt_papers(kb, "maren-holt") == before
    assert {p.name: p.read_bytes() for p in records.folder(settings.data_dir, "maren-holt").iterdir()} == files


def test_refresh_brings_new_papers_and_tells_the_owner_of_a_candidate_in_the_pipeline(env, fake, tmp_path):
    settings, kb = env
    service.import_person(settings, kb, "openalex:A5001")
    store = PipelineStore(f"sqlite:///{tmp_path / 'pipeline.sqlite3'}")
    store.set_stage("maren-holt", Stage.CONTACTED, "tg:1002")
    assert notify.notices(store, service.refresh(settings, kb)) == [], "nothing new, nothing said"
    fake.publish("A5001", FakeWork("holt-2025a", "Speech Corpora for Seto", 2025, ["Oskar Lind"],
                                   "We record two hundred hours of Seto speech."))
    [result] = service.refresh(settings, kb, "maren-holt")
    assert [w.title for w in result.added] == ["Speech Corpora for Seto"]
    assert "Speech Corpora for Seto" in holt_papers(kb, "maren-holt")
    [notice] = notify.notices(store, [result])
    assert notice.owner == "tg:1002"
    assert notice.text == "Maren Holt has a new paper, “Speech Corpora for Seto”: a fresh reason to follow up"


def test_no_source_configured_is_a_clear_message(tmp_path):
    settings = make_settings(tmp_path)
    with pytest.raises(service.NoSourceError, match="RECRUITBOT_SOURCES__OPENALEX_URL"):
        service.search_people(settings, "Maren Holt")
    with pytest.raises(ValueError, match="source:id"):
        service.parse_ref("A5001")
    assert service.parse_ref(HOLT_ORCID) == ("orcid", HOLT_ORCID)


def test_forgetting_an_imported_person_leaves_no_trace(env, tmp_path):
    from bot.assistant.drafting import Company
    from bot.assistant.service import Assistant
    from bot.pipeline.erase import forget_candidate, needles
    from bot.pipeline.traces import find_traces

    settings, kb = env
    service.import_person(settings, kb, "openalex:A5001")
    store = PipelineStore(f"sqlite:///{tmp_path / 'pipeline.sqlite3'}")
    store.set_stage("maren-holt", Stage.SOURCED, "tg:1")
    assistant = Assistant(kb, Company.load(settings.knowledge.company_dir))
    forget_candidate(assistant, store, "maren-holt", "tg:1", settings.data_dir)
    assert find_traces(needles("maren-holt", ["Maren Holt", "M. Holt"]), kb=kb, store=store,
                       folders=[settings.data_dir]) == {}
    assert records.imported(settings.data_dir) == [] and service.refresh(settings, kb) == []
