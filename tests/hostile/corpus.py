"""A small knowledge folder about invented people, for the hostile-input tests (nobody of any eval set)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

PEOPLE = {"orla-quennell": "Orla Quennell", "tomasz-wierzbicki": "Tomasz Wierzbicki", "ines-achterberg": "Ines Achterberg"}

PAPERS = [
    ("QW-1", "Tidal lexicons for coastal dialect translation", ["orla-quennell", "tomasz-wierzbicki"], 2021,
     "We build lexicons of fishing-harbour dialects and use them to translate weather reports."),
    ("QW-2", "Counting syllables in Kashubian folk songs", ["tomasz-wierzbicki"], 2019,
     "A syllable counter for Kashubian verse, evaluated on two hundred transcribed folk songs."),
    ("QW-3", "Glacier names as a probe of toponym transliteration", ["ines-achterberg"], 2022,
     "Transliterating glacier names across five scripts reveals systematic errors of neural models."),
    ("QW-4", "Lighthouse logbooks as a parallel corpus", ["orla-quennell"], 2020,
     "Bilingual lighthouse logbooks from the nineteenth century are aligned sentence by sentence."),
    ("QW-5", "Beekeeping vocabulary in low-resource speech recognition", ["ines-achterberg", "orla-quennell"], 2023,
     "Speech recognisers miss beekeeping terms; a small glossary halves their error on apiary recordings."),
]


def paper_record(pid: str, title: str, people: list[str], year: int, abstract: str) -> dict:
    return {"id": pid, "title": title, "authors": [PEOPLE[p] for p in people], "author_ids": people,
            "year": year, "venue": "Workshop on Invented Things", "abstract": abstract}


def write_corpus(folder: Path) -> Path:
    """``folder``/papers/invented.jsonl with the five papers above."""
    path = folder / "papers" / "invented.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(paper_record(*p)) + "\n" for p in PAPERS), encoding="utf-8")
    return path


def many_papers(path: Path, count: int, prefix: str = "MANY") -> Path:
    """``count`` papers with texts no embedding cache holds (so they are really embedded)."""
    words = "harbour glacier lexicon syllable beekeeping lighthouse logbook dialect verse apiary".split()
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            text = " ".join(words[(n * 7 + i) % len(words)] for i in range(12))
            handle.write(json.dumps(paper_record(f"{prefix}-{n}", f"{text} number {n}", ["ines-achterberg"], 2020,
                                                 f"Study {n} of {text}.")) + "\n")
    return path


def cli_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECRUITBOT_", "OPENAI_"))}
    env.update(RECRUITBOT_DATA_DIR=str(root / "data"), RECRUITBOT_STORE__PATH=str(root / "index"),
               PYTHONPATH=str(PROJECT_ROOT), ANONYMIZED_TELEMETRY="False")
    return env


def cli(root: Path, *args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m bot ARGS`` as a user runs it (not on a terminal), with the state under ``root``."""
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**cli_env(root), **(env_extra or {})},
                          capture_output=True, text=True, timeout=600, cwd=root)


def cli_process(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", *args], env=cli_env(root), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=root)
