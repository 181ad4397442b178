"""Embeddings from an OpenAI-compatible /v1/embeddings server: here a stand-in on loopback that serves
real e5 vectors from the local model (without e5's prompts, as a raw server would, and not normalised)."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from assistant.assistant import Assistant
from ingest.pipeline import Ingestor
from models.embeddings import ParagraphEmbeddings, RemoteParagraphEmbeddings
from models.errors import EmbeddingServiceError
from vectorstore.store import ParagraphStore, StoreError

DOC = (
    "Verslag van de werkgroep\n\n"
    "De werkgroep Mensenhandel van de Benelux komt twee keer per jaar samen in Brussel om ervaringen uit te wisselen.\n\n"
    "In 2022 organiseerde Luxemburg een opleiding voor arbeidsinspecteurs over uitbuiting in de bouwsector.\n\n"
    "Slachtoffers krijgen een bedenktijd van drie maanden om te beslissen of zij een klacht indienen.\n"
)


class Embeddings(BaseHTTPRequestHandler):
    model = None  # a local sentence-transformers model, set by the fixture
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Embeddings.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        vectors = 2.5 * self.model.encode(body["input"], convert_to_numpy=True)  # raw text in; not unit length out
        data = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in reversed(list(enumerate(vectors)))]
        payload = json.dumps({"object": "list", "data": data, "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(embeddings):
    Embeddings.model = embeddings.model
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Embeddings)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture
def remote_settings(settings, server):
    Embeddings.requests.clear()
    return settings.model_copy(update={
        "embedding_backend": "openai", "embedding_base_url": server, "embedding_api_key": "secret",
        "embedding_remote_model": "intfloat/multilingual-e5-small", "embedding_batch_size": 2,
    })


def test_remote_vectors_match_the_local_model(remote_settings, embeddings):
    remote = ParagraphEmbeddings.from_settings(remote_settings)
    assert isinstance(remote, RemoteParagraphEmbeddings) and remote.name == "intfloat/multilingual-e5-small"
    texts = ["De werkgroep komt samen in Brussel.", "Une formation pour les inspecteurs.", "Victims get three months."]
    vectors = remote.embed_passages(texts)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)  # normalised by the client
    assert np.allclose(vectors, embeddings.embed_passages(texts), atol=1e-4)  # same as the local e5 with its prompts
    assert np.allclose(remote.embed_query("Waar komt de werkgroep samen?"), embeddings.embed_query("Waar komt de werkgroep samen?"), atol=1e-4)
    posted = Embeddings.requests
    assert [len(r["input"]) for r in posted[:2]] == [2, 1]  # batches of embedding_batch_size
    assert posted[0]["input"][0] == "passage: De werkgroep komt samen in Brussel." and posted[-1]["input"] == ["query: Waar komt de werkgroep samen?"]
    assert posted[0]["path"] == "/v1/embeddings" and posted[0]["auth"] == "Bearer secret"
    assert remote.dimension == embeddings.dimension


def test_ingest_and_retrieve_through_the_server(remote_settings, tmp_path, embeddings):
    (tmp_path / "verslag.txt").write_text(DOC, encoding="utf-8")
    store = ParagraphStore(remote_settings, ParagraphEmbeddings.from_settings(remote_settings))
    summary = Ingestor(remote_settings, store, show_progress=False).ingest([tmp_path / "verslag.txt"])
    assert summary.added == ["verslag.txt"] and not summary.failed

    vector = np.asarray(store.embeddings.embed_query("Hoe lang is de bedenktijd voor slachtoffers?"))
    best, _ = store.search(vector, k=1)[0]
    assert "bedenktijd van drie maanden" in best.text

    passages = Assistant(remote_settings).retrieve("Welk land organiseerde een opleiding voor arbeidsinspecteurs?")
    assert "Luxemburg" in passages[0].text and passages[0].doc_id == "verslag.txt"

    with pytest.raises(StoreError, match="intfloat/multilingual-e5-small"):  # the index knows its model
        ParagraphStore(remote_settings, embeddings)


def test_an_unreachable_server_is_a_clear_error(settings):
    dead = settings.model_copy(update={"embedding_backend": "openai", "embedding_base_url": "http://127.0.0.1:9/v1"})
    with pytest.raises(EmbeddingServiceError, match=r"127\.0\.0\.1:9/v1/embeddings is unreachable"):
        ParagraphEmbeddings.from_settings(dead).embed_query("mensenhandel")


def test_the_cli_reports_an_unreachable_server_without_a_traceback(settings, tmp_path):
    (tmp_path / "verslag.txt").write_text(DOC, encoding="utf-8")
    env = os.environ | {
        "BENELUX_QA_DATA_DIR": str(settings.data_dir), "BENELUX_QA_EMBEDDING_BACKEND": "openai",
        "BENELUX_QA_EMBEDDING_BASE_URL": "http://127.0.0.1:9/v1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "benelux_qa.cli", "ingest", "--quiet", str(tmp_path / "verslag.txt")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 2 and "is unreachable" in result.stderr and "Traceback" not in result.stderr


def test_the_openai_backend_needs_a_url(settings):
    with pytest.raises(EmbeddingServiceError, match="BENELUX_QA_EMBEDDING_BASE_URL"):
        ParagraphEmbeddings.from_settings(settings.model_copy(update={"embedding_backend": "openai"}))
