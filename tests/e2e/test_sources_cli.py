"""recruitbot add / refresh / papers against the fake sources: choices printed, errors without tracebacks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.pipeline.models import Stage
from bot.pipeline.store import PipelineStore
from tests.fakes.scholarly import FakeScholarly
from tests.fakes.scholarly_world import FakeWork


@pytest.fixture
def fake(monkeypatch, tmp_path, small_corpus):
    with FakeScholarly() as server:
        monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(tmp_path / "index"))
        monkeypatch.setenv("RECRUITBOT_KNOWLEDGE__SOURCES", json.dumps([str(small_corpus)]))
        for key, value in server.settings().model_dump().items():
            if value is not None:
                value = value.get_secret_value() if hasattr(value, "get_secret_value") else value
                monkeypatch.setenv(f"RECRUITBOT_SOURCES__{key.upper()}", str(value))
        yield server


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_add_prints_the_namesakes_and_imports_the_one_picked(fake, tmp_path):
    result = run("add", "Maren Holt", "--pick", "1")
    assert result.exit_code == 0, result.output
    assert "1. Maren Holt — University of Tartu" in result.stdout and "2. Maren Holt — University of Bergen" in result.stdout
    assert "Maren Holt (maren-holt): 4 new papers from OpenAlex, 4 in all" in result.stdout
    unsure = run("add", "Maren Holt")
    assert unsure.exit_code == 1 and "--pick N" in unsure.stderr and "Traceback" not in unsure.output
    other = run("add", "Maren Holt", "--id", "openalex:A5002")
    assert "(maren-holt-2): 2 new papers" in other.stdout and "--same-as maren-holt" in other.stdout

    listing = run("papers", "list", "maren-holt").stdout.splitlines()
    assert len(listing) == 4 and listing[0].split()[1] == "2023"
    dropped = run("papers", "drop", "maren-holt", listing[0].split()[0])
    assert "3 in all, 1 dropped" in dropped.stdout
    assert "(dropped)" in run("papers", "list", "maren-holt").stdout

    PipelineStore(f"sqlite:///{tmp_path / 'data' / 'pipeline.sqlite3'}").set_stage("maren-holt", Stage.SOURCED, "tg:77")
    fake.publish("A5001", FakeWork("holt-2026a", "Dialect Identification for Estonian", 2026, ["Lena Brandt"],
                                   "We tell apart six Estonian dialects from short recordings."))
    fresh = run("refresh")
    assert fresh.exit_code == 0, fresh.output
    assert ("→ tg:77: Maren Holt has a new paper, “Dialect Identification for Estonian”: a fresh reason to "
            "follow up") in fresh.stdout
    assert "maren-holt-2): 0 new papers" in fresh.stdout


def test_user_mistakes_and_a_missing_source_are_messages_not_tracebacks(fake, monkeypatch):
    bad = run("add", "Maren Holt", "--id", "A5001")
    assert bad.exit_code == 1 and "source:id" in bad.stderr
    assert run("papers", "list", "nobody").exit_code == 1
    unknown = run("add", "Maren Holt", "--source", "scopus")
    assert unknown.exit_code == 2 and "Unknown source" in unknown.stderr
    monkeypatch.delenv("RECRUITBOT_SOURCES__OPENALEX_URL")
    off = run("add", "Maren Holt", "--source", "openalex")
    assert off.exit_code == 2 and "OpenAlex is off" in off.stderr and "Traceback" not in off.output
