"""A 429 Too Many Requests from Telegram is honoured: wait retry_after, then send once more."""

from __future__ import annotations


from bot.telegram.errors import SOMETHING_WENT_WRONG
from tests.fakes.telegram_api import RECRUITER_ID, bot_settings, running_bot


async def test_a_429_is_waited_out_and_the_answer_still_arrives_once(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.fail_next("sendMessage", 429, retry_after=1)
        api.push_text(RECRUITER_ID, "Which papers has Yang Feng written on simultaneous translation?")
        [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID), timeout=10)

    refused, accepted = api.calls_to("sendMessage")
    assert accepted.at - refused.at >= 0.95, "the bot waited as long as Telegram asked"
    assert "[1]" in reply["text"] and SOMETHING_WENT_WRONG not in reply["text"]
    assert len(api.sent_to(RECRUITER_ID)) == 1
