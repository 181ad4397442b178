"""Shared fixtures: the bundled corpus, the real models (shared between runs) and throwaway data dirs."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from core.settings import Settings  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
BILINGUAL = ("000_8155b968e599ee5e.txt", "002_42a1812e0558ab74.txt")
DUTCH_ONLY = ("001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt", "004_5b854e4566e864c9.txt")


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """Converted models live outside the test's temp dirs, so they are built once per machine."""
    return Settings().resolved_models_dir


@pytest.fixture
def settings(tmp_path: Path, models_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", models_dir=models_dir)


@pytest.fixture(scope="session")
def embeddings(models_dir: Path):
    from models.embeddings import ParagraphEmbeddings

    return ParagraphEmbeddings.from_settings(Settings(models_dir=models_dir))


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, models_dir) -> Settings:
    """A data dir with the bundled corpus indexed once for the whole session, with its shipped machine
    translations (as `benelux-qa ingest` makes it; no LLM is needed for those)."""
    from ingest.pipeline import Ingestor
    from ingest.translation import Translator
    from models.embeddings import ParagraphEmbeddings
    from vectorstore.store import ParagraphStore

    settings = Settings(data_dir=tmp_path_factory.mktemp("corpus"), models_dir=models_dir)
    store = ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
    Ingestor(settings, store, show_progress=False, translator=Translator(settings)).ingest([CORPUS])
    return settings


@pytest.fixture(scope="session")
def assistant(corpus_settings):
    from assistant.assistant import Assistant

    return Assistant(corpus_settings)
