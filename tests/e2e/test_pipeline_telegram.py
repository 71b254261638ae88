"""The pipeline through the fake Bot API with the real assistant: stages, notes, the funnel picture, a reminder
that fires, do-not-contact and the cool-down, a campaign of three, the timeline, and /export."""

from __future__ import annotations

import json

import pytest

from bot.pipeline import audit
from bot.pipeline.charts import PNG_SIGNATURE
from bot.pipeline.models import Stage
from bot.pipeline.outreach import DO_NOT_CONTACT
from bot.pipeline.records import restore_candidate
from bot.pipeline.store import PipelineStore
from bot.settings import PipelineSettings
from bot.telegram.campaign import CAMPAIGN
from tests.fakes.telegram_api import ADMIN_ID, RECRUITER_ID, FakeTelegramAPI, bot_settings, running_bot
from tests.fakes.telegram_html import button, buttons


@pytest.fixture
async def api():
    async with FakeTelegramAPI() as server:
        yield server


def settings_for(api: FakeTelegramAPI, tmp_path, **pipeline):
    settings = bot_settings(api, tmp_path)
    settings.pipeline = PipelineSettings(**pipeline)
    return settings


async def said(api: FakeTelegramAPI, text: str, user: int = RECRUITER_ID, count: int = 1) -> list[dict]:
    """Sends a message and waits for ``count`` new messages in the user's chat."""
    before = len(api.sent_to(user))
    api.push_text(user, text)
    await api.wait_for(lambda: len(api.sent_to(user)) >= before + count, timeout=30)
    return api.sent_to(user)[before:]


def _edits_of(api: FakeTelegramAPI, message: dict) -> int:
    where = (message["chat"]["id"], message["message_id"])
    return sum(1 for c in api.calls
               if c.method.startswith("editMessage") and (c.params.get("chat_id"), c.params.get("message_id")) == where)


async def press(api: FakeTelegramAPI, message: dict, label: str, user: int = RECRUITER_ID, edits: bool = True) -> None:
    """Presses a button and waits until the bot has answered the press (and edited the message, by default)."""
    answered, edited = len(api.calls_to("answerCallbackQuery")), _edits_of(api, message)
    api.push_callback(user, message, button(message, label))
    await api.wait_for(lambda: len(api.calls_to("answerCallbackQuery")) > answered, timeout=30)
    if edits:
        await api.wait_for(lambda: _edits_of(api, message) > edited, timeout=30)


async def file_of(api: FakeTelegramAPI, file_id: str) -> bytes:
    """The bytes of a file the bot uploaded, read back the way a client would (getFile, then the file URL)."""
    _, answer = await api.handle("getFile", {"file_id": file_id}, {})
    return api.file_bytes(f"/file/bot{api.token}/{answer['result']['file_path']}")


async def test_stages_and_notes_are_kept_and_the_funnel_arrives_as_a_photo(api, assistant, tmp_path):
    async with running_bot(settings_for(api, tmp_path), assistant) as app:
        [moved] = await said(api, "/stage Yang Feng sourced")
        assert "Yang Feng" in moved["text"] and "sourced" in moved["text"]
        [moved] = await said(api, "/stage Yang Feng contacted")
        assert "(was sourced)" in moved["text"]
        await said(api, "/stage Rico Sennrich do not contact")
        [noted] = await said(api, "/note Yang Feng: prefers a call on Tuesdays")
        assert "Note kept" in noted["text"]
        [usage] = await said(api, "/stage Yang Feng hired")
        assert "Usage" in usage["text"]
        [picture] = await said(api, "/pipeline")
        store: PipelineStore = app.pipeline
        [note] = store.notes("yang-feng")

    assert "photo" in picture, "the funnel is sent as a picture"
    assert (await file_of(api, picture["photo"][0]["file_id"])).startswith(PNG_SIGNATURE)
    assert "contacted: 1 now" in picture["caption"] and "do-not-contact: 1" in picture["caption"]
    assert (note.author, note.text) == (audit.telegram_actor(RECRUITER_ID), "prefers a call on Tuesdays")
    assert store.stage_of("rico-sennrich") is Stage.DO_NOT_CONTACT


async def test_a_draft_marked_as_sent_moves_to_contacted_and_its_reminder_fires(api, assistant, tmp_path):
    settings = settings_for(api, tmp_path, follow_up_days=0.5 / 86400, reminder_interval_s=0.2)
    async with running_bot(settings, assistant) as app:
        [draft] = await said(api, "/draft Yang Feng email en a research scientist role")
        await press(api, draft, "Approve")
        assert any("Mark as sent" in label for label, _ in buttons(draft))
        await press(api, draft, "Mark as sent")
        recorded = await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if "Recorded" in m["text"]])
        assert not any("Mark as sent" in label for label, _ in buttons(draft)), "a draft is marked as sent once"
        reminder = (await api.wait_for(
            lambda: [m for m in api.sent_to(RECRUITER_ID) if "follow up" in m.get("text", "")], timeout=15))[0]
        await press(api, reminder, "Done")
        store: PipelineStore = app.pipeline
        [message] = store.messages("yang-feng")
        remaining = store.follow_ups("yang-feng")

    assert "contacted" in recorded[0]["text"] and "Yang Feng" in reminder["text"]
    assert store.stage_of("yang-feng") is Stage.CONTACTED
    assert message.channel == "email" and message.body.startswith("Hi Yang") and message.sender == "tg:1002"
    assert remaining == [], "Done closes the follow-up"
    assert len([m for m in api.sent_to(RECRUITER_ID) if "follow up" in m.get("text", "")]) == 1, "reminded once"


