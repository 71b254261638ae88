"""Fakes and real local servers that tests point the real clients at; nothing leaves 127.0.0.1."""

from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.servers import ServerStartError, chroma_server, free_port, llama_server

__all__ = ["FakeOpenAI", "ServerStartError", "chroma_server", "free_port", "llama_server"]
