"""The command line over the real knowledge base: jsonl interfaces, drafts, errors without tracebacks."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def env(full_kb, monkeypatch):
    monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(full_kb.settings.data_dir))
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(full_kb.settings.store.path))
    return full_kb


def run(*args, **kwargs):
    return CliRunner().invoke(app, list(args), catch_exceptions=False, **kwargs)


def test_search_jsonl_resolves_candidates_and_ranks_at_least_ten_papers(env, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "q1", "question": "Which of rico senrich's papers studies pronoun "
                                     "translation with contrastive test sets?"}) + "\n{broken\n"
                         + json.dumps({"id": "q2", "question": "speech translation"}) + "\n")
    result = run("search", "--jsonl", str(questions))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2"]
    assert lines[0]["candidate_ids"][0] == "rico-sennrich" and len(lines[0]["paper_ids"]) >= 10
    assert all("rico-sennrich" in env.catalog.papers[p].author_ids for p in lines[0]["paper_ids"][:5])
    assert "q.jsonl:2" in result.stderr


def test_ask_jsonl_writes_answers_with_not_found(env, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "n", "question": "What has Jason Weston published on machine "
                                     "translation?"}) + "\n")
    [line] = [json.loads(x) for x in run("ask", "--jsonl", str(questions)).stdout.splitlines()]
    assert line["not_found"] is True and line["paper_ids"] == [] and line["candidate_ids"] == ["jason-weston"]


def test_draft_json_has_subject_body_and_cited_ids(env):
    result = run("draft", "Lucia Specia", "--channel", "email", "--purpose", "quality estimation", "--json")
    draft = json.loads(result.stdout)
    assert draft["subject"] and draft["cited_paper_ids"] and "Lucia" in draft["body"]


def test_an_unwritable_store_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(blocker / "index"))
    result = CliRunner().invoke(app, ["search", "anything"])
    assert result.exit_code == 2 and "cannot be written" in result.stderr and "Traceback" not in result.stderr


def test_ingest_reports_each_failure_with_its_reason(env, tmp_path, monkeypatch):
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(tmp_path / "index"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    result = run("ingest", str(bad))
    assert result.exit_code == 1 and "bad.jsonl:1" in result.stderr and "title" in result.stderr


def test_no_draft_for_a_do_not_contact_candidate(env, tmp_path, monkeypatch):
    monkeypatch.setenv("RECRUITBOT_PIPELINE__DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    assert run("draft", "Zhou Yu", "--json").exit_code == 0
    from bot.pipeline.models import Stage
    from bot.pipeline.store import PipelineStore

    store = PipelineStore(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    store.set_stage("zhou-yu", Stage.DO_NOT_CONTACT, "test")
    store.close()
    result = CliRunner().invoke(app, ["draft", "Zhou Yu"])
    assert result.exit_code == 1 and "Zhou Yu" in result.stderr and "Subject" not in result.stdout