async def test_do_not_contact_refuses_a_draft_and_a_second_first_contact_warns(api, assistant, tmp_path):
    async with running_bot(settings_for(api, tmp_path), assistant) as app:
        await said(api, "/stage Rico Sennrich do-not-contact")
        [refused] = await said(api, "/draft Rico Sennrich")
        [first] = await said(api, "/draft Yang Feng")
        await press(api, first, "Approve")
        await press(api, first, "Mark as sent")
        await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if "Recorded" in m["text"]])
        [second] = await said(api, "/draft Yang Feng")
        refusals = [e.action for e in app.pipeline.audit_events("rico-sennrich")]

    assert DO_NOT_CONTACT.format(name="Rico Sennrich") in refused["text"] and not buttons(refused)
    assert refusals == [audit.STAGE, audit.DRAFT_REFUSED]
    assert "cool-down" not in first["text"]
    assert "already sent a first message" in second["text"] and "90-day cool-down" in second["text"]


async def test_a_campaign_of_three_is_drafted_and_each_draft_is_approved_or_skipped(api, assistant, tmp_path):
    async with running_bot(settings_for(api, tmp_path), assistant) as app:
        header, *items = await said(api, '/campaign "simultaneous translation" 3', count=4)
        assert "Campaign: simultaneous translation" in header["text"] and len(items) == 3
        for item in items:
            assert {label for label, _ in buttons(item)} == {"✅ Approve", "Skip"}
            assert "Why: their papers on the topic" in item["text"] and "[1]" in item["text"]
        await press(api, items[0], "Approve")
        await press(api, items[1], "Skip")
        await press(api, items[2], "Approve")
        done = await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if "Campaign done" in m["text"]])
        await press(api, items[0], "Mark as sent")
        await api.wait_for(lambda: [m for m in api.sent_to(RECRUITER_ID) if "Recorded" in m["text"]])
        state = app.chat_data[RECRUITER_ID]["campaign"]
        stages = app.pipeline.stages()

    approved_ids = [i["candidate_id"] for i in state["items"] if i["status"] == "approved"]
    assert done[0]["text"] == "Campaign done: 2 approved, 1 skipped."
    assert "Approved" in items[0]["text"] and "skipped" in items[1]["text"]
    assert stages[approved_ids[0]] is Stage.CONTACTED and stages[approved_ids[1]] is Stage.SOURCED
    assert not buttons(items[1]), "a skipped draft keeps no buttons"
    assert all(data.startswith(CAMPAIGN) is False for _, data in buttons(items[0])), "approved: copy and send only"


async def test_timeline_is_a_chart_of_the_candidates_papers(api, assistant, tmp_path):
    async with running_bot(settings_for(api, tmp_path), assistant):
        [picture] = await said(api, "/timeline Yang Feng")
        [unknown] = await said(api, "/timeline Nobody Atall")
    assert "photo" in picture and "Yang Feng" in picture["caption"]
    assert (await file_of(api, picture["photo"][0]["file_id"])).startswith(PNG_SIGNATURE)
    assert "don't know" in unknown["text"]


async def test_export_sends_everything_as_json_that_restores_into_another_store(api, assistant, tmp_path):
    async with running_bot(settings_for(api, tmp_path), assistant) as app:
        await said(api, "/stage Yang Feng replied")
        await said(api, "/note Yang Feng: wants to stay in Beijing")
        [exported] = await said(api, "/export Yang Feng", user=ADMIN_ID)
        original = app.pipeline.stages()

    document = json.loads(await file_of(api, exported["document"]["file_id"]))
    assert exported["document"]["file_name"] == "export-yang-feng.json"
    assert document["candidate"]["name"] == "Yang Feng" and len(document["papers"]) == 49
    assert document["pipeline"]["stage"] == "replied"
    assert document["pipeline"]["notes"][0]["text"] == "wants to stay in Beijing"
    assert [e["action"] for e in document["audit"]] == [audit.STAGE, audit.NOTE]
    other = PipelineStore(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    restore_candidate(other, document, "tg:1")
    assert other.stages() == {"yang-feng": original["yang-feng"]}
    assert [n.text for n in other.notes("yang-feng")] == ["wants to stay in Beijing"]
