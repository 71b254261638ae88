"""The sources' pure parts: retries and messages, identity signals, merged-profile flags, papers from works."""

from __future__ import annotations

import pytest
import requests

from bot.settings import SourcesSettings
from bot.sources import identity, records
from bot.sources.calls import SourceError, call
from bot.sources.models import PersonMatch, Work


def http_error(status: int, retry_after: str | None = None) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return requests.HTTPError(response=response)


def scripted(*outcomes):
    queue = list(outcomes)

    def fn():
        outcome = queue.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return fn


def test_call_waits_retry_after_then_succeeds_and_says_so():
    waits, notes = [], []
    fn = scripted(http_error(429, "3"), http_error(503, "Wed, 21 Oct 2026 07:28:00 GMT"), "ok")
    assert call("openalex", fn, SourcesSettings(max_retries=2), notes=notes, sleep=waits.append) == "ok"
    assert waits == [3.0, 2.0], "a date in Retry-After falls back to exponential backoff"
    assert notes[0] == "OpenAlex answered 429; waited 3 s and retried."


@pytest.mark.parametrize("error, message", [
    (http_error(404), "OpenAlex: has no such record (404)"),
    (http_error(401), "OpenAlex: refused the request (401): check the API key or token in the settings"),
    (KeyError("results"), "OpenAlex: answered in a shape recruitbot does not understand (KeyError: 'results')"),
    (requests.ConnectionError("refused"), "OpenAlex: is unreachable at http://127.0.0.1:9 (ConnectionError); "
                                           "nothing was changed"),
])
def test_call_turns_each_failure_into_one_sentence(error, message):
    with pytest.raises(SourceError) as raised:
        call("openalex", scripted(error), SourcesSettings(), url="http://127.0.0.1:9", sleep=lambda s: None)
    assert str(raised.value) == message


def test_retry_after_longer_than_allowed_is_not_waited():
    waits = []
    with pytest.raises(SourceError, match="asks to wait 120 s"):
        call("dblp", scripted(http_error(429, "120")), SourcesSettings(max_wait_s=30), sleep=waits.append)
    assert waits == []


def work(key, year, coauthors, field="Computer Science"):
    return Work(source="openalex", id=key, title=f"Paper {key}", authors=["Kai Berg", *coauthors],
                person_index=0, year=year, fields=[field])


def test_signals_raise_confidence_and_disjoint_fields_flag_a_merge():
    clean = PersonMatch(source="openalex", id="A1", name="Kai Berg", orcid="0000-0001-2345-6789",
                        affiliation="KTH", works=[work("a", 2020, ["Rico Sennrich"]), work("b", 2021, ["Ola Nord"])])
    assessed = identity.assess(clean, "Kai Berg", {"rico sennrich": "rico-sennrich"}, per_year=60)
    assert assessed.confidence == "high" and assessed.flags == []
    assert "1 co-author already in the knowledge base: Rico Sennrich" in assessed.reasons
    merged = PersonMatch(source="openalex", id="A2", name="K. Berg", works=[
        *(work(f"c{i}", 2019, ["Ola Nord"]) for i in range(3)),
        *(work(f"m{i}", 2019, ["Siv Dahl"], "Medicine") for i in range(3))])
    assessed = identity.assess(merged, "Kai Berg", {}, per_year=60)
    assert assessed.confidence == "low" and "the name only resembles" in assessed.reasons[0]
    assert assessed.flags == ["papers in Computer Science (3) and Medicine (3) share no co-author: possibly two people"]
    busy = PersonMatch(source="openalex", id="A3", name="Kai Berg", works=[work(f"x{i}", 2022, []) for i in range(5)])
    assert identity.merged_flags(busy, busy.works, per_year=4)[0].startswith("5 papers in 2022")


def test_a_paper_names_the_person_and_never_merges_a_namesake_coauthor():
    listed = Work(source="s2", id="p1", title="T", authors=["Ana Ruiz", "Rico Sennrich"], person_index=0, year=2020)
    paper = records.to_paper(listed, "ana-ruiz", "Ana Ruiz", taken={"rico-sennrich"})
    assert paper.id == "s2:p1" and paper.author_ids[0] == "ana-ruiz"
    assert paper.author_ids[1].startswith("rico-sennrich~") and "ana-ruiz" not in paper.author_ids[1]
    unplaced = Work(source="arxiv", id="2101.1", title="T", authors=["A. Ruiz-Gomez"], year=2021)
    paper = records.to_paper(unplaced, "ana-ruiz", "Ana Ruiz", taken=set())
    assert paper.authors == ["A. Ruiz-Gomez", "Ana Ruiz"] and paper.author_ids == ["a-ruiz-gomez", "ana-ruiz"]
