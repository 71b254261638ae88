"""Pipeline pieces without a network: chat-state scrubbing, charts, argument parsing, campaign planning."""

from __future__ import annotations

import pytest

from bot.assistant.protocol import Conversation
from bot.models import Citation, Draft, Paper
from bot.pipeline.campaign import SKIP_AMBIGUOUS, SKIP_DO_NOT_CONTACT, fabricated_titles, plan_campaign, quoted_titles
from bot.pipeline.charts import PNG_SIGNATURE, funnel_chart, papers_by_year_and_topic, timeline_chart
from bot.pipeline.erase import mentions, needles, scrub_chat_data
from bot.pipeline.models import FUNNEL, Stage
from bot.pipeline.store import PipelineStore
from bot.telegram.campaign import DEFAULT_SIZE, parse_campaign_args
from bot.telegram.pipeline import parse_stage_args, split_name
from tests.fakes.assistant import build_test_assistant


@pytest.fixture
def store(tmp_path):
    s = PipelineStore(f"sqlite:///{tmp_path / 'pipeline.sqlite3'}")
    yield s
    s.close()


def test_scrubbing_a_chat_keeps_what_is_not_about_the_candidate():
    other = Draft(candidate_id="rico-sennrich", body="Hi Rico")
    mine = Draft(candidate_id="yang-feng", body="Hi Yang")
    conversation = Conversation(candidate_id="yang-feng", history=[("user", "Papers of Yang Feng?"), ("user", "hi")],
                                draft=mine, approved=[other, mine])
    paper = Paper(id="p1", title="T", authors=["Yang Feng", "Rico Sennrich"], author_ids=["yang-feng", "rico-sennrich"])
    chat = {"conversation": conversation.model_dump(), "refs": {"k1": "yang-feng", "k2": "rico-sennrich"},
            "citations": [Citation(paper=paper).model_dump()], "pending_question": "What about Yang Feng?",
            "campaign": {"id": "ab", "items": [{"index": 0, "draft": mine.model_dump()},
                                               {"index": 1, "draft": other.model_dump()}]}}
    words = needles("yang-feng", ["Yang Feng"])
    assert scrub_chat_data(chat, words) and not mentions(chat, words)
    kept = Conversation.model_validate(chat["conversation"])
    assert kept.candidate_id is None and kept.draft is None and kept.approved == [other]
    assert kept.history == [("user", "hi")]
    assert chat["refs"] == {"k2": "rico-sennrich"} and chat["citations"] == []
    assert "pending_question" not in chat and [i["index"] for i in chat["campaign"]["items"]] == [1]
    assert not scrub_chat_data(chat, words), "nothing left to change"


def test_short_names_are_not_searched_for():
    assert needles("li-3", ["Li", "Wei Li"]) == ["li-3", "wei li"]


def test_the_funnel_and_the_timeline_are_png_pictures():
    funnel = list(zip(FUNNEL, [5, 3, 2, 1, 0, 0]))
    assert funnel_chart(funnel, {Stage.DECLINED: 1}).startswith(PNG_SIGNATURE)
    papers = [Paper(id=str(i), title=f"P{i}", year=2018 + i % 3, topics=[["mt", "dialogue"][i % 2]]) for i in range(7)]
    years, topics, counts = papers_by_year_and_topic(papers + [Paper(id="x", title="undated")])
    assert years == [2018, 2019, 2020] and set(topics) == {"mt", "dialogue"}
    assert sum(map(sum, counts.values())) == 7
    assert timeline_chart("Someone", papers).startswith(PNG_SIGNATURE)
    assert timeline_chart("Nobody", []).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("words, expected", [
    (["Yang", "Feng", "contacted"], ("Yang Feng", Stage.CONTACTED)),
    (["Yang", "Feng", "do", "not", "contact"], ("Yang Feng", Stage.DO_NOT_CONTACT)),
    (["yang-feng", "do-not-contact"], ("yang-feng", Stage.DO_NOT_CONTACT)),
    (["Yang", "Feng", "hired"], None),
    (["contacted"], None),
])
def test_stage_arguments_end_with_the_stage(words, expected):
    assert parse_stage_args(words) == expected


@pytest.mark.parametrize("text, expected", [
    ('"simultaneous translation" 3', ("simultaneous translation", 3)),
    ("“dialogue systems” 12", ("dialogue systems", 10)),
    ("dialogue systems 2", ("dialogue systems", 2)),
    ("dialogue", ("dialogue", DEFAULT_SIZE)),
    ("", None),
])
def test_campaign_arguments_are_a_topic_and_a_bounded_size(text, expected):
    assert parse_campaign_args(text, limit=10) == expected


def test_a_note_is_split_after_the_longest_exact_name():
    assistant = build_test_assistant()
    candidate, rest = split_name(assistant, "Yang Feng prefers Tuesdays")
    assert candidate.id == "yang-feng" and rest == "prefers Tuesdays"
    candidate, rest = split_name(assistant, "Yang Feng: prefers: Tuesdays")
    assert candidate.id == "yang-feng" and rest == "prefers: Tuesdays"
    assert split_name(assistant, "Nobody Known here")[0] is None


def test_quoted_titles_are_checked_against_the_candidates_papers():
    paper = Paper(id="p", title="Simultaneous Translation with Flexible Policy", abstract="A simple “wait-k” policy.")
    draft = Draft(candidate_id="x", body="I read “Simultaneous Translation with Flexible Policy”, where a “wait-k” "
                                         "policy … and « Un autre article inventé »")
    assert quoted_titles(draft.body) == ["Simultaneous Translation with Flexible Policy", "wait-k",
                                         "Un autre article inventé"]
    assert fabricated_titles(draft, [paper]) == ["Un autre article inventé"]
    assert fabricated_titles(Draft(candidate_id="x", body="a “made-up” term"), [paper]) == ["made-up"]


def test_a_campaign_skips_do_not_contact_and_ambiguous_candidates(store):
    assistant = build_test_assistant()
    first = assistant.find("simultaneous translation", k=4)
    store.set_stage(first[0].candidate.id, Stage.DO_NOT_CONTACT, "tg:1")
    assistant.candidates[first[1].candidate.id].ambiguous = True
    campaign = plan_campaign(assistant, store, "simultaneous translation", 3, cooldown_days=90, actor="tg:1")
    assert len(campaign.items) == 3
    assert {c.candidate.id for c in campaign.items}.isdisjoint({first[0].candidate.id, first[1].candidate.id})
    assert dict(campaign.skipped) == {first[0].candidate.id: SKIP_DO_NOT_CONTACT,
                                      first[1].candidate.id: SKIP_AMBIGUOUS}
    for item in campaign.items:
        assert item.draft.candidate_id == item.candidate.id and item.evidence
        assert fabricated_titles(item.draft, assistant.papers_of(item.candidate.id)) == []
