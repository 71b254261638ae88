"""Roles, grants, one refusal per stranger, and the sliding-window rate limit."""

from __future__ import annotations

from telegram import Message

from bot.settings import TelegramSettings
from bot.telegram.access import AccessControl, RateLimiter, Role, addressed_to_bot
from tests.fakes.telegram_api import FakeTelegramAPI


def test_roles_come_from_settings_and_grants_and_settings_admins_win():
    access = AccessControl(TelegramSettings(admins=[1], recruiters=[2]))
    bot_data: dict = {}
    assert (access.role(bot_data, 1), access.role(bot_data, 2), access.role(bot_data, 3)) == (
        Role.ADMIN, Role.RECRUITER, None)
    access.grant(bot_data, 3, Role.ADMIN)
    access.grant(bot_data, 1, Role.RECRUITER)
    assert access.role(bot_data, 3) == Role.ADMIN and access.role(bot_data, 1) == Role.ADMIN
    assert access.admins(bot_data) == {1, 3}


def test_a_stranger_is_refused_once_ever_until_granted():
    access = AccessControl(TelegramSettings())
    bot_data: dict = {}
    assert [access.first_refusal(bot_data, 9) for _ in range(3)] == [True, False, False]
    access.grant(bot_data, 9, Role.RECRUITER)
    assert access.role(bot_data, 9) == Role.RECRUITER and 9 not in bot_data["refused_users"]


def test_the_rate_limit_is_a_sliding_window_that_warns_once():
    now = [0.0]
    limiter = RateLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.allow(1) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow(2), "users are counted apart"
    assert [limiter.should_warn(1), limiter.should_warn(1)] == [True, False]
    now[0] = 59.0
    assert not limiter.allow(1)
    now[0] = 60.0
    assert limiter.allow(1) and limiter.should_warn(1), "a new window may warn again"


def test_in_groups_only_commands_mentions_and_replies_to_the_bot_count_as_addressed():
    api = FakeTelegramAPI()

    def message(text: str) -> Message:
        return Message.de_json(api.text_update(5, text, chat_id=-100)["message"], None)

    assert addressed_to_bot(message("/ask@recruit_test_bot hi"), "recruit_test_bot")
    assert addressed_to_bot(message("hey @Recruit_Test_Bot who is it?"), "recruit_test_bot")
    assert not addressed_to_bot(message("hey @someone_else"), "recruit_test_bot")
    assert not addressed_to_bot(message("just chatting about /ask"), "recruit_test_bot")
