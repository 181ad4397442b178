"""The index stays usable across processes, interrupted writes and damage (real Chroma, real model)."""

import base64
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.answer import Mode
from assistant.assistant import Assistant
from core.settings import Settings
from ingest.chunking import chunk_sentences
from ingest.library import DocumentLibrary
from ingest.pipeline import Ingestor
from vectorstore import store as store_module
from vectorstore.store import ParagraphStore, StoreError
from tests.conftest import CORPUS

HARBOUR = (
    "Havenproject Zeeland\n\n"
    "Het fictieve havenproject in Terneuzen leidde in 2024 precies 61 douaniers op om signalen van mensenhandel "
    "in de haven te herkennen.\n"
)
TRAIN = (
    "Spoorproject Limburg\n\n"
    "Het fictieve spoorproject in Venlo leidde in 2024 precies 38 conducteurs op om signalen van mensenhandel "
    "in treinen te herkennen.\n"
)


def cli(data_dir, *args, **environment) -> subprocess.CompletedProcess:
    env = {**os.environ, "BENELUX_QA_DATA_DIR": str(data_dir), "BENELUX_QA_MODELS_DIR": str(Settings().resolved_models_dir),
           "BENELUX_QA_MACHINE_TRANSLATION": "false", **environment}  # (translation has its own tests: tests/test_twins.py)
    return subprocess.run(
        [sys.executable, "-m", "benelux_qa.cli", *args], env=env, capture_output=True, text=True, timeout=900
    )


@pytest.fixture
def small_index(settings, embeddings):
    """A data dir holding one bundled document, indexed in this process."""
    store = ParagraphStore(settings, embeddings)
    Ingestor(settings, store, show_progress=False).ingest([CORPUS / "003_0cd5a18808cb444d.txt"])
    return settings, store


def cited_docs(answer) -> set[str]:
    return {c.doc_id for c in answer.citations}


def test_another_process_ingest_is_answerable_at_once(small_index, tmp_path):
    settings, store = small_index
    assistant, library = Assistant(settings, store=store), DocumentLibrary(settings, store)
    assert assistant.ask("Welke minister van Justitie sprak namens Luxemburg?", mode=Mode.EXTRACTIVE).citations  # caches warm
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "haven.txt").write_text(HARBOUR, encoding="utf-8")
    done = cli(settings.data_dir, "ingest", "--quiet", str(CORPUS / "003_0cd5a18808cb444d.txt"), str(tmp_path / "new"))
    assert done.returncode == 0, done.stdout + done.stderr

    answer = assistant.ask("Hoeveel douaniers leidde het havenproject in Terneuzen op?", mode=Mode.EXTRACTIVE)
    assert "haven.txt" in cited_docs(answer) and "61" in answer.text

    (tmp_path / "spoor.txt").write_text(TRAIN, encoding="utf-8")
    library.add([tmp_path / "spoor.txt"])  # an upload in the serving process after the other's ingest
    answer = assistant.ask("Hoeveel conducteurs leidde het spoorproject in Venlo op?", mode=Mode.EXTRACTIVE)
    assert "spoor.txt" in cited_docs(answer) and "38" in answer.text
    assert {"haven.txt", "spoor.txt"} <= set(store.documents())


