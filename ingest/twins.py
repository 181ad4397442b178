"""Machine-translated twins: every chunk without a human translation gets one per other language.

A twin is stored beside its original as another way to find the same passage (embedded, and in BM25),
marked as machine-made and pointing to the original, which stays the one quoted and cited. Dutch
paragraphs paired with their French translation get only an English twin (made from the French).
Documents are translated after they are indexed, one at a time: each becomes findable in every language
as soon as its twins are written. Without an LLM, twins still come from the cache; the rest wait.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from core.languages import SUPPORTED
from core.text import WORD, fold_accents
from core.records import StoredChunk, Twin, twin_id
from core.sentences import heading_contexts, split_headed
from ingest.translation import PIVOT, TranslationUnavailable, Translator
from vectorstore.store import ParagraphStore

_SOURCE_PREFERENCE = (PIVOT, "fr", "nl")  # which version of a pair to translate: the model's best source language


@dataclass
class TranslationSummary:
    twins: int = 0  # written in this run
    made: int = 0  # sentences translated by the LLM in this run (the rest came from the cache)
    dropped: int = 0  # sentence translations that failed the fact check twice
    sentences: int = 0
    documents: list[str] = field(default_factory=list)
    unavailable: str | None = None  # why no new translations could be made

    def lines(self) -> list[str]:
        if not self.documents and not self.unavailable:
            return []
        lines = [
            f"machine translations: {self.twins} passages in {len(self.documents)} documents ({self.sentences} sentences, "
            f"{self.made} translated now, {self.dropped} dropped by the fact check)"
        ]
        if self.unavailable:
            lines.append(f"  translations unavailable ({self.unavailable}): documents stay searchable in their own language")
        return lines


def plan(chunks: list[StoredChunk]) -> list[tuple[StoredChunk, str]]:
    """(chunk, target language) for every twin the chunks need, English first (the others are made from it)."""
    versions: dict[str, dict[str, list[StoredChunk]]] = {}
    for chunk in chunks:
        versions.setdefault(chunk.pair_id or chunk.chunk_id, {}).setdefault(chunk.lang, []).append(chunk)
    needed = []
    for by_lang in versions.values():
        source = next((lang for lang in _SOURCE_PREFERENCE if lang in by_lang), None)
        if source is None:  # a language the index does not serve: no twins
            continue
        targets = sorted((lang for lang in SUPPORTED if lang not in by_lang), key=lambda lang: lang != PIVOT)
        needed += [(chunk, target) for target in targets for chunk in by_lang[source]]
    return needed


def _with_contexts(twin: Twin) -> list[tuple[str | None, str]]:
    """The twin's sentences, each with the translated headings to embed before it, as its original has them."""
    original = split_headed(twin.source.text, twin.source.lang)
    headings = [heading for _, heading in original] if len(original) == len(twin.sentences) else [False] * len(twin.sentences)
    return list(zip(twin.sentences, heading_contexts(twin.sentences, headings)))


class TwinMaker:
    """Translates the documents of a store that still need twins; writes each document's twins at once."""

    def __init__(self, store: ParagraphStore, translator: Translator, exclusive: Callable[[], AbstractContextManager] = nullcontext):
        self.store = store
        self.translator = translator
        self.exclusive = exclusive  # held while writing (e.g. the data dir's ingest lock)

    def pending(self) -> list[str]:
        return sorted(doc_id for doc_id, record in self.store.documents().items() if record.translation != "done")

    def run(self, doc_ids: list[str] | None = None, show_progress: bool = False) -> TranslationSummary:
        """Translate the given documents (default: all that need it). Interrupted (Ctrl-C), it stops after
        writing what it finished: the cache keeps every sentence made, and the next run continues."""
        summary = TranslationSummary()
        made_before = self.translator.made  # (the translator counts over its lifetime)
        try:
            todo = doc_ids if doc_ids is not None else self.pending()
            # (no tqdm object at all without a bar: the UI's progress tracking patches tqdm while an upload runs)
            for doc_id in tqdm(todo, desc="translating", unit="doc") if show_progress else todo:
                self.translate_document(doc_id, summary)
        except KeyboardInterrupt:
            summary.unavailable = "interrupted; every document is searchable in its own language, and ingesting again continues"
        summary.made = self.translator.made - made_before
        return summary

    def translate_document(self, doc_id: str, summary: TranslationSummary) -> None:
        originals = self.store.originals(doc_id)
        existing = {t.chunk_id: t for t in self.store.twins_of([c.chunk_id for c in originals])}
        todo = [(chunk, target) for chunk, target in plan(originals) if twin_id(chunk.chunk_id, target) not in existing]
        english = {t.translated_from: t.sentence_translations for t in existing.values() if t.lang == PIVOT}
        sentences: dict[str, list[str]] = {}
        for sentence in self.store.sentences_of(sorted({c.chunk_id for c, _ in todo})):
            sentences.setdefault(sentence.chunk_id, []).append(sentence.text)
        common = {fold_accents(w) for c in originals for w in WORD.findall(c.text) if w.islower()}
        twins, complete = [], True
        for chunk, target in todo:
            texts = sentences.get(chunk.chunk_id) or [chunk.text]
            # between two languages other than English: from the English translation, or none where that failed the
            # checks (asked straight from Dutch, the model made "Benelux-ministers" "ministres ... belgiques")
            pivoted = PIVOT not in (chunk.lang, target)
            via = (english.get(chunk.chunk_id) or []) if pivoted else []
            try:
                translated = [
                    None if pivoted and (i >= len(via) or via[i] is None)
                    else self.translator.translate(text, chunk.lang, target, via[i] if pivoted else None, common).text
                    for i, text in enumerate(texts)
                ]
            except TranslationUnavailable as error:
                summary.unavailable, complete = str(error), False
                break
            if target == PIVOT:
                english[chunk.chunk_id] = translated
            summary.sentences += len(translated)
            summary.dropped += sum(t is None for t in translated)
            if any(translated):
                twins.append(Twin(chunk, target, translated, texts))
        embedded = [t.text for t in twins] + [context + s for t in twins for s, context in _with_contexts(t) if s]
        vectors = np.asarray(self.store.embeddings.embed_passages(embedded)) if embedded else np.empty((0, 0))
        with self.exclusive():
            self.store.write_twins(doc_id, twins, vectors[: len(twins)], vectors[len(twins) :], "done" if complete else "partial")
        summary.twins += len(twins)
        summary.documents.append(doc_id)

