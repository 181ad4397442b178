"""Hybrid retrieval: dense search in Chroma (e5 `query:` prompt) plus BM25 with stemming, fused.

Both searches also look through the machine translations made at ingest (`ingest.twins`), so a passage is
found in whatever language it is asked about. A passage and its translations, human or machine, count as
one hit, which is always an original: shown in the asker's language when the document has that version,
with the other version as its translation; else in its own language (the one that was machine-translated),
with the machine translation into the asker's language. For documents without those translations yet, generative mode
also searches with the question machine-translated into their languages (`assistant.question_translation`).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer import Passage
from assistant.question import QueryVersion
from core.records import DocumentRecord, StoredChunk, twin_id
from core.settings import Settings
from core.text import months_named
from models.language_offsets import load_offsets
from vectorstore.hubness import Hubness
from vectorstore.keyword_index import KeywordIndex, Vocabulary, current_keyword_index
from vectorstore.store import ChunkVectors, ParagraphStore, StoreError

# Fusion: cosine similarity + KEYWORD_WEIGHT × BM25 / best BM25 of the query. e5's cosines sit in a
# narrow band, so a small weight makes exact terms (names, numbers) decide between close candidates.
# Measured on eval/questions.jsonl (hit@1 / hit@5 / MRR): dense only 0.72 / 0.88 / 0.79, BM25 only
# 0.54 / 0.71 / 0.60, reciprocal rank fusion 0.67 / 0.76 / 0.70, this with 0.01: 0.76 / 0.88 / 0.80.
# The cosines are first taken off the model's lean towards the question's language (`models.language_offsets`).
# Refitted since, with that and the machine-translated twins (in BM25 too), on both corpora's tuning halves (MRR,
# bundled / coronamelder-faq): 0.005 0.839 / 0.724, 0.01 0.835 / 0.719, 0.015 0.832 / 0.727, 0.02 0.844 / 0.745,
# 0.025 0.844 / 0.739, 0.03 0.840 / 0.755 (bundled hit@5 0.896 → 0.875); held-out halves, 0.01 → 0.02:
# 0.797 → 0.833 / 0.628 → 0.693.
KEYWORD_WEIGHT = 0.02
# A question that names a month ("the December 2016 press release", "son message de juillet 2021") most often names
# a document by its date: passages of documents dated in a month the question names get this much more. Fitted on the
# tuning halves (bundled hit@5 / MRR): 0 0.896 / 0.844, 0.01 0.917 / 0.851, 0.02 0.938 / 0.856, 0.03 the same;
# coronamelder-faq unchanged (0.906 / 0.745). Held-out bundled half, 0 → 0.02: 0.938 / 0.833 → 0.958 / 0.840. A bare year
# ("the 2016 declaration") was tried too: it lost as many tuning questions as it won (years of events inside a later document).
DATE_WEIGHT = 0.02
# A passage near very many others ranks high for very many questions, most of all asked in another language than its
# own (`vectorstore.hubness`): this much of its hubness (mean cosine to its HUB_NEIGHBOURS nearest chunks of other
# passages) comes off its cosine. Fitted on the tuning halves (MRR bundled / coronamelder-faq,
# 20 neighbours): 0 0.904 / 0.813, 0.1 0.904 / 0.825, 0.2 0.906 / 0.833, 0.3 0.892 / 0.845, 0.5 0.883 / 0.852, 1.0
# 0.843 / 0.775 (5, 10 or 50 neighbours did no better); test halves, 0 → 0.2: 0.914 → 0.928 / 0.763 → 0.769 (bundled
# questions asked across languages, hit@1 0.714 → 0.762); the public-algorithms halves, never fitted on: 0.673 →
# 0.696 / 0.645 → 0.645.
HUB_WEIGHT = 0.2
HUB_NEIGHBOURS = 20


@dataclass
class Retrieved:
    passages: list[Passage]  # best first
    background: float  # mean cosine of the candidates that did not make the top k: how far the best stands out


@dataclass
class _Hit:
    chunk: StoredChunk
    dense: float  # cosine similarity (what the answerability signals read)
    keyword: float | None = None
    bonus: float = 0.0  # KEYWORD_WEIGHT × BM25 / best BM25
    fused: float = 0.0  # the ranking score: the cosine without the language lean and part of the hubness, plus the bonuses


def _passage(chunks: list[StoredChunk], **scores) -> Passage:
    """The passage made of `chunks` (the parts of one paragraph, in order)."""
    first = chunks[0]
    return Passage(
        chunk_id=first.chunk_id, doc_id=first.doc_id, title=first.title, date=first.date, kind=first.kind,
        lang=first.lang, paragraph=first.paragraph, text=" ".join(c.text for c in chunks), pair_id=first.pair_id,
        chunk_ids=[c.chunk_id for c in chunks], **scores,
    )


class HybridRetriever:
    def __init__(self, store: ParagraphStore, settings: Settings):
        self.store = store
        self.settings = settings
        self.offsets = load_offsets(settings.language_offsets_file, store.embeddings.name)
        self._version: str | None = None
        self._keyword: KeywordIndex | None = None
        self._documents: dict[str, DocumentRecord] = {}  # the indexed documents, as of the last refresh
        self._vectors: ChunkVectors | None = None  # of all stored chunks, for their hubness
        self._hubness: Hubness | None = None

    def refresh(self) -> None:
        """Catch up with the store when any process changed it (one call when nothing did): reopen it
        if another process wrote, reload the list of documents and the BM25 index, measure the chunks' hubness."""
        version = self.store.version()
        if version == self._version and self._keyword is not None:
            return
        if self._version is not None and version != self.store.written_version:
            self.store.reopen()
        changed = self.store.changed_since(self._version, version) if self._version is not None else None
        if changed is None:
            self._documents = self.store.documents()
            self._vectors = self.store.chunk_vectors()
        else:  # only this process wrote since: look at what it wrote
            kept = {doc_id: record for doc_id, record in self._documents.items() if doc_id not in changed}
            self._documents = kept | self.store.documents(sorted(changed))
            self._vectors = self._vectors.replaced(changed, self.store.chunk_vectors(sorted(changed)))
        self._keyword = current_keyword_index(self.store, self.settings.keyword_index_dir, version, self._keyword)
        self._hubness = Hubness(self._vectors, self._documents, HUB_NEIGHBOURS)
        self._version = version

    @property
    def documents(self) -> dict[str, DocumentRecord]:
        """The indexed documents' records, caught up with the store (one cheap call when nothing changed)."""
        self.refresh()
        return self._documents

    @property
    def corpus_terms(self) -> Vocabulary:
        """The numbers and word beginnings found anywhere in the documents, as of the last refresh."""
        if self._keyword is None:
            self.refresh()
        return self._keyword.vocabulary

    def retrieve(
        self, query: str, lang: str, k: int, vector: np.ndarray | None = None, versions: Sequence[QueryVersion] = (),
    ) -> Retrieved:
        """The `k` best passages for `query` (asked in `lang`), best first; `vector` is the query's embedding.
        `versions`, the query in other languages: a passage in one of those is found and scored by that version (e5
        matches same-language text best), the others by the query itself."""
        if vector is None:
            vector = np.asarray(self.store.embeddings.embed_query(query))
        self.refresh()
        try:
            hits = self._searched(query, lang, vector, versions, fetch=max(4 * k, 20))
        except StoreError:  # another process may have written since the refresh: once more, on the index reopened
            self.store.reopen()
            self._version = None
            self.refresh()
            hits = self._searched(query, lang, vector, versions, fetch=max(4 * k, 20))
        chosen, seen = [], set()
        for hit in hits:
            key = hit.chunk.pair_id or hit.chunk.chunk_id
            if key not in seen:
                seen.add(key)
                chosen.append(hit)
            if len(chosen) == k:
                break
        top = {hit.chunk.chunk_id for hit in chosen}
        rest = [hit.dense for hit in hits if hit.chunk.chunk_id not in top] or [hit.dense for hit in chosen] or [0.0]
        return Retrieved(self._with_translations(chosen, lang), float(np.mean(rest)))

    def _searched(self, query: str, lang: str, vector: np.ndarray, versions: Sequence[QueryVersion], fetch: int) -> list[_Hit]:
        """One scored hit per original chunk found, best first (see `retrieve` for `versions`)."""
        months = months_named(query)
        own = {version.lang for version in versions}
        hits = [h for h in self._as_originals(self._candidates(query, vector, lang, fetch), vector, lang, months) if h.chunk.lang not in own]
        for version in versions:
            found = self._as_originals(self._candidates(version.text, version.vector, version.lang, fetch), version.vector, version.lang, months)
            hits += [h for h in found if h.chunk.lang == version.lang]
        return sorted(hits, key=lambda h: h.fused, reverse=True)

    def _candidates(self, query: str, vector: np.ndarray, lang: str, fetch: int) -> list[_Hit]:
        """Candidates from both searches (of indexed documents only: not one an ingest is writing or left
        half-written), with their cosine similarity and BM25 bonus (`_as_originals` scores them)."""
        dense = self.store.search(vector, fetch)
        hits = {chunk.chunk_id: _Hit(chunk, dense=similarity) for chunk, similarity in dense if chunk.doc_id in self._documents}
        keyword = self._keyword.search(query, lang, fetch)
        missing = [chunk_id for chunk_id, _ in keyword if chunk_id not in hits]
        for chunk_id, chunk in self.store.chunks_by_ids(missing).items():
            if chunk.doc_id in self._documents:
                hits[chunk_id] = _Hit(chunk, dense=float(vector @ chunk.embedding))
        top_keyword = keyword[0][1] if keyword else 1.0
        for chunk_id, score in keyword:
            if chunk_id in hits:
                hits[chunk_id].keyword = score
        for hit in hits.values():
            hit.bonus = KEYWORD_WEIGHT * (hit.keyword or 0.0) / top_keyword
        return list(hits.values())

    def _unleaned(self, cosine: float, vector: np.ndarray, lang: str) -> float:
        """`cosine` (of the query `vector` and a passage in `lang`) without the model's lean towards some languages."""
        return cosine - self.offsets.lean(vector, lang) if self.offsets else cosine

    def _as_originals(self, hits: list[_Hit], vector: np.ndarray, lang: str, months: set[str]) -> list[_Hit]:
        """One hit per original chunk, whichever version (the original or a machine translation) was found:
        scored by the better cosine (without the language lean and part of the hubness) of the original and its
        translation into the asker's language, plus the best BM25 bonus of its versions, plus DATE_WEIGHT when its document is dated in one of
        the `months` ("yyyy-mm") the question names. (On the tuning questions asked across languages, hit@1 /
        hit@5 / MRR: the better cosine 0.55 / 0.90 / 0.70, their mean 0.60 / 0.80 / 0.69, the original's only 0.55 / 0.85 / 0.69.)"""
        versions: dict[str, list[_Hit]] = {}
        for hit in hits:
            versions.setdefault(hit.chunk.translated_from or hit.chunk.chunk_id, []).append(hit)
        originals = self.store.chunks_by_ids(sorted(versions))
        twins = {t.translated_from: t for t in self.store.chunks_by_ids([twin_id(o, lang) for o in originals]).values()}
        hubness = self._hubness.of([*originals, *(t.chunk_id for t in twins.values())])
        combined = []
        for chunk_id, chunk in originals.items():
            found = [chunk] + ([twins[chunk_id]] if chunk_id in twins else [])
            cosines = [float(vector @ version.embedding) for version in found]
            unleaned = max(
                self._unleaned(c, vector, version.lang) - HUB_WEIGHT * hubness[version.chunk_id] for c, version in zip(cosines, found)
            )
            bonus = max(h.bonus for h in versions[chunk_id])
            keyword = max((h.keyword for h in versions[chunk_id] if h.keyword is not None), default=None)
            dated = DATE_WEIGHT if chunk.date and chunk.date[:7] in months else 0.0
            combined.append(_Hit(chunk, max(cosines), keyword, bonus, unleaned + bonus + dated))
        return sorted(combined, key=lambda h: h.fused, reverse=True)

    def _with_translations(self, hits: list[_Hit], lang: str) -> list[Passage]:
        """Passages in the asker's language where the document has that version, with the other version as
        translation; else in their own (one with a machine translation into the asker's language, if any)."""
        versions: dict[str, dict[str, list[StoredChunk]]] = {}  # pair id (or chunk id) → language → its chunks
        for chunk in self.store.chunks_in_pairs([h.chunk.pair_id for h in hits if h.chunk.pair_id]):
            versions.setdefault(chunk.pair_id, {}).setdefault(chunk.lang, []).append(chunk)
        for hit in hits:
            versions.setdefault(hit.chunk.pair_id or hit.chunk.chunk_id, {hit.chunk.lang: [hit.chunk]})
        foreign = [by_lang for by_lang in (versions[h.chunk.pair_id or h.chunk.chunk_id] for h in hits) if lang not in by_lang]
        machine = self._machine_translations([c.chunk_id for by_lang in foreign for chunks in by_lang.values() for c in chunks], lang)
        passages = []
        for rank, hit in enumerate(hits, start=1):
            scores = {"score": hit.fused, "rank": rank, "dense_score": hit.dense, "keyword_score": hit.keyword}
            by_lang = versions[hit.chunk.pair_id or hit.chunk.chunk_id]
            found = _passage([hit.chunk], **scores)
            if lang in by_lang:
                shown_lang = lang
            else:
                translated = [l for l, chunks in by_lang.items() if all(c.chunk_id in machine for c in chunks)]
                shown_lang = hit.chunk.lang if hit.chunk.lang in translated or not translated else translated[0]
            shown = found if shown_lang == hit.chunk.lang else _passage(_in_order(by_lang[shown_lang]), **scores)
            if len(by_lang) > 1:
                other_lang = hit.chunk.lang if shown_lang != hit.chunk.lang else next(l for l in by_lang if l != shown_lang)
                shown.translation = found if other_lang == hit.chunk.lang else _passage(_in_order(by_lang[other_lang]), **scores)
            if shown_lang != lang:
                shown.machine_translation = _machine_passage([machine[c] for c in shown.chunk_ids if c in machine], shown, **scores)
            shown.versions = sorted(by_lang)
            passages.append(shown)
        return passages

    def _machine_translations(self, chunk_ids: list[str], lang: str) -> dict[str, StoredChunk]:
        """Original chunk id → its machine translation into `lang`, for those that have one."""
        return {t.translated_from: t for t in self.store.twins_of(chunk_ids) if t.lang == lang}


def _in_order(chunks: list[StoredChunk]) -> list[StoredChunk]:
    return sorted(chunks, key=lambda c: (c.paragraph, c.part))


def _machine_passage(twins: list[StoredChunk], original: Passage, **scores) -> Passage | None:
    """The machine translation of `original` (all its chunks translated), or None."""
    if not twins or len(twins) != len(original.chunk_ids):
        return None
    passage = _passage(twins, **scores)
    passage.machine = True
    return passage
