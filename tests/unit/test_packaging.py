"""Reproducible installs: every dependency of pyproject.toml is pinned in both lock files (so nobody forgets
`make lock`), the image installs from the lock before copying code and has a HEALTHCHECK, the build context
leaves the virtualenv out, and the health check reads the bot's heartbeat."""

from __future__ import annotations

import re
import tomllib

from bot import health
from bot.settings import PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def _pinned(lock: str) -> dict[str, str]:
    lines = (PROJECT_ROOT / lock).read_text().splitlines()
    return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith((" ", "#")))


def test_every_dependency_is_pinned_in_the_lock_files():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    test = {_name(r) for r in project["optional-dependencies"]["test"]}
    assert runtime - {_name(n) for n in _pinned("requirements.lock")} == set(), "run `make lock`"
    assert (runtime | test) - {_name(n) for n in _pinned("requirements-test.lock")} == set(), "run `make lock`"


def test_the_image_installs_the_lock_before_the_code_and_checks_health():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert dockerfile.index("pip install -r requirements.lock") < dockerfile.index("COPY bot")
    assert "HEALTHCHECK" in dockerfile and "bot.health" in dockerfile
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests"} <= set(ignored)


def test_health_follows_the_heartbeat(tmp_path, monkeypatch):
    monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(tmp_path))
    assert health.main() == 1  # never beaten
    health.beat(tmp_path)
    assert health.main() == 0
    old = health.heartbeat_path(tmp_path)
    import os

    os.utime(old, (0, 0))
    assert health.main() == 1


def test_compose_runs_the_bot_on_a_chroma_server_and_postgresql():
    import yaml

    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"bot", "chroma", "postgres"} <= set(services)
    env = services["bot"]["environment"]
    assert env["RECRUITBOT_STORE__MODE"] == "server" and env["RECRUITBOT_STORE__HOST"] == "chroma"
    assert "@postgres:5432/" in env["RECRUITBOT_PIPELINE__DATABASE_URL"]
    pinned = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    client = next(r for r in pinned if r.startswith("chromadb=="))
    assert services["chroma"]["image"].endswith(":" + client.split("==")[1]), "server and client versions agree"
    # A forget's checkpoint must delete old WAL segments, not rename them for reuse with the person's bytes.
    assert {"wal_recycle=off", "wal_keep_size=0"} <= set(services["postgres"]["command"])
