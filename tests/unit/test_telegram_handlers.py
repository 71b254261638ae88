"""Handlers through ``app.process_update`` with an in-process Bot API: no socket is opened."""

from __future__ import annotations

import logging

import pytest
from telegram import Update

from bot.assistant.protocol import NOT_FOUND_PHRASE
from bot.models import Answer
from bot.telegram.access import ADMINS_ONLY, GRANTS, THROTTLED
from bot.telegram.app import build_application
from bot.telegram.errors import SOMETHING_WENT_WRONG
from bot.telegram.privacy import CANNOT_FORGET
from bot.telegram.welcome import UNKNOWN_COMMAND
from tests.fakes.assistant import build_test_assistant
from tests.fakes.telegram_api import ADMIN_ID, RECRUITER_ID, FakeTelegramAPI, OfflineRequest, bot_settings
from tests.fakes.telegram_html import button, buttons, links


class Bot:
    """The application, the fake API behind it and the assistant, with helpers to feed updates."""

    def __init__(self, app, api: FakeTelegramAPI, assistant) -> None:
        self.app, self.api, self.assistant = app, api, assistant

    async def say(self, text: str, user: int = RECRUITER_ID, chat: int | None = None) -> list[dict]:
        before = len(self.api.sent)
        await self.app.process_update(Update.de_json(self.api.text_update(user, text, chat), self.app.bot))
        return self.api.sent[before:]

    async def press(self, message: dict, label: str, user: int = RECRUITER_ID) -> list[dict]:
        before = len(self.api.sent)
        update = self.api.push_callback(user, message, button(message, label))
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.api.sent[before:]


async def _bot(tmp_path, assistant=None, **telegram):
    api = FakeTelegramAPI()
    assistant = assistant or build_test_assistant()
    app = build_application(bot_settings(api, tmp_path, **telegram), assistant, request=OfflineRequest(api))
    await app.initialize()
    return Bot(app, api, assistant)


@pytest.fixture
async def bot(tmp_path):
    b = await _bot(tmp_path)
    yield b
    await b.app.shutdown()


async def test_a_dossier_offers_the_papers_which_page_in_place(bot):
    [dossier] = await bot.say("/candidate Yang Feng")
    lines = dossier["text"].splitlines()
    assert lines[0] == "Yang Feng" and "Papers in the knowledge base: 49" in lines
    assert any(line.startswith("Frequent co-authors: ") for line in lines)
    [papers] = await bot.press(dossier, "Papers")
    assert papers["text"].startswith("Papers of Yang Feng (49, page 1/7)") and len(links(papers)) == 8
    first_page = papers["text"]
    assert await bot.press(papers, "Next") == []
    assert "page 2/7" in papers["text"] and papers["text"] != first_page
    assert await bot.press(papers, "2/7") == [], "pressing the current page changes nothing and is no error"


async def test_papers_without_a_name_are_those_of_the_current_candidate(bot):
    await bot.say("Which papers has Yang Feng written on dialogue?")
    [papers] = await bot.say("/papers")
    assert papers["text"].startswith("Papers of Yang Feng")


async def test_find_ranks_candidates_with_evidence_and_buttons_to_their_dossiers(bot):
    [hits] = await bot.say("/find simultaneous speech translation")
    assert hits["text"].startswith("Candidates for “simultaneous speech translation”")
    assert "1. " in hits["text"] and links(hits)
    name = buttons(hits)[0][0]
    [dossier] = await bot.press(hits, name)
    assert dossier["text"].startswith(name)


async def test_an_ambiguous_name_offers_a_choice_and_the_pick_answers_about_that_person(bot):
    [answer] = await bot.say("Which papers has Huang written on dialogue?")
    labels = [label for label, _ in buttons(answer)]
    assert any("Minlie Huang" in label for label in labels) and any("Shujian Huang" in label for label in labels)
    [picked] = await bot.press(answer, "Minlie Huang")
    assert picked["text"].startswith("Minlie Huang") and links(picked)
    assert buttons(answer) == [], "the choice is taken away once made"


async def test_cancel_says_so_when_there_is_no_draft(bot):
    [reply] = await bot.say("/cancel")
    assert "no draft" in reply["text"]


