"""'add NAME' in the chat: the sources' people are listed with what tells them apart, a typed number imports
one, and the conversation can ask about them at once. The real clients talk to fake sources on 127.0.0.1."""

from __future__ import annotations

import pytest

from bot.assistant.protocol import Conversation
from tests.fakes.scholarly import FakeScholarly


@pytest.fixture
def fake():
    with FakeScholarly() as server:
        yield server


def test_add_in_the_chat_lists_namesakes_and_a_number_imports_one(fresh_assistant, fake):
    fresh_assistant.kb.settings.sources = fake.settings()
    conversation = Conversation()
    listed = fresh_assistant.ask("add a new candidate called Maren Holt", conversation)
    assert listed.status == "clarify" and len(listed.clarify) >= 2
    assert "University of Tartu" in listed.text and "University of Bergen" in listed.text
    tartu = 1 + next(i for i, line in enumerate(l for l in listed.text.splitlines() if l[:1].isdigit())
                     if "Tartu" in line)
    imported = fresh_assistant.ask(str(tartu), conversation)
    assert imported.status == "answered" and imported.candidate_ids == ["maren-holt"]
    answer = fresh_assistant.ask("Which of Maren Holt's papers is about a treebank?", conversation)
    assert answer.citations and all("maren-holt" in c.paper.author_ids for c in answer.citations)


def test_add_without_a_configured_source_says_how_to_turn_one_on(fresh_assistant):
    answer = fresh_assistant.ask("add Maren Holt")
    assert answer.status == "refused" and "RECRUITBOT_SOURCES__" in answer.text
