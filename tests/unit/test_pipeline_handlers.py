"""Pipeline handlers through ``app.process_update`` with the in-process Bot API and the assistant double."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.pipeline import audit
from bot.pipeline.models import Stage
from bot.telegram.access import ADMINS_ONLY
from bot.telegram.app import build_application
from bot.telegram.followups import NOTHING_DUE
from bot.telegram.pipeline import EMPTY_PIPELINE, UNKNOWN_CANDIDATE
from tests.fakes.assistant import build_test_assistant
from tests.fakes.telegram_api import ADMIN_ID, RECRUITER_ID, FakeTelegramAPI, OfflineRequest, bot_settings


@pytest.fixture
async def bot(tmp_path):
    api = FakeTelegramAPI()
    app = build_application(bot_settings(api, tmp_path), build_test_assistant(), request=OfflineRequest(api))
    await app.initialize()

    async def say(text: str, user: int = RECRUITER_ID) -> list[dict]:
        before = len(api.sent)
        await app.process_update(Update.de_json(api.text_update(user, text), app.bot))
        return api.sent[before:]

    yield app, say
    await app.shutdown()


async def test_usage_and_unknown_names_get_plain_answers(bot):
    app, say = bot
    assert "Usage" in (await say("/stage Yang Feng"))[0]["text"]
    assert (await say("/stage Nobody Known sourced"))[0]["text"] == UNKNOWN_CANDIDATE
    assert (await say("/note Yang Feng"))[0]["text"].startswith("Usage: /note NAME: TEXT")
    assert (await say("/followups"))[0]["text"].startswith(NOTHING_DUE[:10])
    assert (await say("/pipeline"))[0]["text"].startswith(EMPTY_PIPELINE.split("<")[0])
    assert "Usage" in (await say("/campaign"))[0]["text"]


async def test_stage_and_note_change_the_store_and_are_audited_by_hash(bot):
    app, say = bot
    [reply] = await say("/stage Yang Feng do not contact")
    assert "do-not-contact" in reply["text"]
    [reply] = await say("/note Yang Feng met at EMNLP")
    assert "Note kept" in reply["text"]
    await say("/candidate Yang Feng")
    assert app.pipeline.stage_of("yang-feng") is Stage.DO_NOT_CONTACT
    assert [n.text for n in app.pipeline.notes("yang-feng")] == ["met at EMNLP"]
    actions = [(e.action, e.actor) for e in app.pipeline.audit_events("yang-feng")]
    assert actions == [(audit.STAGE, "tg:1002"), (audit.NOTE, "tg:1002"), (audit.LOOKUP, "tg:1002")]


async def test_only_admins_forget_and_a_do_not_contact_draft_is_refused(bot):
    app, say = bot
    assert (await say("/forget Yang Feng"))[0]["text"] == ADMINS_ONLY
    await say("/stage Yang Feng dnc")
    [refused] = await say("/draft Yang Feng")
    assert "do-not-contact" in refused["text"] and "reply_markup" not in refused
    [asked] = await say("/forget Yang Feng", user=ADMIN_ID)
    assert "notes, drafts, stages and reminders" in asked["text"]
