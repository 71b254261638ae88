"""The pipeline store on a SQLite file: stages, funnel, notes, sending, follow-ups, forgetting, export."""

from __future__ import annotations

import datetime as dtm
import json

import pytest

from bot.models import Draft
from bot.pipeline import audit
from bot.pipeline.database import database_url
from bot.pipeline.models import Stage, utcnow
from bot.pipeline.outreach import COOLDOWN_WARNING, DO_NOT_CONTACT, contact_warnings
from bot.pipeline.records import FORMAT, export_candidate, restore_candidate
from bot.pipeline.store import DoNotContactError, PipelineStore
from tests.conftest import make_settings

WEEK = dtm.timedelta(days=7)


@pytest.fixture
def store(tmp_path):
    s = PipelineStore(f"sqlite:///{tmp_path / 'pipeline.sqlite3'}")
    yield s
    s.close()


def _draft(candidate_id: str = "yang-feng", body: str = "Hi Yang, I read your paper.") -> Draft:
    return Draft(candidate_id=candidate_id, body=body, subject="Hello", cited_paper_ids=["2020.acl-main.1"])


def test_the_default_database_is_a_sqlite_file_under_the_data_dir(tmp_path):
    settings = make_settings(tmp_path)
    assert database_url(settings) == f"sqlite:///{tmp_path / 'data' / 'pipeline.sqlite3'}"


def test_stages_accept_what_people_type():
    assert Stage.parse("Do not contact") is Stage.DO_NOT_CONTACT is Stage.parse("DNC") is Stage.parse("do_not_contact")
    with pytest.raises(ValueError):
        Stage.parse("hired")


def test_stage_changes_are_counted_and_the_funnel_counts_who_ever_reached_a_stage(store):
    store.set_stage("a", Stage.SOURCED, "tg:1")
    store.set_stage("a", Stage.CONTACTED, "tg:1")
    store.set_stage("a", Stage.DECLINED, "tg:1")
    store.set_stage("b", Stage.CALL, "tg:2")  # put straight at "call": the earlier stages are implied
    store.set_stage("c", Stage.SOURCED, "tg:2")
    counts = store.counts()
    assert counts[Stage.DECLINED] == counts[Stage.CALL] == counts[Stage.SOURCED] == 1 and sum(counts.values()) == 3
    assert dict(store.funnel()) == {Stage.SOURCED: 3, Stage.CONTACTED: 2, Stage.REPLIED: 1, Stage.CALL: 1,
                                    Stage.OFFER: 0, Stage.JOINED: 0}
    assert store.set_stage("b", Stage.OFFER, "tg:1") is Stage.CALL


def test_notes_keep_their_author_and_time(store):
    before = utcnow()
    store.add_note("yang-feng", "tg:1002", "Prefers Tuesdays")
    [note] = store.notes("yang-feng")
    assert (note.author, note.text) == ("tg:1002", "Prefers Tuesdays") and note.at >= before
    assert note.at.tzinfo is not None


def test_sending_moves_to_contacted_and_schedules_a_follow_up_that_falls_due(store):
    store.set_stage("yang-feng", Stage.SOURCED, "tg:1")
    sent_at = utcnow() - dtm.timedelta(days=8)
    record = store.record_sent(_draft(), "tg:1002", WEEK, chat_id=-100123, at=sent_at)
    assert record.moved and record.stage is Stage.CONTACTED and store.stage_of("yang-feng") is Stage.CONTACTED
    [due] = store.due(unreminded=True)
    assert due.id == record.follow_up_id and due.owner == "tg:1002" and due.chat_id == -100123
    store.mark_reminded(due.id)
    assert store.due(unreminded=True) == [] and len(store.due()) == 1, "reminded once, still due until done"
    store.set_stage("yang-feng", Stage.REPLIED, "tg:1")
    assert store.due() == [], "an answer closes the follow-up"


def test_sending_again_does_not_move_a_candidate_back(store):
    store.set_stage("yang-feng", Stage.CALL, "tg:1")
    record = store.record_sent(_draft(), "tg:1", WEEK)
    assert not record.moved and store.stage_of("yang-feng") is Stage.CALL


