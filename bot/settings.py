"""Settings: the only module that reads the environment.

Every group is a small pydantic model with ``extra="forbid"`` so that a typo in a
variable name fails loudly instead of being ignored. Variables are prefixed with
``RECRUITBOT_`` and nested with ``__``: ``RECRUITBOT_LLM__BASE_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The project root, where the bundled knowledge and prompts live.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    """Where the index and chat state go: $XDG_DATA_HOME/recruitbot, never the working directory."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "recruitbot"


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KnowledgeSettings(_Group):
    """What the knowledge base is built from."""

    sources: list[Path] = Field(
        default_factory=lambda: [PROJECT_ROOT / "knowledge"],
        description="Files or folders ingested by default: papers (.jsonl, .bib), dossiers (.yaml, .md), PDFs.",
    )
    company_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge" / "company",
        description="Folder with the hiring organisation's pitch facts that drafts may use.",
    )
    max_file_mb: float = Field(default=50.0, description="Files larger than this are refused with a clear error.")
    max_pdf_pages: int = Field(default=200, description="PDFs with more pages than this are refused.")


class EmbedderSettings(_Group):
    """The ONNX MiniLM embedder."""

    max_tokens: int = Field(default=256, description="Texts are truncated to this many word pieces.")
    batch_size: int = Field(default=16, description="At most this many texts per ONNX run.")
    batch_tokens: int = Field(
        default=512,
        description="At most this many padded word pieces per ONNX run (long texts run in twos: faster per text).",
    )
    threads: int = Field(default=0, description="onnxruntime intra-op threads; 0 lets onnxruntime choose.")
    memory_arena: bool = Field(
        default=False,
        description="onnxruntime's CPU memory arena: faster by a few percent, ~0.4 GB more memory.",
    )
    cache: bool = Field(
        default=True,
        description="Reuse embeddings cached by content hash and model (bundled and local caches).",
    )


class StoreSettings(_Group):
    """The Chroma vector store: embedded on disk, or a Chroma server."""

    mode: Literal["persistent", "server"] = Field(default="persistent", description="Embedded store or a Chroma server.")
    path: Path = Field(default_factory=lambda: _default_data_dir() / "index", description="Folder of the embedded store.")
    host: str = Field(default="127.0.0.1", description="Chroma server host (mode=server).")
    port: int = Field(default=8000, description="Chroma server port (mode=server).")
    collection: str = Field(default="recruitbot", description="Name of the Chroma collection.")


class SearchSettings(_Group):
    """Hybrid retrieval."""

    k: int = Field(default=10, description="Papers returned by default.")
    rrf_k: int = Field(default=60, description="Reciprocal rank fusion constant.")
    pool: int = Field(default=100, description="Papers taken from each retriever before fusion (whole-corpus search).")
    bm25_weight: float = Field(
        default=0.7, description="BM25's weight against dense when fusing scores within a candidate's papers."
    )
    expert_pool: int = Field(default=200, description="Papers each retriever contributes when finding candidates.")


class LLMSettings(_Group):
    """The chat model. With no base_url the offline engine answers."""

    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1.")
    api_key: SecretStr = Field(default=SecretStr("not-needed"), description="API key for the endpoint.")
    model: str = Field(default="gpt-4o-mini", description="Model name sent to the endpoint.")
    temperature: float = Field(default=0.3, description="Sampling temperature.")
    timeout_s: float = Field(default=60.0, description="Seconds before a model call is abandoned.")
    max_retries: int = Field(default=2, description="Retries on 429 and 5xx, with exponential backoff.")
    max_tokens: int = Field(default=700, description="Upper bound on tokens generated per call.")
    structured_output: bool = Field(
        default=False,
        description="Ask the endpoint for JSON-schema output; an endpoint that refuses it gets the schema in the prompt.",
    )
    understand: bool = Field(
        default=True,
        description="The model also reads each message into a typed request (one more call); the offline parser "
                    "reads it when the model fails or is off.",
    )


