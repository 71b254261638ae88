"""A recruiter's question over the real PTB Application and a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import json
import time

from bot.telegram.welcome import ADMIN_COMMANDS, COMMANDS
from tests.fakes.telegram_api import ADMIN_ID, RECRUITER_ID, bot_settings, running_bot
from tests.fakes.telegram_html import button, buttons, links

QUESTION = "Which papers has Yang Feng written on simultaneous translation?"


async def test_a_question_is_answered_with_numbered_references_that_link_to_papers(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.push_text(RECRUITER_ID, QUESTION)
        [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))

    assert "[1]" in reply["text"]
    urls = links(reply)
    assert urls and all(url.startswith("http") for url in urls)


class SlowAnswers:
    """Any assistant, taking its time to answer."""

    streams = False

    def __init__(self, inner, seconds: float) -> None:
        self.inner, self.seconds = inner, seconds

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def ask(self, question, conversation=None):
        time.sleep(self.seconds)  # called in a worker thread, as the real one is
        return self.inner.ask(question, conversation)


async def test_long_work_shows_typing_until_the_answer_arrives(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), SlowAnswers(telegram_assistant, 1.0)):
        api.push_text(RECRUITER_ID, QUESTION)
        await api.wait_for(lambda: api.sent_to(RECRUITER_ID))

    methods = [c.method for c in api.calls if c.params.get("chat_id") == RECRUITER_ID]
    assert methods == ["sendChatAction", "sendMessage"], "typing shows while the answer is worked out, not after"


async def test_sources_lists_the_last_answers_references_with_links(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.push_text(RECRUITER_ID, QUESTION)
        [answer] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
        api.push_text(RECRUITER_ID, "/sources")
        sources = (await api.wait_for(lambda: api.sent_to(RECRUITER_ID)[1:]))[0]
        assert sources["text"].startswith("Sources")
        assert set(links(sources)) <= set(links(answer)) and links(sources)
        if any("Next" in label for label, _ in buttons(sources)):
            api.push_callback(RECRUITER_ID, sources, button(sources, "Next"))
            await api.wait_for(lambda: sources.get("edit_date"))
            assert "[6]" in sources["text"]


async def test_the_command_menu_is_registered_and_admins_also_see_admin_commands(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        pass

    everyone = api.commands[json.dumps({"type": "default"})]
    admin = api.commands[json.dumps({"chat_id": ADMIN_ID, "type": "chat"}, sort_keys=True)]
    assert [c["command"] for c in everyone] == [c.command for c in COMMANDS]
    assert {"forget", "allow"} <= {c["command"] for c in admin}
    assert len(admin) == len(ADMIN_COMMANDS)
