"""The JSON contract for scripts: `ask --json` and `chat --jsonl`, one reply shape for every kind of turn."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app

KEYS = {"answer", "status", "citations", "candidate_ids", "options", "draft"}


@pytest.fixture
def env(full_kb, monkeypatch):
    monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(full_kb.settings.data_dir))
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(full_kb.settings.store.path))
    return full_kb


def test_ask_json_cites_only_what_the_answer_cites(env):
    result = CliRunner().invoke(app, ["ask", "How many papers does Hermann Ney have?", "--json"])
    reply = json.loads(result.output)
    assert KEYS <= set(reply) and reply["status"] == "answered" and reply["candidate_ids"] == ["hermann-ney"]
    assert len(reply["citations"]) <= 5 and len(reply["paper_ids"]) <= 10
    assert all("hermann-ney" in env.catalog.papers[p].author_ids for p in reply["citations"])


def test_chat_jsonl_plays_each_conversation_in_its_own_state(env, tmp_path):
    path = tmp_path / "turns.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "turns": ["What has Liu written about non-autoregressive translation?", "Tie-Yan Liu"]},
        {"id": "b", "turns": ["Write Yejin Choi a LinkedIn message about a research role", "shorter please"]},
        {"id": "c", "turns": ["Tie-Yan Liu"]},
        {"id": "d", "turns": "not a list"},
    ]) + "\n")
    result = CliRunner().invoke(app, ["chat", "--jsonl", str(path)])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_id = {line["id"]: line["replies"] for line in lines}
    assert set(by_id) == {"a", "b", "c"} and "turns" in result.stderr and ":4" in result.stderr
    first, second = by_id["a"]
    assert first["status"] == "clarify" and "tie-yan-liu" in first["options"]
    assert second["status"] == "answered" and second["candidate_ids"] == ["tie-yan-liu"]
    draft, shorter = by_id["b"]
    assert draft["status"] == shorter["status"] == "draft" and draft["draft"].startswith("Hi Yejin")
    assert len(shorter["draft"].split()) < len(draft["draft"].split())
    assert draft["draft_details"]["channel"] == "linkedin" and draft["draft_details"]["cited_paper_ids"]
    assert by_id["c"][0]["status"] != "clarify", "a name alone in a new conversation completes nothing"