def test_the_serving_process_follows_its_own_writes_document_by_document(small_index, tmp_path):
    """An upload or removal in the serving process is caught up from the store's record of its own writes (no
    read of every document's entry); after another process's write the store cannot tell, and all are compared."""
    settings, store = small_index
    assistant, library = Assistant(settings, store=store), DocumentLibrary(settings, store)
    question = "Hoeveel douaniers leidde het havenproject in Terneuzen op?"
    assert assistant.ask("Welke minister van Justitie sprak namens Luxemburg?", mode=Mode.EXTRACTIVE).citations  # caches warm
    before = store.version()
    (tmp_path / "haven.txt").write_text(HARBOUR, encoding="utf-8")
    library.add([tmp_path / "haven.txt"])
    assert store.changed_since(before, store.version()) == {"haven.txt"}
    answer = assistant.ask(question, mode=Mode.EXTRACTIVE)
    assert "haven.txt" in cited_docs(answer) and "61" in answer.text

    library.remove("haven.txt")
    assert store.changed_since(before, store.version()) == {"haven.txt"}
    assert "haven.txt" not in cited_docs(assistant.ask(question, mode=Mode.EXTRACTIVE))

    done = cli(settings.data_dir, "ingest", "--quiet", str(tmp_path / "haven.txt"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert store.changed_since(before, store.version()) is None
    answer = assistant.ask(question, mode=Mode.EXTRACTIVE)
    assert "haven.txt" in cited_docs(answer) and "61" in answer.text


def test_an_interrupted_write_is_never_searched_and_is_cleaned_up(small_index, tmp_path, monkeypatch):
    settings, store = small_index
    (tmp_path / "haven.txt").write_text(HARBOUR, encoding="utf-8")
    real_replace = store_module._replace

    def chunks_then_crash(collection, *args):
        real_replace(collection, *args)
        if collection is store.collection:
            raise KeyboardInterrupt  # as if killed after the chunks were written, before the registry entry

    monkeypatch.setattr(store_module, "_replace", chunks_then_crash)
    with pytest.raises(KeyboardInterrupt):
        Ingestor(settings, store, show_progress=False).ingest([tmp_path / "haven.txt"])
    monkeypatch.setattr(store_module, "_replace", real_replace)

    assert "haven.txt" not in store.documents()
    answer = Assistant(settings, store=store).ask("Hoeveel douaniers leidde het havenproject in Terneuzen op?", mode=Mode.EXTRACTIVE)
    assert "haven.txt" not in {p.doc_id for p in answer.passages}
    registered = sum(r.stats["chunks"] for r in store.documents().values())
    assert store.count() > registered  # the orphans are there...

    summary = Ingestor(settings, store, show_progress=False).ingest([tmp_path / "haven.txt"])
    assert summary.interrupted == ["haven.txt"] and summary.added == ["haven.txt"]  # ...until the next ingest
    assert store.count() == sum(r.stats["chunks"] for r in store.documents().values())


def test_a_damaged_keyword_index_is_built_again(small_index):
    settings, store = small_index
    for database in settings.keyword_index_dir.glob("*.sqlite3*"):
        database.write_bytes(b"\0" * 8192)
    answer = Assistant(settings, store=store).ask("Welke minister van Justitie sprak namens Luxemburg?", mode=Mode.EXTRACTIVE)
    assert answer.citations and not answer.refused


def test_a_damaged_database_gives_a_clear_message_and_can_be_rebuilt(small_index):
    settings, _ = small_index
    database = settings.index_dir / "chroma.sqlite3"
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(8192))

    for args in (["ask", "--mode", "extractive", "Welke minister sprak namens Luxemburg?"], ["ingest", "--quiet"]):
        done = cli(settings.data_dir, *args)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "--rebuild" in done.stderr and str(settings.data_dir) in done.stderr

    rebuilt = cli(settings.data_dir, "ingest", "--quiet", "--rebuild", str(CORPUS / "003_0cd5a18808cb444d.txt"))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    done = cli(settings.data_dir, "ask", "--mode", "extractive", "Welke minister van Justitie sprak namens Luxemburg?")
    assert done.returncode == 0 and "[1]" in done.stdout, done.stdout + done.stderr


def test_an_unopenable_database_names_the_way_out(settings, embeddings):
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"\0" * 4096)
    with pytest.raises(StoreError, match="--rebuild"):
        ParagraphStore(settings, embeddings)


def test_an_ingest_with_nothing_to_do_opens_neither_the_index_nor_a_model_until_something_changes(settings, embeddings, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "haven.txt").write_text(HARBOUR, encoding="utf-8")
    first = cli(settings.data_dir, "ingest", "--quiet", str(docs))
    assert first.returncode == 0 and "1 added" in first.stdout, first.stdout + first.stderr

    again = cli(settings.data_dir, "ingest", "--quiet", str(docs), PYTHONPROFILEIMPORTTIME="1")  # imports listed on stderr
    assert again.returncode == 0 and "0 added, 0 updated, 1 unchanged" in again.stdout, again.stdout + again.stderr
    assert "chromadb" not in again.stderr and "torch" not in again.stderr  # answered from the receipt
    (settings.data_dir / "ingest-receipt.json").unlink()
    full = cli(settings.data_dir, "ingest", "--quiet", str(docs), PYTHONPROFILEIMPORTTIME="1")
    assert "chromadb" in full.stderr  # (the check above can fail)
    assert again.stdout.splitlines()[:-1] == full.stdout.splitlines()[:-1]  # the same report, but for the seconds

    (docs / "spoor.txt").write_text(TRAIN, encoding="utf-8")  # a new file: the full ingest
    assert "1 added, 0 updated, 1 unchanged" in cli(settings.data_dir, "ingest", "--quiet", str(docs)).stdout
    store = ParagraphStore(settings, embeddings)
    store.delete_document("spoor.txt")  # a write by another process (e.g. a removal in the web UI)
    assert "1 added" in cli(settings.data_dir, "ingest", "--quiet", str(docs)).stdout
    assert "1 unchanged, 1 removed" in cli(settings.data_dir, "ingest", "--quiet", "--prune", str(docs / "haven.txt")).stdout


