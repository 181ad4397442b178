"""Ingestion end to end with the real embedding model and a real on-disk Chroma."""

import shutil
from pathlib import Path

import pytest

from ingest.loaders import extract_text
from ingest.pipeline import Ingestor
from models.embeddings import ParagraphEmbeddings
from vectorstore.store import ParagraphStore, StoreError
from tests.conftest import BILINGUAL, CORPUS

SMALL_DOC = (
    "Nota over samenwerking\n\n"
    "De werkgroep Mensenhandel komt twee keer per jaar samen in Brussel om ervaringen uit te wisselen.\n\n"
    "Zij rapporteert jaarlijks aan het Comité van Ministers over de voortgang van de gezamenlijke opleidingen.\n"
)


def ingest(settings, embeddings, *paths, prune=False):
    store = ParagraphStore(settings, embeddings)
    return store, Ingestor(settings, store, show_progress=False).ingest(list(paths), prune=prune)


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, models_dir, embeddings):
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("corpus-index"), models_dir=models_dir)
    store, summary = ingest(settings, embeddings, CORPUS)
    return settings, store, summary


def test_corpus_ingest_summary(corpus_index):
    _, store, summary = corpus_index
    assert len(summary.added) == 5 and not summary.failed
    assert summary.paragraphs_by_lang["nl"] > summary.paragraphs_by_lang["fr"] > 50
    assert summary.total_repairs >= 7
    for name in BILINGUAL:
        assert summary.pairs[name] >= {"000_8155b968e599ee5e.txt": 18, "002_42a1812e0558ab74.txt": 36}[name]
    assert store.count() == summary.chunks == summary.embedded


def test_chunk_metadata_carries_the_citation_anchor(corpus_index):
    _, store, _ = corpus_index
    found = store.collection.get(where={"doc_id": "000_8155b968e599ee5e.txt"}, include=["documents", "metadatas"])
    (meta,) = [m for d, m in zip(found["documents"], found["metadatas"]) if "La communication interne est donc" in d]
    assert meta["lang"] == "fr" and meta["paragraph"] > 0 and meta["pair_id"]
    assert meta["date"] == "2016-03-19" and meta["title"].startswith("Antwoord van het Comité")
    twins = store.collection.get(where={"pair_id": meta["pair_id"]}, include=["documents", "metadatas"])
    assert any(m["lang"] == "nl" and "interne communicatie" in d for d, m in zip(twins["documents"], twins["metadatas"]))
    source = extract_text(CORPUS / "000_8155b968e599ee5e.txt")  # offsets point into the extracted text
    assert source[meta["start"] : meta["end"]].startswith("Pour la recherche des synergies")


def test_dense_search_finds_the_paragraph_across_languages(corpus_index):
    _, store, _ = corpus_index
    hits = store.langchain.similarity_search("Quand la déclaration d'intention Benelux a-t-elle été signée à Luxembourg ?", k=5)
    assert any(h.metadata["doc_id"] in ("001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt") for h in hits)


def test_reingest_without_changes_skips_everything(corpus_index, embeddings):
    settings, store, first = corpus_index
    _, again = ingest(settings, embeddings, CORPUS)
    assert len(again.unchanged) == 5 and not (again.added or again.updated)
    assert again.embedded == 0 and store.count() == first.chunks


def test_changed_document_replaces_its_chunks_and_prune_removes(settings, embeddings, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / "003_0cd5a18808cb444d.txt", docs)
    (docs / "nota.txt").write_text(SMALL_DOC, encoding="utf-8")
    store, first = ingest(settings, embeddings, docs)
    nota_before = set(store.collection.get(where={"doc_id": "nota.txt"})["ids"])

    (docs / "nota.txt").write_text(SMALL_DOC.replace("twee keer per jaar", "vier keer per jaar"), encoding="utf-8")
    store, second = ingest(settings, embeddings, docs)
    assert second.updated == ["nota.txt"] and second.unchanged == ["003_0cd5a18808cb444d.txt"]
    assert second.embedded == 1, "only the edited paragraph is embedded again"
    nota_after = store.collection.get(where={"doc_id": "nota.txt"}, include=["documents"])
    assert any("vier keer" in d for d in nota_after["documents"])
    assert not any("twee keer" in d for d in nota_after["documents"])
    assert len(set(nota_after["ids"]) & nota_before) == len(nota_before) - 1
    assert store.count() == first.chunks

    (docs / "nota.txt").unlink()
    store, third = ingest(settings, embeddings, docs, prune=True)
    assert third.removed == ["nota.txt"] and "nota.txt" not in store.documents()
    assert not store.collection.get(where={"doc_id": "nota.txt"})["ids"]


def test_bad_files_are_reported_by_name_and_the_rest_goes_in(settings, embeddings, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nota.txt").write_text(SMALL_DOC, encoding="utf-8")
    store, _ = ingest(settings, embeddings, docs)
    (docs / "empty.txt").write_text("  \n", encoding="utf-8")
    (docs / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (docs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (docs / "deutsch.txt").write_text(
        "Menschenhandel ist eine schwere Verletzung der Menschenrechte und muss von allen Staaten gemeinsam bekämpft werden.",
        encoding="utf-8",
    )
    (docs / "extra.md").write_text("# Extra\n\nDe **werkgroep** organiseert in 2023 een opleiding voor arbeidsinspecteurs.\n")
    store, summary = ingest(settings, embeddings, docs)
    assert set(summary.failed) == {"empty.txt", "broken.docx", "binary.txt", "image.png", "deutsch.txt"}
    assert "not supported" in summary.failed["deutsch.txt"] and "png" in summary.failed["image.png"]
    assert summary.added == ["extra.md"] and summary.unchanged == ["nota.txt"]
    assert set(store.documents()) == {"nota.txt", "extra.md"}


def test_opening_the_index_with_another_model_is_a_clear_error(settings, embeddings):
    ingest(settings, embeddings, CORPUS / "003_0cd5a18808cb444d.txt")
    other = ParagraphEmbeddings(embeddings.model_path, "some-other-model")
    with pytest.raises(StoreError, match="re-ingest"):
        ParagraphStore(settings, other)


def test_missing_path_is_reported(settings, embeddings, tmp_path: Path):
    _, summary = ingest(settings, embeddings, tmp_path / "nowhere")
    assert "no such file" in summary.failed[str(tmp_path / "nowhere")]


def test_a_file_gets_one_document_id_from_the_cli_and_from_an_upload(settings, embeddings, tmp_path):
    from ingest.library import DocumentLibrary
    from ui.documents import stage_uploads

    docs, staging = tmp_path / "docs", tmp_path / "staging"
    docs.mkdir(), staging.mkdir()
    (docs / "Nota 2022.txt").write_text(SMALL_DOC, encoding="utf-8")
    store, summary = ingest(settings, embeddings, docs)  # what `benelux-qa ingest` does
    assert summary.added == ["Nota_2022.txt"] and set(store.documents()) == {"Nota_2022.txt"}
    staged, problems = stage_uploads([str(docs / "Nota 2022.txt")], staging, 10_000, set(store.documents()))
    assert not staged and "already indexed" in problems[0]  # the upload sees the same id
    again = DocumentLibrary(settings, store).add([docs / "Nota 2022.txt"])  # the library copies it under its id
    assert again.unchanged == ["Nota_2022.txt"] and set(store.documents()) == {"Nota_2022.txt"}
