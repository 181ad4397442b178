"""Cross-lingual twins end to end, with the real e5 model, on-disk Chroma and the real LLM.

The bundled corpus ships its translations (data/translations.jsonl, made by `benelux-qa ingest`):
ingesting it needs no LLM, and the project's LLM reproduces a sample of them.
"""

import difflib
import json
import time

import pytest

from assistant.answer import Mode
from assistant.assistant import Assistant
from conftest import CORPUS
from core.settings import REPO_ROOT, Settings
from ingest.library import DocumentLibrary
from ingest.pipeline import Ingestor
from ingest.translation import PROMPT_VERSION, Translator, cache_key
from models.embeddings import ParagraphEmbeddings
from vectorstore.store import ParagraphStore

SHIPPED = REPO_ROOT / "data" / "translations.jsonl"
DECLARATION = CORPUS / "001_29f7b3141a8d4611.txt"  # Dutch only
PRESS_RELEASE = CORPUS / "003_0cd5a18808cb444d.txt"  # Dutch only


def _ingest(settings: Settings, *paths):
    store = ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
    return store, Ingestor(settings, store, show_progress=False, translator=Translator(settings)).ingest(list(paths))


def test_the_shipped_translations_are_reproduced_by_the_projects_llm(tmp_path, models_dir):
    entries = [json.loads(line) for line in SHIPPED.read_text(encoding="utf-8").splitlines()]
    kept = sorted((e for e in entries if e["text"] and len(e["source"]) > 40), key=lambda e: (len(e["source"]), e["key"]))
    sample = [next(e for e in kept if (e["from"], e["to"]) == pair) for pair in (("nl", "en"), ("fr", "en"), ("en", "fr"))]
    translator = Translator(Settings(data_dir=tmp_path, models_dir=models_dir, translation_seed=None))
    for entry in sample:  # the English text of a pivot entry stands in for its Dutch original: same facts
        again = translator.translate(entry["source"], entry["from"], entry["to"]).text
        # Close, not always byte for byte: llama.cpp builds for different CPU extensions (AVX2, AVX-512) add up in
        # different orders, and greedy decoding then sometimes picks another word ("for this" / "for this purpose").
        assert again and difflib.SequenceMatcher(None, again, entry["text"]).ratio() >= 0.8, (entry["text"], again)
    assert translator.made == len(sample)


def test_a_dutch_only_document_answers_english_and_french_questions_with_labelled_translations(tmp_path, models_dir):
    settings = Settings(data_dir=tmp_path, models_dir=models_dir, llm_backend="extractive")  # the shipped cache suffices
    store, summary = _ingest(settings, DECLARATION)
    assert summary.translation.twins > 0 and summary.translation.made == 0
    assert store.documents()[DECLARATION.name].translation == "done"
    assistant = Assistant(settings, store=store)
    for question, lang in [
        ("Under which existing working group will the new ad hoc working group operate?", "en"),
        ("Sous quel groupe de travail existant la nouvelle cellule ad hoc sera-t-elle placée ?", "fr"),
    ]:
        answer = assistant.ask(question, mode=Mode.EXTRACTIVE)
        assert not answer.refused and answer.lang == lang
        top = answer.passages[0]
        assert top.lang == "nl" and top.doc_id == DECLARATION.name
        assert top.machine_translation is not None and top.machine_translation.machine and top.machine_translation.lang == lang
        cited = answer.citations[0]
        assert cited.lang == "nl" and cited.machine_translation and cited.machine_translation_lang == lang
        label = {"en": "machine translation", "fr": "traduction automatique"}[lang]
        assert label in answer.text and {"en": "only in Dutch", "fr": "qu'en néerlandais"}[lang] in answer.text


