"""Hybrid retrieval on a real index (real Chroma, real e5)."""

import json
import shutil
from pathlib import Path

from assistant import retrieval
from assistant.retrieval import HybridRetriever
from ingest.pipeline import Ingestor
from vectorstore.store import ParagraphStore


def test_a_month_the_question_names_favours_the_document_dated_then(settings, embeddings, tmp_path, monkeypatch):
    """Two reports of a meeting, the one of June 2020 a little closer in wording; asked about March 2019, the
    March 2019 report comes first, by its date alone (without the date weight the June one does)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report-march.txt").write_text("De werkgroep kwam samen in Maastricht om de gezamenlijke controles te evalueren.\n")
    (docs / "report-june.txt").write_text(
        "De werkgroep arbeidsuitbuiting kwam samen in Maastricht om de gezamenlijke controles te evalueren.\n"
    )
    dates = {"report-march.txt": {"date": "2019-03-14"}, "report-june.txt": {"date": "2020-06-02"}}
    (docs / "metadata.json").write_text(json.dumps(dates))
    store = ParagraphStore(settings, embeddings)
    Ingestor(settings, store, show_progress=False).ingest([docs])
    question = "Why did the labour exploitation working group meet in Maastricht in March 2019?"

    def first_document() -> str:
        return HybridRetriever(store, settings).retrieve(question, "en", 2).passages[0].doc_id

    assert first_document() == "report-march.txt"
    monkeypatch.setattr(retrieval, "DATE_WEIGHT", 0.0)
    assert first_document() == "report-june.txt"


FAQ_DOCUMENTS = Path(__file__).resolve().parents[1] / "eval" / "corpora" / "coronamelder-faq" / "documents"


def test_a_passage_near_everything_does_not_outrank_the_one_that_answers(settings, embeddings, tmp_path, monkeypatch):
    """The CoronaMelder privacy statement opens with what the app is, a passage near every other of the FAQ: asked
    in English about a Dutch answer it came first. Taking part of its hubness off puts the answering passage first,
    also when the statement is added after the retriever read the index (it reads the new document's vectors alone).
    (Chunks are embedded without their documents' titles here: the title too puts the answering passage first.)"""
    from ingest import chunking

    monkeypatch.setattr(chunking, "title_in", lambda title, lang: "")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FAQ_DOCUMENTS / "doc06_faq-techniek-nl.txt", docs)
    store = ParagraphStore(settings, embeddings)
    ingestor = Ingestor(settings, store, show_progress=False)
    ingestor.ingest([docs])
    question = "From which Android version onwards do location settings no longer need to be switched on to use CoronaMelder?"
    retriever = HybridRetriever(store, settings)
    assert "versie 11" in retriever.retrieve(question, "en", 3).passages[0].text
    shutil.copy(FAQ_DOCUMENTS / "doc11_privacyverklaring-nl.txt", docs)
    ingestor.ingest([docs])
    read = []
    monkeypatch.setattr(store, "chunk_vectors", lambda doc_ids=None, read_all=store.chunk_vectors: read.append(doc_ids) or read_all(doc_ids))

    assert "versie 11" in retriever.retrieve(question, "en", 3).passages[0].text
    assert read == [["doc11_privacyverklaring-nl.txt"]]
    assert sorted(retriever._vectors.chunk_ids) == sorted(store.chunk_vectors().chunk_ids)
    monkeypatch.setattr(retrieval, "HUB_WEIGHT", 0.0)
    assert "versie 11" not in HybridRetriever(store, settings).retrieve(question, "en", 3).passages[0].text


def test_a_paragraph_that_does_not_name_its_documents_subject_is_found_by_its_title(settings, embeddings, tmp_path, monkeypatch):
    """Two interviews whose paragraphs say "ze" and "hij", never the name in the title: asked about the one person, her
    paragraph comes before his because every chunk is embedded after its document's title (without it, it does not)."""
    from ingest import chunking

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "jansen.txt").write_text(
        "Interview met arbeidsinspecteur Marleen Jansen\n\nZe vertelt over haar werk.\n\n"
        "Haar ploeg bezoekt meestal bouwplaatsen en distributiecentra.\n"
    )
    (docs / "devries.txt").write_text(
        "Interview met rechercheur Pieter de Vries\n\nHij vertelt over zijn werk.\n\n"
        "Zijn team controleert vooral massagesalons en hotels op signalen van uitbuiting.\n"
    )
    question = "Wat controleert het team van Marleen Jansen vooral?"  # in the words of his paragraph

    def first_team(data_dir) -> str:
        store = ParagraphStore(settings.model_copy(update={"data_dir": data_dir}), embeddings)
        Ingestor(store.settings, store, show_progress=False).ingest([docs])
        passages = HybridRetriever(store, store.settings).retrieve(question, "nl", 6).passages
        return next(p.text for p in passages if "vooral" in p.text or "meestal" in p.text)

    assert "bouwplaatsen" in first_team(tmp_path / "titled")
    monkeypatch.setattr(chunking, "title_in", lambda title, lang: "")
    assert "massagesalons" in first_team(tmp_path / "untitled")
