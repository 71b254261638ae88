"""Strangers get one polite refusal and nothing about the knowledge base; groups need to be allowed."""

from __future__ import annotations

import re


from bot.telegram.access import REFUSAL
from tests.fakes.assistant import Recorder, make_pdf
from tests.fakes.telegram_api import RECRUITER_ID, STRANGER_ID, bot_settings, running_bot

ALLOWED_GROUP, OTHER_GROUP = -1001234, -1009999
QUESTION = "Which papers has Yang Feng written on simultaneous translation?"


async def test_a_stranger_is_refused_once_and_learns_nothing_about_candidates(api, telegram_assistant, tmp_path):
    assistant = Recorder(telegram_assistant)
    names = [c.name for c in [assistant.candidate("Yang Feng")] if c]
    assistant.calls.clear()
    async with running_bot(bot_settings(api, tmp_path), assistant):
        for text in ("/start", "Which papers has Yang Feng written?", "/candidate Yang Feng", "/find translation",
                     "/papers Yang Feng", "/draft Yang Feng", "/allow 6666 admin", "/forget Yang Feng"):
            api.push_text(STRANGER_ID, text)
        api.push_document(STRANGER_ID, make_pdf("A paper"), "paper.pdf", "application/pdf", "Yang Feng")
        api.push_text(RECRUITER_ID, "/start")  # a known user's update (not the assistant's), to know the stranger's are all processed
        await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
        refusal_message = api.sent_to(STRANGER_ID)[0]
        api.push_callback(STRANGER_ID, refusal_message, "src:1")
        api.push_text(RECRUITER_ID, "/start")
        await api.wait_for(lambda: len(api.sent_to(RECRUITER_ID)) == 2)

    replies = [c.params for c in api.calls
               if c.params.get("chat_id") == STRANGER_ID or c.method == "answerCallbackQuery"]
    assert [r.get("text") for r in replies] == [REFUSAL]
    assert not any(name in REFUSAL for name in names) and not re.search(r"\d", REFUSAL)
    assert assistant.calls == [], "a stranger's messages never reach the assistant"
    assert not api.calls_to("getFile"), "a stranger's file is not even downloaded"


async def test_groups_are_answered_only_when_allowed_and_addressed(api, telegram_assistant, tmp_path):
    settings = bot_settings(api, tmp_path, allowed_groups=[ALLOWED_GROUP])
    async with running_bot(settings, telegram_assistant):
        api.push_text(RECRUITER_ID, "/candidate Yang Feng", chat_id=OTHER_GROUP)
        api.push_text(RECRUITER_ID, "Which papers has Yang Feng written on dialogue?", chat_id=ALLOWED_GROUP)
        api.push_text(RECRUITER_ID, f"@recruit_test_bot {QUESTION}", chat_id=ALLOWED_GROUP)
        api.push_text(RECRUITER_ID, "/candidate@recruit_test_bot Yang Feng", chat_id=ALLOWED_GROUP)
        api.push_text(RECRUITER_ID, "/help@recruit_test_bot", chat_id=ALLOWED_GROUP)
        # One chat's updates are handled in order, so /help's reply comes last.
        await api.wait_for(lambda: "/ask" in (api.sent_to(ALLOWED_GROUP) or [{"text": ""}])[-1]["text"])
        api.push_text(RECRUITER_ID, "/start")
        await api.wait_for(lambda: api.sent_to(RECRUITER_ID))

    answer, dossier, _help = api.sent_to(ALLOWED_GROUP)
    assert "Yang Feng" in answer["text"] and "[1]" in answer["text"]
    assert dossier["text"].startswith("Yang Feng")
    assert api.sent_to(OTHER_GROUP) == []