def test_a_dutch_sentence_whose_english_translation_failed_gets_no_french_one(tmp_path, models_dir):
    """French is made from the English; where the English failed the checks, none is asked straight from the Dutch
    (the small model made the press release's 'Benelux-ministers van Justitie' 'ministres de Justice belgiques')."""
    settings = Settings(data_dir=tmp_path, models_dir=models_dir, llm_backend="extractive")  # the shipped cache suffices
    line, made = "Benelux-ministers van Justitie gaan hun samenwerking in strijd tegen mensenhandel versterken", \
        "Les ministres de Justice belgiques vont travailler ensemble pour renforcer la lutte contre la traite des êtres humains."
    translator = Translator(settings)  # the direct translation the model made, as if cached here: never asked for
    key = cache_key(line, "nl", "fr", translator.model, translator.glossary.terms(line, "nl", "fr"))
    translator.cache.put(key, {"key": key, "model": translator.model, "prompt": PROMPT_VERSION, "from": "nl", "to": "fr", "source": line,
                                "text": made, "problems": [], "rejected": None})
    store, summary = _ingest(settings, PRESS_RELEASE)
    assert summary.translation.made == 0
    originals = store.originals(PRESS_RELEASE.name)
    twins = {(t.translated_from, t.lang): t.sentence_translations for t in store.twins_of([c.chunk_id for c in originals])}
    pairs = [(en, twins.get((c.chunk_id, "fr"))) for c in originals if (en := twins.get((c.chunk_id, "en")))]
    assert pairs and sum(e is None for en, _ in pairs for e in en) > 0  # (else nothing is checked)
    assert all(f is None for en, fr in pairs if fr for e, f in zip(en, fr) if e is None)
    assert not any("belgiques" in (f or "") for _, fr in pairs for f in fr or [])
    # a twin stands for its whole passage: a sentence whose translation was dropped stays in the original's words
    english = {t.translated_from: t for t in store.twins_of([c.chunk_id for c in originals]) if t.lang == "en"}
    for chunk_id, twin in english.items():
        original = [s.text for s in store.sentences_of([chunk_id])]
        kept = [o for o, translated in zip(original, twin.sentence_translations) if translated is None]
        assert all(sentence in twin.text for sentence in kept)


def test_without_an_llm_documents_stay_searchable_and_ingest_says_translations_are_unavailable(tmp_path, models_dir):
    settings = Settings(
        data_dir=tmp_path / "data", models_dir=models_dir, llm_path=tmp_path / "missing.gguf", translation_seed=None,
    )
    doc = tmp_path / "nota.txt"
    doc.write_text("De werkgroep vergaderde op 3 maart 2021 in Brussel over de opvang van slachtoffers.\n", encoding="utf-8")
    store, summary = _ingest(settings, doc)
    assert summary.added == ["nota.txt"] and summary.translation.unavailable
    assert any("translations unavailable" in line for line in summary.lines())
    assert store.documents()["nota.txt"].translation == "partial"
    passages = Assistant(settings, store=store).retrieve("Wanneer vergaderde de werkgroep?")
    assert passages and passages[0].doc_id == "nota.txt" and passages[0].machine_translation is None


def test_an_added_document_is_searchable_at_once_and_translated_in_the_background(tmp_path, models_dir):
    settings = Settings(data_dir=tmp_path / "data", models_dir=models_dir, translation_seed=None)
    store = ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
    library = DocumentLibrary(settings, store)
    doc = tmp_path / "verslag.txt"
    doc.write_text("Het opvangcentrum Payoke in Antwerpen ving in 2021 precies 47 slachtoffers op.\n", encoding="utf-8")
    library.add([doc])
    assistant = Assistant(settings, store=store)
    assert assistant.retrieve("Hoeveel slachtoffers ving Payoke op?")[0].doc_id == "verslag.txt"
    deadline = time.monotonic() + 900  # a liveness bound for the background thread, not a speed check
    while store.documents()["verslag.txt"].translation != "done" and time.monotonic() < deadline:
        time.sleep(2)
    assert store.documents()["verslag.txt"].translation == "done"
    assert library.translation_status(store.documents()["verslag.txt"]) == "done"
    twins = {t.lang: t for t in store.twins_of([c.chunk_id for c in store.originals("verslag.txt")])}
    assert set(twins) == {"en", "fr"}
    for twin in twins.values():
        assert "47" in twin.text and "2021" in twin.text and "Payoke" in twin.text
    top = assistant.retrieve("How many victims did Payoke take in?")[0]
    assert top.doc_id == "verslag.txt" and top.machine_translation.lang == "en"
