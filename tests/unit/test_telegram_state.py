"""What a chat remembers: the conversation as plain data, the turn recorded once, short keys for buttons."""

from __future__ import annotations

import pickle

from bot.assistant.protocol import Conversation
from bot.models import Answer, Citation, Draft, Paper
from bot.telegram.errors import is_refusal, reason
from bot.telegram.state import (
    MAX_REFS,
    deref,
    load_citations,
    load_conversation,
    record_answer,
    ref,
    save_citations,
    save_conversation,
)


def test_a_conversation_round_trips_through_pickle_as_plain_data():
    chat_data: dict = {}
    conversation = Conversation(candidate_id="a-b", draft=Draft(candidate_id="a-b", body="Hi"))
    conversation.remember("user", "q")
    save_conversation(chat_data, conversation)
    restored = pickle.loads(pickle.dumps(chat_data))
    assert isinstance(restored["conversation"], dict)
    assert load_conversation(restored) == conversation


def test_a_stored_conversation_that_no_longer_validates_starts_afresh():
    assert load_conversation({"conversation": {"draft": "not a draft"}}) == Conversation()
    assert load_citations({"citations": [{"nonsense": 1}]}) == []


def test_the_turn_is_recorded_once_even_when_the_assistant_recorded_it_too():
    answer = Answer(text="A.", candidate_ids=["a-b"], citations=[Citation(paper=Paper(id="p1", title="T"))])
    conversation = Conversation()
    conversation.remember("user", "q")  # what bot.assistant.service does on the object it is given
    conversation.remember("assistant", "A.")
    record_answer(conversation, "q", answer)
    assert conversation.history == [("user", "q"), ("assistant", "A.")]
    assert conversation.candidate_id == "a-b" and conversation.last_paper_ids == ["p1"]
    record_answer(conversation, "q2", Answer(text="B.", candidate_ids=["x", "y"]))
    assert conversation.candidate_id == "a-b", "an answer about several people changes nobody's context"
    assert conversation.history[-2:] == [("user", "q2"), ("assistant", "B.")]


def test_citations_are_kept_for_sources():
    chat_data: dict = {}
    citations = [Citation(paper=Paper(id="p1", title="T", url="https://e.org"), snippet="s")]
    save_citations(chat_data, citations)
    assert load_citations(pickle.loads(pickle.dumps(chat_data))) == citations


def test_refs_fit_in_callback_data_and_old_ones_are_dropped_first():
    chat_data: dict = {}
    key = ref(chat_data, "someone-with-a-very-long-person-id-" * 3)
    assert len(key) <= 20 and deref(chat_data, key).startswith("someone")
    for n in range(MAX_REFS):
        ref(chat_data, f"id-{n}")
    assert deref(chat_data, key) is None and deref(chat_data, ref(chat_data, "id-0")) == "id-0"


def test_only_deliberate_refusals_reach_the_user_with_their_reason():
    assert is_refusal(ValueError("This file is not a readable PDF."))
    assert is_refusal(LookupError("no single candidate matches 'X'"))
    assert not is_refusal(KeyError("yang-feng")) and not is_refusal(IndexError(0))
    assert reason(ValueError("x" * 1000)) == "the file or request could not be read"
