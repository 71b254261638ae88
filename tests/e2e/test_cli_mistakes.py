"""The command line as a user meets it (a real process, not a terminal): every mistake is one line that names
the value and the valid ones, with a non-zero exit and no traceback; the pipeline has subcommands; the search
table keeps ids whole at 80 columns."""

from __future__ import annotations

import json
import re

import pytest

from tests.hostile.corpus import PAPERS, cli, paper_record, write_corpus

LONG_ID = "2031.findings-invented-things.1234"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    write_corpus(root / "knowledge")
    (root / "knowledge" / "papers" / "long.jsonl").write_text(json.dumps(paper_record(
        LONG_ID, "Lighthouse keepers' logbooks and harbour dialects, a survey", ["orla-quennell"], 2031,
        "Harbour dialect words in lighthouse logbooks.")) + "\n")
    return root


def _env(root) -> dict[str, str]:
    return {"RECRUITBOT_KNOWLEDGE__SOURCES": json.dumps([str(root / "knowledge")]), "COLUMNS": "80"}


def _one_line_error(run, *words: str) -> None:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode != 0, run.stderr
    assert "Traceback" not in run.stderr and lines, run.stderr
    assert all(w in lines[-1] for w in words), lines[-1]


@pytest.mark.parametrize("args, words", [
    (["draft", "Orla Quennell", "--channel", "fax"], ["channel", "'fax'", "'email'", "'telegram'"]),
    (["draft", "Orla Quennell", "--tone", "sarcastic"], ["tone", "'sarcastic'", "'casual'", "'warm'", "'formal'"]),
    (["eval", "no-such-file.jsonl"], ["no-such-file.jsonl", "No such file"]),
    (["pipeline", "stage", "Orla Quennell", "hired"], ["'hired'", "sourced", "do-not-contact"]),
    (["pipeline", "done", "12345"], ["12345"]),
])
def test_a_mistake_is_one_line_naming_the_value_and_the_valid_ones(root, args, words):
    _one_line_error(cli(root, *args, env_extra=_env(root)), *words)


def test_pipeline_subcommands_change_stages_notes_and_follow_ups(root):
    env = _env(root)
    assert cli(root, "pipeline", "stage", "Orla Quennell", "contacted", env_extra=env).returncode == 0
    assert cli(root, "pipeline", "note", "Orla Quennell", "Prefers Galway", env_extra=env).returncode == 0
    notes = json.loads(cli(root, "pipeline", "notes", "Orla Quennell", "--json", env_extra=env).stdout)
    assert [n["text"] for n in notes] == ["Prefers Galway"]
    funnel = json.loads(cli(root, "pipeline", "--json", env_extra=env).stdout)
    assert funnel["counts"]["contacted"] == 1
    assert json.loads(cli(root, "pipeline", "followups", "--json", env_extra=env).stdout) == []


def test_the_search_table_keeps_ids_whole_at_80_columns(root):
    run = cli(root, "search", "lighthouse logbooks and harbour dialects", "--k", "5", env_extra=_env(root))
    assert run.returncode == 0, run.stderr
    assert max(len(line) for line in run.stdout.splitlines()) <= 80
    shown = set(re.findall(r"QW-\d|2031\.[a-z.-]+\d+", run.stdout))
    assert LONG_ID in shown and len(shown) == 5, run.stdout  # five results, each id on one line, whole
    assert shown <= {LONG_ID} | {p[0] for p in PAPERS}