def test_do_not_contact_refuses_drafts_and_sending(store):
    store.set_stage("yang-feng", Stage.DO_NOT_CONTACT, "tg:1")
    with pytest.raises(DoNotContactError, match="do-not-contact"):
        contact_warnings(store, "yang-feng", "Yang Feng", 90)
    with pytest.raises(DoNotContactError):
        store.record_sent(_draft(), "tg:1", WEEK)
    assert store.messages("yang-feng") == []
    assert DO_NOT_CONTACT.format(name="Yang Feng").startswith("Yang Feng is marked do-not-contact")


def test_a_second_first_contact_within_the_cooldown_warns(store):
    assert contact_warnings(store, "yang-feng", "Yang Feng", 90) == []
    store.record_sent(_draft(), "tg:1", WEEK, at=utcnow() - dtm.timedelta(days=10))
    [warning] = contact_warnings(store, "yang-feng", "Yang Feng", 90)
    assert warning == COOLDOWN_WARNING.format(name="Yang Feng", days="10 days", cooldown=90)
    assert contact_warnings(store, "yang-feng", "Yang Feng", 5) == [], "outside a shorter cool-down"
    store.set_stage("yang-feng", Stage.REPLIED, "tg:1")
    assert contact_warnings(store, "yang-feng", "Yang Feng", 90) == [], "writing back is not a first contact"


def test_the_audit_log_names_people_by_hash_and_holds_no_bodies(store):
    store.add_note("yang-feng", "tg:1", "Secret note body")
    store.record_sent(_draft(body="Secret message body"), "tg:1", WEEK)
    store.audit("tg:7", audit.LOOKUP, "yang-feng", "candidate")
    events = store.audit_events("yang-feng")
    assert [e.action for e in events] == [audit.NOTE, audit.SENT, audit.LOOKUP]
    dumped = json.dumps([[e.actor, e.action, e.subject, e.detail] for e in store.audit_events()])
    assert "yang" not in dumped.lower() and "Secret" not in dumped
    assert {e.subject for e in events} == {store.subject_key("yang-feng")}


def test_forget_deletes_every_row_and_leaves_no_bytes_in_the_file(store, tmp_path):
    store.set_stage("yang-feng", Stage.SOURCED, "tg:1")
    store.add_note("yang-feng", "tg:1", "Met Yang Feng at ACL")
    store.record_sent(_draft(), "tg:1", WEEK)
    store.set_stage("rico-sennrich", Stage.SOURCED, "tg:1")
    counts = store.forget("yang-feng", "tg:1")
    assert counts == {"followups": 1, "messages": 1, "notes": 1, "stage_events": 2, "stages": 1}
    assert store.stage_of("rico-sennrich") is Stage.SOURCED, "nobody else is touched"
    store.close()
    data = (tmp_path / "pipeline.sqlite3").read_bytes().lower()
    assert b"yang" not in data and b"hi yang" not in data
    [forgot] = [e for e in store.audit_events() if e.action == audit.FORGET]
    assert forgot.subject == store.subject_key("yang-feng") and "notes=1" in forgot.detail


def test_export_survives_a_forget_and_restore_round_trip(store):
    store.set_stage("yang-feng", Stage.SOURCED, "tg:1")
    store.add_note("yang-feng", "tg:1", "Prefers Tuesdays")
    store.record_sent(_draft(), "tg:1", WEEK, chat_id=42)
    first = export_candidate(store, "yang-feng", "tg:1")
    assert first["format"] == FORMAT and first["pipeline"]["messages"][0]["body"] == _draft().body
    assert first["pipeline"]["followups"][0]["message"] == 0
    text = json.dumps(first)
    store.forget("yang-feng", "tg:1")
    assert export_candidate(store, "yang-feng", "tg:1")["pipeline"]["notes"] == []
    assert restore_candidate(store, json.loads(text), "tg:1") == 6
    assert export_candidate(store, "yang-feng", "tg:1")["pipeline"] == first["pipeline"]
    with pytest.raises(ValueError, match="not a recruitbot export"):
        restore_candidate(store, {"format": "other"}, "tg:1")
