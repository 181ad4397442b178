"""The same store code against a real `chroma run` server; interruption and concurrent ingests."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.pipeline import Ingestor
from vectorstore.store import ParagraphStore, StoreError
from tests.conftest import CORPUS, free_port


def test_ingest_and_query_through_a_chroma_server(chroma_server, tmp_path, models_dir, embeddings):
    settings = Settings(data_dir=tmp_path / "client", models_dir=models_dir, chroma_host="127.0.0.1", chroma_port=chroma_server)
    store = ParagraphStore(settings, embeddings)
    summary = Ingestor(settings, store, show_progress=False).ingest([CORPUS / "003_0cd5a18808cb444d.txt", CORPUS / "001_29f7b3141a8d4611.txt"])
    assert len(summary.added) == 2
    assert not (tmp_path / "client" / "index").exists(), "server mode must not write a local index"
    reopened = ParagraphStore(settings, embeddings)
    assert reopened.count() == summary.chunks
    hits = reopened.langchain.similarity_search("Welke minister van Justitie sprak namens Luxemburg?", k=3)
    assert any("Félix Braz" in h.page_content for h in hits)


def test_unreachable_server_is_a_clear_error(tmp_path, models_dir, embeddings):
    settings = Settings(data_dir=tmp_path, models_dir=models_dir, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreError, match="cannot open the index"):
        ParagraphStore(settings, embeddings)


def run_ingest(data_dir: Path, *paths: Path) -> subprocess.Popen:
    env = {**os.environ, "BENELUX_QA_DATA_DIR": str(data_dir), "BENELUX_QA_MODELS_DIR": str(Settings().resolved_models_dir),
           "BENELUX_QA_MACHINE_TRANSLATION": "false"}  # (translation has its own tests: tests/test_twins.py)
    return subprocess.Popen(
        [sys.executable, "-m", "benelux_qa.cli", "ingest", "--quiet", *map(str, paths)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_kill_during_ingest_leaves_the_previous_index_usable(tmp_path, models_dir, embeddings):
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, models_dir=models_dir)
    first = run_ingest(data_dir, CORPUS / "003_0cd5a18808cb444d.txt")
    assert first.wait(timeout=600) == 0, first.stdout.read()
    before = ParagraphStore(settings, embeddings).count()

    process = run_ingest(data_dir, CORPUS)
    time.sleep(12)  # model loaded, embedding the large documents
    process.send_signal(signal.SIGKILL)
    process.wait()

    store = ParagraphStore(settings, embeddings)
    assert "003_0cd5a18808cb444d.txt" in store.documents()
    assert store.count() >= before
    hits = store.langchain.similarity_search("minister van Justitie", k=2)
    assert hits, "the index answers queries after the kill"
    again = run_ingest(data_dir, CORPUS)
    output = again.communicate(timeout=900)[0]
    assert again.returncode == 0, output
    assert "5 in this run" in output


def test_two_ingests_at_once_do_not_corrupt_the_store(tmp_path, models_dir, embeddings):
    data_dir = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt"):
        shutil.copy(CORPUS / name, docs)
    processes = [run_ingest(data_dir, docs) for _ in range(2)]
    outputs = [p.communicate(timeout=900)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert any("waiting for it to finish" in out for out in outputs)
    store = ParagraphStore(Settings(data_dir=data_dir, models_dir=models_dir), embeddings)
    assert set(store.documents()) == {"001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt"}
    totals = sum(r.stats["chunks"] for r in store.documents().values())
    assert store.count() == totals
