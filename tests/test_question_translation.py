"""The question translated at question time into the languages of documents without twins in the asker's: which
languages, through English, searched with each version (real e5 and Chroma), in generative mode only; one test runs
the real LLM."""

from dataclasses import replace

import numpy as np
import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Mode
from assistant.assistant import Assistant
from assistant.question_translation import translated_question, untranslated_languages
from assistant.question import QueryVersion
from core.languages import detect_language
from core.records import DocumentInfo, DocumentRecord
from core.settings import Settings
from ingest.translation import Translator


def record(languages: list[str], translation: str) -> DocumentRecord:
    return DocumentRecord(DocumentInfo("d", "t", None, "k", languages), "hash", {}, translation)


def test_the_question_goes_to_the_languages_of_documents_whose_twins_are_not_all_made():
    documents = {"a": record(["nl"], ""), "b": record(["fr"], "partial"), "c": record(["nl", "en"], "done"), "d": record(["de"], "")}
    assert untranslated_languages(documents, "en") == ["fr", "nl"]
    assert untranslated_languages(documents, "nl") == ["fr"]
    assert untranslated_languages({"c": documents["c"]}, "fr") == []  # twins made: nothing to translate


def _translator(tmp_path, replies: list[str]) -> tuple[Translator, FakeListChatModel]:
    chat = FakeListChatModel(responses=replies)
    return Translator(Settings(data_dir=tmp_path / "data", translation_seed=None), chat=chat), chat


def test_a_french_question_reaches_dutch_through_english(tmp_path):
    question = "Où a eu lieu la première réunion de 2016 ?"
    english, dutch = "Where did the first meeting of 2016 take place?", "Waar vond de eerste bijeenkomst van 2016 plaats?"
    translator, _ = _translator(tmp_path, [english, dutch])
    assert translated_question(translator, question, "fr", ["en", "nl"]) == {"en": english, "nl": dutch}
    translator, _ = _translator(tmp_path / "again", [english, dutch])
    assert translated_question(translator, question, "fr", ["nl"]) == {"nl": dutch}  # English made, only to go through


def test_a_translation_the_checks_reject_is_left_out(tmp_path):
    translator, _ = _translator(tmp_path, ["Waar vond de eerste bijeenkomst van 2019 plaats?"])  # twice: 2016 lost
    assert translated_question(translator, "Where did the first meeting of 2016 take place?", "en", ["nl"]) == {}


DUTCH_ONLY = """Bestuurlijk toezicht op de prostitutiesector

De eerste bijeenkomst over bestuurlijk toezicht op de prostitutiesector vond plaats in Antwerpen. Gemeenten en \
politiediensten wisselden er hun kennis en ervaringen uit.

De arbeidsinspectie controleert de werkomstandigheden in de sector en meldt signalen van uitbuiting aan de politie.
"""
ASKED = "Where did the first meeting on administrative supervision of the prostitution sector take place?"
IN_DUTCH = "Waar vond de eerste bijeenkomst over bestuurlijk toezicht op de prostitutiesector plaats?"


@pytest.fixture
def dutch_only(settings, embeddings, tmp_path):
    """A store holding one Dutch document, without twins (as before the background translation has made them)."""
    from ingest.pipeline import Ingestor
    from vectorstore.store import ParagraphStore

    document = tmp_path / "toezicht.txt"
    document.write_text(DUTCH_ONLY, encoding="utf-8")
    store = ParagraphStore(settings, embeddings)
    Ingestor(settings, store, show_progress=False).ingest([document])
    return store


def test_a_passage_in_the_language_of_a_version_is_scored_by_that_version(settings, dutch_only, embeddings):
    from assistant.retrieval import HybridRetriever

    retriever = HybridRetriever(dutch_only, settings)
    asked = retriever.retrieve(ASKED, "en", 3).passages
    version = QueryVersion(IN_DUTCH, "nl", np.asarray(embeddings.embed_query(IN_DUTCH)))
    translated = retriever.retrieve(ASKED, "en", 3, versions=[version]).passages
    first = translated[0]
    assert "Antwerpen" in first.text and first.lang == "nl"
    assert first.dense_score == pytest.approx(float(version.vector @ np.asarray(embeddings.embed_passages([first.text])[0])), abs=0.05)
    assert first.dense_score > next(p.dense_score for p in asked if p.chunk_id == first.chunk_id)  # same language: closer


def test_generative_mode_translates_the_question_and_extractive_mode_never_does(settings, dutch_only):
    answer_text = "The first meeting took place in Antwerp (Antwerpen)."
    chat = FakeListChatModel(responses=[IN_DUTCH, answer_text])
    assistant = Assistant(settings, chat_model=chat, store=dutch_only)
    assistant.answerability = replace(assistant.answerability, threshold=0.0)  # (a two-passage index stands out little)
    generated = assistant.ask(ASKED, mode=Mode.GENERATIVE)
    assert "question_translation_s" in generated.timings and chat.i == 0  # both replies used: translation, answer
    assert not generated.refused and "Antwerpen" in generated.passages[0].text
    extractive = assistant.ask(ASKED, mode=Mode.EXTRACTIVE)
    assert "question_translation_s" not in extractive.timings
    off = Assistant(settings.model_copy(update={"question_translation": False}), chat_model=FakeListChatModel(responses=[answer_text]), store=dutch_only)
    assert "question_translation_s" not in off.ask(ASKED, mode=Mode.GENERATIVE).timings


class _DownOnce(FakeListChatModel):
    """Scripted replies, after failing its first request (a server briefly down)."""

    failed: bool = False

    def _call(self, messages, *args, **kwargs):
        if not self.failed:
            self.failed = True
            raise ConnectionError("server down")
        return super()._call(messages, *args, **kwargs)


def test_a_failing_llm_leaves_the_question_searched_as_asked_and_the_next_one_is_translated(settings, dutch_only):
    answer_text = "The first meeting took place in Antwerpen."
    chat = _DownOnce(responses=[answer_text, IN_DUTCH, answer_text])
    assistant = Assistant(settings, chat_model=chat, store=dutch_only)
    assistant.answerability = replace(assistant.answerability, threshold=0.0)
    first = assistant.ask(ASKED, mode=Mode.GENERATIVE)
    assert "question_translation_s" not in first.timings and "Antwerpen" in first.passages[0].text
    assert "question_translation_s" in assistant.ask(ASKED, mode=Mode.GENERATIVE).timings


def test_the_local_llm_translates_a_question(tmp_path, models_dir):
    translator = Translator(Settings(data_dir=tmp_path / "data", models_dir=models_dir, llm_backend="local", translation_seed=None))
    found = translated_question(translator, "Qui a signé la déclaration d'intention pour le Luxembourg en 2016 ?", "fr", ["en", "nl"])
    assert set(found) == {"en", "nl"}
    assert detect_language(found["en"]) == "en" and detect_language(found["nl"]) == "nl"
    assert all("2016" in text and "Luxemb" in text for text in found.values())