def test_an_index_keeping_one_entry_per_sentence_is_moved_to_entries_per_chunk(small_index, embeddings):
    """An index made before sentences were kept per chunk had them one entry each in `<collection>_sentences`; opening
    it moves them, so its answers keep their evidence without a re-ingest."""
    settings, store = small_index
    chunk_ids = [c.chunk_id for c in store.originals("003_0cd5a18808cb444d.txt")]
    before = store.sentences_of(chunk_ids)
    sets = store.sentences.get(include=["metadatas"])
    ids = [sentence_id for chunk_id, meta in zip(sets["ids"], sets["metadatas"]) for sentence_id, _ in store_module._sentences(chunk_id, meta)]
    legacy = store.client.create_collection(f"{settings.collection}_sentences", embedding_function=None)
    legacy.add(
        ids=ids, embeddings=[s.embedding.tolist() for s in before], documents=[s.text for s in before],
        metadatas=[{"doc_id": "003_0cd5a18808cb444d.txt", "chunk_id": s.chunk_id, "index": s.index} for s in before],
    )
    store.client.delete_collection(store.sentences.name)

    reopened = ParagraphStore(settings, embeddings)
    after = reopened.sentences_of(chunk_ids)
    assert [(s.chunk_id, s.index, s.text) for s in after] == [(s.chunk_id, s.index, s.text) for s in before] and len(before) > 10
    assert all(np.array_equal(a.embedding, b.embedding) for a, b in zip(after, before))
    assert set(reopened.stored_embeddings("003_0cd5a18808cb444d.txt")) >= set(ids)  # a re-ingest reuses their vectors
    assert f"{settings.collection}_sentences" not in {c.name for c in reopened.client.list_collections()}


def test_sentence_vectors_are_kept_in_half_the_bytes_and_older_full_size_entries_still_read(small_index, embeddings):
    """Sentence vectors are stored as float16 (the index's largest part on disk); they score sentences as the float32
    ones would, and an entry written as float32 (an index made before) reads back unchanged."""
    settings, store = small_index
    originals = store.originals("003_0cd5a18808cb444d.txt")
    chunk_ids = [c.chunk_id for c in originals]
    stored = store.sentences_of(chunk_ids)
    embedded = {(s.chunk_id, s.index): s.embedded for chunk in originals for s in chunk_sentences(chunk)}  # (with headings)
    exact = np.asarray(embeddings.embed_passages([embedded[s.chunk_id, s.index] for s in stored]))
    question = np.asarray(embeddings.embed_query("Wie ondertekende de intentieverklaring voor Luxemburg?"))
    kept = np.array([s.embedding for s in stored])
    assert kept.dtype == np.float32 and np.abs(kept - exact).max() < 1e-3
    assert np.abs(kept @ question - exact @ question).max() < 1e-4 and len(stored) > 10
    raw = store.sentences.get(ids=chunk_ids[:1], include=["metadatas"])["metadatas"][0]
    assert len(base64.b64decode(raw["vectors"])) == 2 * exact.shape[1] * len(json.loads(raw["sentences"]))

    older = raw | {"vectors": base64.b64encode(exact[: len(json.loads(raw["sentences"]))].astype(np.float32).tobytes()).decode()}
    del older["vector_type"]
    store.sentences.delete(ids=chunk_ids[:1])
    store.sentences.add(ids=chunk_ids[:1], embeddings=[[1.0]], metadatas=[older])
    reread = ParagraphStore(settings, embeddings).sentences_of(chunk_ids[:1])
    assert np.array_equal(np.array([s.embedding for s in reread]), exact[: len(reread)])