class TelegramSettings(_Group):
    """The Telegram front end."""

    token: SecretStr | None = Field(default=None, description="Bot token from @BotFather.")
    base_url: str = Field(default="https://api.telegram.org/bot", description="Bot API base URL (tests point it at a fake).")
    base_file_url: str = Field(default="https://api.telegram.org/file/bot", description="Bot API file URL.")
    admins: list[int] = Field(default_factory=list, description="Telegram user ids with the admin role.")
    recruiters: list[int] = Field(default_factory=list, description="Telegram user ids with the recruiter role.")
    allowed_groups: list[int] = Field(default_factory=list, description="Group chat ids the bot answers in.")
    rate_limit_per_minute: int = Field(default=20, description="Messages per user per minute before throttling.")
    webhook_url: str | None = Field(default=None, description="Public URL for webhook mode; long polling when unset.")
    webhook_secret: SecretStr | None = Field(default=None, description="Secret token Telegram sends with webhook calls.")
    webhook_port: int = Field(default=8443, description="Local port of the webhook listener.")
    webhook_listen: str = Field(
        default="127.0.0.1",
        description="Address the webhook listener binds; 0.0.0.0 only when no reverse proxy sits in front (Docker).",
    )
    poll_timeout_s: int = Field(default=10, description="Long-polling timeout in seconds.")
    max_pdf_mb: float = Field(default=20.0, description="Largest PDF accepted from a chat.")


class PipelineSettings(_Group):
    """The recruiting pipeline: stages, notes, messages sent, follow-ups and the audit log."""

    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@127.0.0.1/recruitbot; "
        "unset: a SQLite file pipeline.sqlite3 under data_dir.",
    )
    follow_up_days: float = Field(
        default=7.0, gt=0, description="Days after a message is sent before its follow-up is due."
    )
    cooldown_days: float = Field(
        default=90.0, ge=0, description="A second first contact within this many days of the last one warns."
    )
    reminder_interval_s: float = Field(
        default=600.0, gt=0, description="Seconds between checks for due follow-ups (the owner gets a reminder)."
    )
    campaign_max: int = Field(default=20, ge=1, description="Most candidates one /campaign may shortlist.")


class SourcesSettings(_Group):
    """The scholarly sources people are imported from; each is off until its base URL is set."""

    openalex_url: str | None = Field(default=None, description="OpenAlex API base, e.g. https://api.openalex.org.")
    openalex_api_key: SecretStr | None = Field(default=None, description="OpenAlex API key (required since 2026).")
    email: str | None = Field(default=None, description="Contact e-mail sent to OpenAlex with each request (its polite pool).")
    semanticscholar_url: str | None = Field(
        default=None, description="Semantic Scholar API base, e.g. https://api.semanticscholar.org.")
    semanticscholar_api_key: SecretStr | None = Field(default=None, description="Semantic Scholar API key.")
    arxiv_url: str | None = Field(default=None, description="arXiv query URL, e.g. https://export.arxiv.org/api/query.")
    arxiv_delay_s: float = Field(default=3.0, ge=0, description="Seconds between arXiv requests, as arXiv asks.")
    dblp_url: str | None = Field(default=None, description="DBLP base, e.g. https://dblp.org.")
    orcid_url: str | None = Field(default=None, description="ORCID public API base, e.g. https://pub.orcid.org/v3.0.")
    orcid_token: SecretStr | None = Field(default=None, description="ORCID /read-public token (search may need it).")
    timeout_s: float = Field(default=30.0, gt=0, description="Seconds before a source's answer is given up on.")
    max_retries: int = Field(default=2, ge=0, description="Retries after a 429 (waiting Retry-After) or a 5xx.")
    max_wait_s: float = Field(default=30.0, ge=0, description="Longest Retry-After honoured; longer waits fail.")
    max_works: int = Field(default=1000, ge=1, description="Most works imported per person and source.")
    merged_per_year: int = Field(
        default=60, ge=1, description="More papers than this in one year flags a profile as merged-looking.")
    refresh_interval_s: float = Field(
        default=86400.0, ge=0, description="Seconds between refreshes of imported people in the bot; 0 turns it off.")


class Settings(BaseSettings):
    """All of recruitbot's settings."""

    model_config = SettingsConfigDict(
        env_prefix="RECRUITBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="forbid",
    )

    data_dir: Path = Field(default_factory=_default_data_dir, description="State: chat context, caches.")
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)
    sources: SourcesSettings = Field(default_factory=SourcesSettings)