async def test_only_admins_can_allow_users_and_grants_are_kept_in_bot_data(bot):
    [refused] = await bot.say("/allow 77 admin")
    assert refused["text"] == ADMINS_ONLY and 77 not in bot.app.bot_data.get(GRANTS, {})
    [granted] = await bot.say("/allow 77 admin", user=ADMIN_ID)
    assert "77" in granted["text"] and bot.app.bot_data[GRANTS][77] == "admin"
    [usage] = await bot.say("/allow seventy-seven", user=ADMIN_ID)
    assert "Usage" in usage["text"]


async def test_forget_asks_first_then_forgets_and_clears_the_chats_that_were_about_them(bot):
    await bot.say("/candidate Yang Feng")  # the recruiter's chat is now about Yang Feng
    [confirm] = await bot.say("/forget Yang Feng", user=ADMIN_ID)
    assert bot.assistant.candidate("yang-feng") is not None, "nothing is forgotten before the button"
    await bot.press(confirm, "Forget Yang Feng", user=ADMIN_ID)
    assert bot.assistant.candidate("yang-feng") is None
    assert bot.app.chat_data[RECRUITER_ID]["conversation"]["candidate_id"] is None
    assert confirm["text"] == "Forgotten."


async def test_forget_tells_the_admin_what_the_database_server_still_keeps(bot):
    pipeline = bot.app.pipeline
    forget = pipeline.forget

    def forget_on_a_server_that_recycles(*args, **kwargs):  # what PostgreSQL with wal_recycle=on reports
        counts = forget(*args, **kwargs)
        pipeline.residue = ["PostgreSQL keeps old WAL segments (wal_recycle=on): set wal_recycle=off"]
        return counts

    pipeline.forget = forget_on_a_server_that_recycles
    [confirm] = await bot.say("/forget Yang Feng", user=ADMIN_ID)
    await bot.press(confirm, "Forget Yang Feng", user=ADMIN_ID)
    assert bot.assistant.candidate("yang-feng") is None
    assert confirm["text"].startswith("Forgotten here, but") and "set wal_recycle=off" in confirm["text"]


async def test_forget_says_when_the_assistant_cannot(tmp_path):
    class NoForget:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            if name == "forget":
                raise AttributeError(name)
            return getattr(self.inner, name)

    bot = await _bot(tmp_path, NoForget(build_test_assistant()))
    [reply] = await bot.say("/forget Yang Feng", user=ADMIN_ID)
    assert reply["text"] == CANNOT_FORGET
    await bot.app.shutdown()


async def test_an_error_is_logged_with_its_traceback_and_the_user_gets_a_plain_sentence(tmp_path, caplog):
    class Broken:
        def ask(self, question, conversation=None):
            raise RuntimeError("index at /secret/path is corrupt")

    bot = await _bot(tmp_path, Broken())
    with caplog.at_level(logging.ERROR, logger="bot.telegram.errors"):
        [reply] = await bot.say("Which papers has Yang Feng written?")
    assert reply["text"] == SOMETHING_WENT_WRONG
    [record] = [r for r in caplog.records if r.name == "bot.telegram.errors"]
    assert record.exc_info and "secret" not in record.getMessage()
    await bot.app.shutdown()


async def test_a_user_over_the_rate_limit_is_told_once_then_ignored(tmp_path):
    bot = await _bot(tmp_path, rate_limit_per_minute=2)
    replies = [await bot.say("/help") for _ in range(5)]
    assert [len(r) for r in replies] == [1, 1, 1, 0, 0]
    assert replies[2][0]["text"] == THROTTLED
    await bot.app.shutdown()


async def test_an_unknown_command_points_to_help(bot):
    [reply] = await bot.say("/frobnicate")
    assert reply["text"] == UNKNOWN_COMMAND


async def test_a_stream_that_ends_without_a_final_answer_still_shows_its_text(tmp_path):
    class Unfinished:
        streams = True

        async def stream_ask(self, question, conversation=None):
            yield "Partial <text> "
            yield "& more"

    bot = await _bot(tmp_path, Unfinished())
    [reply] = await bot.say("Which papers has Yang Feng written?")
    assert reply["text"] == "Partial <text> & more"
    await bot.app.shutdown()


async def test_an_empty_answer_says_nothing_was_found_rather_than_staying_silent(tmp_path):
    class Empty:
        def ask(self, question, conversation=None):
            return Answer(text="")

    bot = await _bot(tmp_path, Empty())
    [reply] = await bot.say("Anything?")
    assert reply["text"] == NOT_FOUND_PHRASE
    await bot.app.shutdown()
