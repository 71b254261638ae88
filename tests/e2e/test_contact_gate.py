"""One gate for do-not-contact and the cool-down, inside Assistant.draft: every path to a draft passes it.

The paths: Assistant.draft, a free-text request through Assistant.ask, a campaign, the Telegram bot's free
text (through the fake Bot API) and /draft, and `recruitbot draft`.
"""

from __future__ import annotations

import datetime as dtm

import pytest

from bot.assistant.drafting import Company
from bot.assistant.gate import DoNotContactError
from bot.assistant.service import Assistant
from bot.pipeline.campaign import plan_campaign
from bot.pipeline.models import Stage
from bot.pipeline.outreach import DO_NOT_CONTACT
from bot.pipeline.store import PipelineStore
from bot.settings import PipelineSettings
from tests.fakes.telegram_api import RECRUITER_ID, FakeTelegramAPI, bot_settings, running_bot
from tests.fakes.telegram_html import buttons

IVAN = "ivan-vulic"


@pytest.fixture
def store(tmp_path):
    store = PipelineStore(f"sqlite:///{tmp_path / 'pipeline.db'}")
    yield store
    store.close()


@pytest.fixture
def gated(full_kb, store) -> Assistant:
    return Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir), pipeline=store)


def test_a_do_not_contact_candidate_gets_no_draft_by_name_or_in_free_text(gated, store):
    assert gated.draft(IVAN, channel="linkedin").body  # contactable first
    store.set_stage(IVAN, Stage.DO_NOT_CONTACT, "test")
    with pytest.raises(DoNotContactError):
        gated.draft(IVAN, channel="linkedin")
    answer = gated.ask("Draft a LinkedIn message to Ivan Vulić about our multilingual team")
    assert answer.text == DO_NOT_CONTACT.format(name="Ivan Vulić") and not answer.citations
    assert "Hi Ivan" not in answer.text


def test_a_second_first_contact_within_the_cool_down_warns_once(gated, store, full_kb):
    draft = gated.draft(IVAN)
    store.record_sent(draft, "tg:1", dtm.timedelta(days=7))
    again = gated.draft(IVAN)
    warnings = [w for w in again.warnings if "cool-down" in w]
    assert len(warnings) == 1 and "Ivan Vulić" in warnings[0]
    asked = gated.ask("Write an email to Ivan Vulić")
    assert any("cool-down" in w for w in asked.warnings)


def test_a_campaign_drafts_only_through_the_gate(gated, store):
    found = [h.candidate.id for h in gated.find("multilingual machine translation", k=6)]
    blocked = found[0]
    store.set_stage(blocked, Stage.DO_NOT_CONTACT, "test")
    campaign = plan_campaign(gated, store, "multilingual machine translation", 3, cooldown_days=90, actor="test")
    assert blocked not in [item.candidate.id for item in campaign.items] and len(campaign.items) == 3
    # the same gate holds when the campaign's own list is out of date (another store saw the change)
    other = PipelineStore(str(store.engine.url).replace("pipeline.db", "other.db"))
    try:
        with pytest.raises(DoNotContactError):
            plan_campaign(gated, other, "multilingual machine translation", 3, cooldown_days=90, actor="test")
    finally:
        other.close()


@pytest.fixture
async def telegram():
    async with FakeTelegramAPI() as server:
        yield server


async def test_free_text_in_telegram_is_refused_for_a_do_not_contact_candidate(telegram, full_kb, tmp_path):
    settings = bot_settings(telegram, tmp_path)
    settings.pipeline = PipelineSettings()
    store = PipelineStore.from_settings(settings)  # the bot's own database, as build_assistant would share it
    assistant = Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir), pipeline=store)
    try:
        async with running_bot(settings, assistant):
            telegram.push_text(RECRUITER_ID, "/stage Ivan Vulić do-not-contact")
            await telegram.wait_for(lambda: len(telegram.sent_to(RECRUITER_ID)) >= 1, timeout=30)
            before = len(telegram.sent_to(RECRUITER_ID))
            telegram.push_text(RECRUITER_ID, "Draft a LinkedIn message to Ivan Vulić")
            await telegram.wait_for(lambda: len(telegram.sent_to(RECRUITER_ID)) > before, timeout=30)
            [reply] = telegram.sent_to(RECRUITER_ID)[before:]
    finally:
        store.close()
    assert DO_NOT_CONTACT.format(name="Ivan Vulić") in reply["text"]
    assert "Hi Ivan" not in reply["text"] and not buttons(reply)
