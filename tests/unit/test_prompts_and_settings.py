"""Prompts are checked before the first user message; settings come from the environment only."""

import re

import pytest
from pydantic import BaseModel

from bot.prompts import EXPECTED, PromptError, load_prompt, load_prompts
from bot.settings import PROJECT_ROOT, Settings


def test_the_shipped_prompts_load_with_exactly_the_variables_the_code_fills():
    prompts = load_prompts()
    assert set(prompts) == set(EXPECTED)
    system, user = prompts["translate_query"].render(question="Quel article ?")
    assert "Quel article ?" in user


def test_a_prompt_with_an_unknown_placeholder_fails_naming_the_file(tmp_path):
    (tmp_path / "answer.md").write_text("---\nvariables: [persona, question, papers, draft_answer]\n---\n"
                                        "## system\n{persona} {oops}\n## user\n{question} {papers} {draft_answer}\n")
    with pytest.raises(PromptError, match=r"answer\.md.*oops"):
        load_prompt("answer", tmp_path)


def test_a_prompt_missing_a_variable_the_code_fills_fails(tmp_path):
    (tmp_path / "translate_query.md").write_text("---\nvariables: []\n---\nTranslate.\n")
    with pytest.raises(PromptError, match="the code fills"):
        load_prompt("translate_query", tmp_path)


def test_settings_read_nested_variables_and_keep_secrets_secret(monkeypatch):
    monkeypatch.setenv("RECRUITBOT_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RECRUITBOT_LLM__API_KEY", "sk-very-secret")
    monkeypatch.setenv("RECRUITBOT_TELEGRAM__ADMINS", "[1, 2]")
    settings = Settings(_env_file=None)
    assert settings.llm.base_url == "http://127.0.0.1:9/v1" and settings.telegram.admins == [1, 2]
    assert "sk-very-secret" not in repr(settings) and settings.llm.api_key.get_secret_value() == "sk-very-secret"


def test_a_misspelt_setting_is_an_error_not_silence(monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("RECRUITBOT_LLM__BASE_ULR", "http://127.0.0.1:9/v1")
    with pytest.raises(ValidationError, match="base_ulr"):
        Settings(_env_file=None)


def _settings_fields(model=Settings, prefix="RECRUITBOT_"):
    """(variable, field) for every setting, groups walked."""
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from _settings_fields(kind, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}", field


def test_the_readme_lists_every_setting_with_its_description():
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(RECRUITBOT_\w+)` \| (.*?) \| `.*` \|$",
                                                         (PROJECT_ROOT / "README.md").read_text(), re.MULTILINE)}
    fields = dict(_settings_fields())
    assert len(fields) > 40 and set(rows) == set(fields)
    assert {v: f.description for v, f in fields.items() if rows[v] != f.description} == {}
