"""The whole story through the fake Bot API and the fake scholarly sources: /add a researcher by name, pick
between two namesakes with a button, ask about her papers, draft to her, and hear about her new paper."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.pipeline.models import Stage
from bot.telegram.add import CHOICES
from tests.fakes.scholarly import FakeScholarly
from tests.fakes.scholarly_world import FakeWork
from tests.fakes.telegram_api import RECRUITER_ID, FakeTelegramAPI, bot_settings, running_bot
from tests.fakes.telegram_html import button, buttons


@pytest.fixture
def fake():
    with FakeScholarly() as server:
        yield server


async def said(api: FakeTelegramAPI, text: str, count: int = 1) -> list[dict]:
    before = len(api.sent_to(RECRUITER_ID))
    api.push_text(RECRUITER_ID, text)
    await api.wait_for(lambda: len(api.sent_to(RECRUITER_ID)) >= before + count, timeout=60)
    return api.sent_to(RECRUITER_ID)[before:]


async def arrives(api: FakeTelegramAPI, words: str, timeout: float = 60) -> dict:
    found = await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if words in m.get("text", "")],
                               timeout=timeout)
    return found[-1]


async def test_add_pick_a_namesake_ask_draft_and_hear_of_a_new_paper(api, fresh_assistant, fake, tmp_path):
    settings = bot_settings(api, tmp_path / "bot")
    settings.sources = fake.settings(refresh_interval_s=0.5)
    async with running_bot(settings, fresh_assistant) as app:
        [choices] = await said(api, "/add Maren Holt")
        labels = [label for label, _ in buttons(choices)]
        assert labels[:2] == ["1. Maren Holt · University of Tartu · 4 papers",
                              "2. Maren Holt · University of Bergen · 2 papers"] and labels[2] == "None of them"
        assert "ORCID 0000-0002-1825-0097" in choices["text"] and "Kelp Forest" in choices["text"]
        api.push_callback(RECRUITER_ID, choices, button(choices, "University of Tartu"))
        done = await arrives(api, "✅")
        assert "Maren Holt (maren-holt): 4 new papers from OpenAlex" in done["text"]
        assert "no abstract" in done["text"] and CHOICES not in app.chat_data[RECRUITER_ID]
        assert [label for label, _ in buttons(api.sent_to(RECRUITER_ID)[-2])] == [], "the buttons are gone"

        answer = await asyncio.to_thread(fresh_assistant.ask, "Which of Maren Holt's papers is about a treebank?")
        assert "A Treebank of Spoken Estonian Dialogues" in [c.paper.title for c in answer.citations]
        assert all("maren-holt" in c.paper.author_ids for c in answer.citations)
        assert not any("Kelp" in c.paper.title for c in answer.citations), "never the namesake's papers"
        draft = await asyncio.to_thread(fresh_assistant.draft, "Maren Holt", channel="email")
        assert draft.candidate_id == "maren-holt" and draft.body and draft.cited_paper_ids
        assert all(p.startswith("openalex:") for p in draft.cited_paper_ids)

        app.pipeline.set_stage("maren-holt", Stage.CONTACTED, f"tg:{RECRUITER_ID}")
        fake.publish("A5001", FakeWork("holt-2025b", "Speech Recognition for Võro", 2025, ["Oskar Lind"],
                                       "An acoustic model for Võro trained on forty hours of speech."))
        notice = await arrives(api, "has a new paper")
    assert notice["text"] == ("📰 Maren Holt has a new paper, “Speech Recognition for Võro”: "
                              "a fresh reason to follow up")
    assert "Speech Recognition for Võro" in [p.title for p in fresh_assistant.papers_of("maren-holt")]


async def test_a_typed_number_picks_too_and_a_failing_source_says_so(api, fresh_assistant, fake, tmp_path, caplog):
    settings = bot_settings(api, tmp_path / "bot")
    settings.sources = fake.settings(refresh_interval_s=0)
    caplog.set_level(logging.INFO)
    async with running_bot(settings, fresh_assistant):
        await said(api, "/add Maren Holt")
        [done] = await said(api, "2")
        assert "(maren-holt): 2 new papers" in done["text"]
        fake.fail("openalex", 503, times=3)
        [failed] = await said(api, "/add Arne Falk")
        assert failed["text"] == "OpenAlex: answered HTTP 503" and not buttons(failed)
        [usage] = await said(api, "/add")
        assert usage["text"].startswith("Usage: /add NAME")
    logged = [r.getMessage() for r in caplog.records]
    assert any("Imported 2 new works" in m for m in logged), "the import is logged"
    assert not [m for m in logged if any(n in m.replace("+", " ").replace("%20", " ") for n in ("Holt", "Falk"))], \
        "no searched or imported name reaches the logs, from recruitbot or its clients"
