"""Chroma holding the chunks (with embeddings) and a registry of the indexed documents.

Embedded on disk (PersistentClient in the data dir) by default; a Chroma server when
`BENELUX_QA_CHROMA_HOST` is set. The chunk collection records which embedding model filled it,
and opening it with another model is an error rather than silent garbage.

Documents are marked as being written in the registry before their chunks are, and registered when
they all are (an ingest writes a group of documents at once: Chroma's cost is mostly per call): only
registered documents are listed and searched, and an ingest first removes what an interrupted one left.
Every change bumps the store's version, so a reader tells in one call whether its caches (the BM25
index, the list of documents) are current.

A chunk's sentences (texts and vectors) are one entry of their own collection, read by chunk id: they are
never searched by vector, so Chroma keeps no search index of them (it cost memory and write time).
"""

import base64
import functools
import json
import shutil
import threading
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from core.records import Chunk, DocumentInfo, DocumentRecord, Sentence, StoredChunk, StoredSentence, Twin
from core.settings import Settings
from models.embeddings import ParagraphEmbeddings
from vectorstore.errors import StoreError
from vectorstore.stamp import restamp


_BATCH = 256
_COSINE = {"hnsw": {"space": "cosine"}}


_WRITING = "writing"  # registry state of a document whose chunks are being written
_VERSION = "version"  # registry collection metadata: changes with every write
_WRITES_KEPT = 1000  # of this process's writes, the last ones remembered for `changed_since`
# suffixes of the collections beside the chunk collection
_SENTENCE_SETS = "_chunk_sentences"  # one entry per chunk: its sentences and their vectors
_REGISTRY = "_documents"
_LEGACY_SENTENCES = "_sentences"  # one entry per sentence, in an index made before `_SENTENCE_SETS`
# Sentence vectors are only compared with the question's (to pick the sentences to quote): half the bytes of float32
# on disk (Chroma keeps each metadata string twice: in its table and in an index), for a change in cosine of ~1e-4.
_SENTENCE_VECTOR_TYPE = "float16"


def _chroma_failure(error: BaseException) -> bool:
    """Whether `error` is Chroma failing (sqlite, HTTP and Rust-core errors of many types; on some damaged files
    the Rust core panics with pyo3's PanicException, a BaseException), not Ctrl-C or an exit."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _location(settings: Settings) -> str:
    return f"the Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.index_dir)


def damaged(settings: Settings, error: Exception) -> StoreError:
    """The error for an index that opened but cannot be read or written, with the way out."""
    return StoreError(
        f"the index at {_location(settings)} is damaged or unreadable ({type(error).__name__}: {error}). "
        f"Rebuild it with `benelux-qa ingest --rebuild` (data dir {settings.data_dir})"
    )


def _guarded(method):
    """Turns any failure of Chroma inside a store method into a `StoreError` that says how to rebuild."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            with self._lock:
                return method(self, *args, **kwargs)
        except StoreError:
            raise
        except BaseException as error:
            if not _chroma_failure(error):
                raise
            raise damaged(self.settings, error) from error

    return call


def make_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    except BaseException as error:
        if not _chroma_failure(error):
            raise
        raise StoreError(
            f"cannot open the index at {_location(settings)}: {error}. "
            f"If the data dir is damaged, rebuild it with `benelux-qa ingest --rebuild`"
        ) from error


def wipe_index(settings: Settings) -> None:
    """Remove the index (the local folder, or the collections on the server) so it can be rebuilt."""
    if not settings.chroma_host:
        restamp(settings)
        shutil.rmtree(settings.index_dir, ignore_errors=True)
        return
    client = make_client(settings)
    base = settings.collection
    for name in (base, *(base + suffix for suffix in (_SENTENCE_SETS, _LEGACY_SENTENCES, _REGISTRY))):
        try:
            client.delete_collection(name)
        except Exception:  # not there: nothing to remove
            pass


def _twin_metadata(twin: Twin) -> dict:
    source = twin.source
    return {
        "doc_id": source.doc_id, "title": source.title, "date": source.date or "", "kind": source.kind, "lang": twin.lang,
        "paragraph": source.paragraph, "part": source.part, "pair_id": "", "translated_from": source.chunk_id,
        "sentences": json.dumps(twin.sentences, ensure_ascii=False),
    }


def _chunk_metadata(chunk: Chunk, info: DocumentInfo, content_hash: str) -> dict:
    return {
        "doc_id": chunk.doc_id,
        "title": info.title,
        "date": info.date or "",
        "kind": info.kind,
        "lang": chunk.lang,
        "paragraph": chunk.paragraph,
        "part": chunk.part,
        "start": chunk.start,
        "end": chunk.end,
        "pair_id": chunk.pair_id or "",
        "content_hash": content_hash,
    }


@dataclass
class NewDocument:
    """A document's entries as `ParagraphStore.write_documents` stores them (`sentence_vectors`: one per sentence,
    in order; any shape when there is none)."""

    info: DocumentInfo
    content_hash: str
    chunks: list[Chunk]
    vectors: np.ndarray
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    stats: dict[str, int]


@dataclass
class ChunkVectors:
    """Stored chunks' vectors, one row each, with what each chunk is."""

    chunk_ids: list[str]
    doc_ids: list[str]
    passages: list[str]  # "doc_id:pair id or paragraph" of the passage it is a version of (a translation: its original's)
    langs: list[str]
    vectors: np.ndarray

    def replaced(self, doc_ids: set[str], current: "ChunkVectors") -> "ChunkVectors":
        """These, with the chunks of `doc_ids` replaced by `current` (those documents' chunks now; none: deleted)."""
        kept = [i for i, doc_id in enumerate(self.doc_ids) if doc_id not in doc_ids]
        return ChunkVectors(
            chunk_ids=[self.chunk_ids[i] for i in kept] + current.chunk_ids,
            doc_ids=[self.doc_ids[i] for i in kept] + current.doc_ids,
            passages=[self.passages[i] for i in kept] + current.passages,
            langs=[self.langs[i] for i in kept] + current.langs,
            vectors=np.concatenate([part for part in (self.vectors[kept], current.vectors) if len(part)] or [current.vectors]),
        )


class ParagraphStore:
    def __init__(self, settings: Settings, embeddings: ParagraphEmbeddings):
        self.settings = settings
        self.embeddings = embeddings
        self.written_version: str | None = None  # the version this process's last write set
        # (version before, version after, documents) of this process's last writes: who knows the version a cache
        # was current at can tell what changed since without reading every document's entry (`changed_since`)
        self._writes: deque[tuple[str, str, frozenset[str]]] = deque(maxlen=_WRITES_KEPT)
        self._lock = threading.RLock()  # one call at a time: a reopen must not pull the client from under a write
        self._open()
        recorded = (self.collection.metadata or {}).get("embedding_model")
        if recorded != embeddings.name:
            raise StoreError(
                f"the index was built with the embedding model '{recorded}', not '{embeddings.name}': "
                "re-ingest into an empty data dir (or delete the index) to switch models"
            )

    def _open(self) -> None:
        self.client = make_client(self.settings)
        name = self.settings.collection
        try:
            self.collection = self.client.get_or_create_collection(
                name, embedding_function=None, metadata={"embedding_model": self.embeddings.name}, configuration=_COSINE
            )
            self.sentences = self.client.get_or_create_collection(f"{name}{_SENTENCE_SETS}", embedding_function=None)
            self.registry = self.client.get_or_create_collection(f"{name}{_REGISTRY}", embedding_function=None)
            self._move_legacy_sentences()
        except BaseException as error:
            if not _chroma_failure(error):
                raise
            raise damaged(self.settings, error) from error
        self.__dict__.pop("langchain", None)  # made again on first use, over the new client

    def _move_legacy_sentences(self) -> None:
        """Move the sentences of an index made before they were kept per chunk (one entry each, indexed for a
        search never made) into their per-chunk entries, once, a group of documents at a time. (Another process
        opening the index may be moving them too: the same entries, and whoever finishes first removes the old.)"""
        try:
            legacy = self.client.get_collection(f"{self.settings.collection}{_LEGACY_SENTENCES}")
            doc_ids = sorted(self._registered())
            for start in range(0, len(doc_ids), 50):
                found = legacy.get(where={"doc_id": {"$in": doc_ids[start : start + 50]}}, include=["documents", "metadatas", "embeddings"])
                rows = [
                    (meta["doc_id"], meta["chunk_id"], sentence_id, meta["index"], text)
                    for sentence_id, meta, text in zip(found["ids"], found["metadatas"], found["documents"])
                ]
                _upsert(self.sentences, *_sentence_sets(rows, np.asarray(found["embeddings"])))
            self.client.delete_collection(legacy.name)
        except chromadb.errors.NotFoundError:  # none (or moved meanwhile)
            return

    @cached_property
    def langchain(self):
        """The chunk collection as a LangChain vector store (imported on first use: ingest does not need it)."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=self.settings.collection, embedding_function=self.embeddings)

    @_guarded
    def check_dimension(self) -> None:
        """Compares the stored vectors' dimension with the model's (loads the model)."""
        sample = self.collection.get(limit=1, include=["embeddings"])
        if len(sample["ids"]) and len(sample["embeddings"][0]) != self.embeddings.dimension:
            raise StoreError(
                f"the index holds {len(sample['embeddings'][0])}-dimensional vectors but the model makes "
                f"{self.embeddings.dimension}: re-ingest into an empty data dir"
            )

    # Registry -------------------------------------------------------------------------------

    @_guarded
    def version(self) -> str:
        """Changes with every write or removal, in any process: one cheap call tells whether caches are current.
        (Read afresh: a collection object keeps the metadata it was opened with.)"""
        return str((self.client.get_collection(self.registry.name).metadata or {}).get(_VERSION, ""))

    def _bump_version(self, doc_ids: Iterable[str]) -> None:
        before = self.version()
        self.written_version = uuid.uuid4().hex
        self.registry.modify(metadata={_VERSION: self.written_version})
        self._writes.append((before, self.written_version, frozenset(doc_ids)))

    def changed_since(self, old: str, new: str) -> set[str] | None:
        """The documents written or removed between versions `old` and `new` when this process made every change
        in between (and remembers them); None when it cannot tell (another process wrote, or too long ago)."""
        if old == new:
            return set()
        with self._lock:  # (a background thread may be writing)
            writes = list(self._writes)
        changed, expected = set(), new
        for before, after, doc_ids in reversed(writes):
            if after != expected:
                return None
            changed |= doc_ids
            if before == old:
                return changed
            expected = before
        return None

    @_guarded
    def reopen(self) -> None:
        """Open the index afresh. An embedded Chroma keeps its vector index in memory and does not see
        another process's writes (it returns deleted chunks); a server needs nothing."""
        if not self.settings.chroma_host:
            self.client.close()
            self._open()

    def _registered(self, doc_ids: list[str] | None = None) -> dict[str, dict]:
        """doc id → registry entry of the fully indexed documents (not those an interrupted ingest left half-written),
        of all or of those among `doc_ids`."""
        entries = self.registry.get(ids=doc_ids, include=["metadatas"]) if doc_ids != [] else {"ids": [], "metadatas": []}
        return {doc_id: meta for doc_id, meta in zip(entries["ids"], entries["metadatas"]) if meta.get("state") != _WRITING}

    @_guarded
    def documents(self, doc_ids: list[str] | None = None) -> dict[str, DocumentRecord]:
        """The fully indexed documents: all, or those among `doc_ids` (work in proportion to them)."""
        return {doc_id: _record(doc_id, meta) for doc_id, meta in self._registered(doc_ids).items()}

    @_guarded
    def revisions(self, doc_ids: list[str] | None = None) -> dict[str, str]:
        """doc id → its revision, which changes with every write of its chunks or twins (fully indexed documents
        only; all, or those among `doc_ids`)."""
        return {
            doc_id: meta.get("revision") or f"{meta['content_hash']}:{meta.get('translation', '')}"  # (an index made before revisions)
            for doc_id, meta in self._registered(doc_ids).items()
        }

    @_guarded
    def remove_interrupted(self) -> list[str]:
        """Remove the chunks and sentences of documents whose writing was interrupted; their ids."""
        interrupted = self.registry.get(where={"state": _WRITING}, include=[])["ids"]
        for doc_id in interrupted:
            self.delete_document(doc_id)
        return interrupted

    def _register(self, documents: list[NewDocument], state: str = "ready") -> None:
        """Registry entries for `documents`: being written (without hash or stats), or ready."""
        ready = state != _WRITING
        metas = [
            {
                "title": d.info.title, "date": d.info.date or "", "kind": d.info.kind, "languages": ",".join(d.info.languages),
                "content_hash": d.content_hash if ready else "", "stats": json.dumps(d.stats if ready else {}), "state": state,
                "translation": "", "revision": uuid.uuid4().hex,
            }
            for d in documents
        ]
        self.registry.upsert(
            ids=[d.info.doc_id for d in documents], embeddings=[[1.0]] * len(documents), documents=[d.info.title for d in documents],
            metadatas=metas,
        )

    # Chunks ---------------------------------------------------------------------------------

    @_guarded
    def stored_embeddings(self, doc_id: str) -> dict[str, np.ndarray]:
        """id → vector of the document's chunks and sentences now in the store."""
        found = self.collection.get(where={"doc_id": doc_id}, include=["embeddings"])
        vectors = dict(zip(found["ids"], (np.asarray(e) for e in found["embeddings"])))
        sets = self.sentences.get(where={"doc_id": doc_id}, include=["metadatas"])
        for chunk_id, meta in zip(sets["ids"], sets["metadatas"]):
            vectors |= {sentence_id: sentence.embedding for sentence_id, sentence in _sentences(chunk_id, meta)}
        return vectors

    @_guarded
    def write_documents(self, documents: list[NewDocument]) -> None:
        """Replace these documents' chunks and sentences, in a few calls for all of them (Chroma's cost is mostly
        per call). They are marked as being written first and registered last: if the write is interrupted, none
        of them is ever searched and the next ingest redoes them."""
        if not documents:
            return
        doc_ids = [d.info.doc_id for d in documents]
        restamp(self.settings)
        self._register(documents, state=_WRITING)
        chunks = [(c, d) for d in documents for c in d.chunks]
        _replace(
            self.collection, doc_ids, [c.chunk_id for c, _ in chunks], np.concatenate([d.vectors for d in documents]),
            [c.text for c, _ in chunks], [_chunk_metadata(c, d.info, d.content_hash) for c, d in chunks],
        )
        with_sentences = [d for d in documents if d.sentences]
        rows = [(d.info.doc_id, s.chunk_id, s.sentence_id, s.index, s.text) for d in with_sentences for s in d.sentences]
        vectors = np.concatenate([d.sentence_vectors for d in with_sentences]) if with_sentences else np.empty((0, 0))
        _replace(self.sentences, doc_ids, *_sentence_sets(rows, vectors))
        self._register(documents)
        self._bump_version(doc_ids)

    @_guarded
    def originals(self, doc_id: str) -> list[StoredChunk]:
        """The document's own chunks (not machine translations), in reading order."""
        chunks = [c for c in self._chunks(where={"doc_id": doc_id}) if c.translated_from is None]
        return sorted(chunks, key=lambda c: (c.paragraph, c.part))

    @_guarded
    def write_twins(self, doc_id: str, twins: list[Twin], vectors: np.ndarray, sentence_vectors: np.ndarray, state: str) -> None:
        """Add machine translations of the document's chunks (searched like any chunk), with their sentences
        (`sentence_vectors`: of each twin's kept sentences, in order), and record how far its translation
        got (`state`: "done" or "partial")."""
        entry = self.registry.get(ids=[doc_id], include=["metadatas"])["metadatas"]
        if not entry or entry[0].get("state") == _WRITING:  # removed or being rewritten meanwhile
            return
        restamp(self.settings)
        present = set(self.collection.get(ids=sorted({t.source.chunk_id for t in twins}), include=[])["ids"]) if twins else set()
        sentences = [(twin, i, text) for twin in twins for i, text in enumerate(twin.sentences) if text]
        keep = [twin.source.chunk_id in present for twin in twins]  # a rewrite may have replaced some
        keep_sentence = [twin.source.chunk_id in present for twin, _, _ in sentences]
        twins, vectors = [t for t, k in zip(twins, keep) if k], vectors[np.asarray(keep, dtype=bool)] if twins else vectors
        sentences = [s for s, k in zip(sentences, keep_sentence) if k]
        sentence_vectors = sentence_vectors[np.asarray(keep_sentence, dtype=bool)] if keep_sentence else sentence_vectors
        _upsert(self.collection, [t.chunk_id for t in twins], vectors, [t.text for t in twins], [_twin_metadata(t) for t in twins])
        rows = [(doc_id, twin.chunk_id, f"{twin.chunk_id}/{i}", i, text) for twin, i, text in sentences]
        _upsert(self.sentences, *_sentence_sets(rows, sentence_vectors))
        self.registry.update(ids=[doc_id], metadatas=[entry[0] | {"translation": state, "revision": uuid.uuid4().hex}])
        self._bump_version([doc_id])

    @_guarded
    def twins_of(self, chunk_ids: list[str]) -> list[StoredChunk]:
        """The machine translations of the given chunks (every language)."""
        return list(self._chunks(where={"translated_from": {"$in": chunk_ids}})) if chunk_ids else []

    @_guarded
    def sentences_of(self, chunk_ids: list[str]) -> list[StoredSentence]:
        """Every sentence of the given chunks, in text order."""
        if not chunk_ids:
            return []
        found = self.sentences.get(ids=sorted(set(chunk_ids)), include=["metadatas"])
        rows = sorted(zip(found["ids"], found["metadatas"]))
        return [sentence for chunk_id, meta in rows for _, sentence in _sentences(chunk_id, meta)]

    @_guarded
    def delete_document(self, doc_id: str) -> None:
        restamp(self.settings)
        self.registry.delete(ids=[doc_id])
        self.collection.delete(where={"doc_id": doc_id})
        self.sentences.delete(where={"doc_id": doc_id})
        self._bump_version([doc_id])

    @_guarded
    def search(self, vector: np.ndarray, k: int) -> list[tuple[StoredChunk, float]]:
        """The `k` chunks nearest to `vector`, with their cosine similarity, best first."""
        found = self.collection.query(query_embeddings=[vector.tolist()], n_results=k, include=["documents", "metadatas", "distances"])
        rows = zip(found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0])
        # (a chunk deleted by another process since this one opened the index comes back without its text)
        return [(_stored_chunk(i, text, meta), 1.0 - distance) for i, text, meta, distance in rows if text is not None]

    @_guarded
    def chunks_of(self, doc_ids: list[str]) -> list[StoredChunk]:
        """Every chunk (originals and machine translations) of the given documents."""
        return list(self._chunks(where={"doc_id": {"$in": doc_ids}})) if doc_ids else []

    @_guarded
    def chunks_by_ids(self, ids: list[str]) -> dict[str, StoredChunk]:
        """id → chunk (with its embedding) for those of `ids` that exist."""
        if not ids:
            return {}
        found = self.collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        rows = zip(found["ids"], found["documents"], found["metadatas"], found["embeddings"])
        return {i: _stored_chunk(i, t, m, np.asarray(e)) for i, t, m, e in rows}

    @_guarded
    def chunks_in_pairs(self, pair_ids: list[str]) -> list[StoredChunk]:
        """Every chunk (both languages) of the given translation pairs."""
        return list(self._chunks(where={"pair_id": {"$in": pair_ids}})) if pair_ids else []

    @_guarded
    def chunk_vectors(self, doc_ids: list[str] | None = None) -> "ChunkVectors":
        """Every chunk's vector (originals and machine translations), of the given documents or all, with the passage
        it is a version of."""
        if doc_ids is None:
            found = self.collection.get(include=["metadatas", "embeddings"])
        elif doc_ids:
            found = self.collection.get(where={"doc_id": {"$in": doc_ids}}, include=["metadatas", "embeddings"])
        else:
            return ChunkVectors([], [], [], [], np.empty((0, 0), dtype=np.float32))
        metas = dict(zip(found["ids"], found["metadatas"]))
        originals = [metas.get(meta.get("translated_from") or chunk_id, meta) for chunk_id, meta in metas.items()]
        return ChunkVectors(
            chunk_ids=list(found["ids"]), doc_ids=[o["doc_id"] for o in originals],
            passages=[f"{o['doc_id']}:{o['pair_id'] or o['paragraph']}" for o in originals],
            langs=[meta["lang"] for meta in found["metadatas"]], vectors=np.asarray(found["embeddings"], dtype=np.float32),
        )

    def parallel_versions(self) -> list[dict[str, np.ndarray]]:
        """Every passage's vector in each language the index has it in (original, human translation, machine
        twins; the mean over its chunks when it was split), one dict per passage."""
        found = self.chunk_vectors()
        grouped: dict[str, dict[str, list[np.ndarray]]] = {}
        for passage, lang, vector in zip(found.passages, found.langs, found.vectors):
            grouped.setdefault(passage, {}).setdefault(lang, []).append(vector)
        return [{lang: np.mean(vectors, axis=0) for lang, vectors in by_lang.items()} for by_lang in grouped.values()]

    @_guarded
    def _chunks(self, **query) -> Iterable[StoredChunk]:
        found = self.collection.get(include=["documents", "metadatas"], **query)
        return (_stored_chunk(*row) for row in zip(found["ids"], found["documents"], found["metadatas"]))

    @_guarded
    def count(self) -> int:
        return self.collection.count()


def _sentence_sets(rows: list[tuple[str, str, str, int, str]], vectors: np.ndarray) -> tuple:
    """`_upsert`'s arguments for one entry per chunk holding its sentences in text order, from one row per sentence
    (doc id, chunk id, sentence id, place in the chunk, text) and their vectors, in the same order. The entry's own
    vector is a constant: it is read by id, never searched. The vectors are kept as float16 (`_SENTENCE_VECTOR_TYPE`)."""
    positions: dict[str, list[int]] = {}
    for position in sorted(range(len(rows)), key=lambda p: rows[p][3]):
        positions.setdefault(rows[position][1], []).append(position)
    metadatas = [
        {
            "doc_id": rows[at[0]][0],
            "sentences": json.dumps([rows[p][2:] for p in at], ensure_ascii=False),
            "vectors": base64.b64encode(np.asarray(vectors[at], dtype=_SENTENCE_VECTOR_TYPE).tobytes()).decode("ascii"),
            "vector_type": _SENTENCE_VECTOR_TYPE,
        }
        for at in positions.values()
    ]
    return list(positions), np.ones((len(positions), 1)), None, metadatas


def _sentences(chunk_id: str, meta: dict) -> list[tuple[str, StoredSentence]]:
    """(sentence id, sentence) of a chunk's entry made by `_sentence_sets`, in text order."""
    rows = json.loads(meta["sentences"])
    stored_as = meta.get("vector_type", "float32")  # (float32: an entry written before float16)
    vectors = np.frombuffer(base64.b64decode(meta["vectors"]), dtype=stored_as).reshape(len(rows), -1).astype(np.float32)
    return [(sentence_id, StoredSentence(chunk_id, text, vector, index)) for (sentence_id, index, text), vector in zip(rows, vectors)]


def _upsert(collection, ids: list[str], vectors: np.ndarray, texts: list[str] | None, metadatas: list[dict]) -> None:
    for start in range(0, len(ids), _BATCH):
        end = start + _BATCH
        collection.upsert(
            ids=ids[start:end], embeddings=vectors[start:end].tolist(), documents=texts and texts[start:end], metadatas=metadatas[start:end]
        )


def _replace(collection, doc_ids: list[str], ids: list[str], vectors: np.ndarray, texts: list[str] | None, metadatas: list[dict]) -> None:
    """Make `collection` hold exactly these entries for the documents `doc_ids`: upsert them, then delete the others."""
    old_ids = set(collection.get(where={"doc_id": {"$in": doc_ids}}, include=[])["ids"])
    _upsert(collection, ids, vectors, texts, metadatas)
    stale = sorted(old_ids - set(ids))
    if stale:
        collection.delete(ids=stale)


def _record(doc_id: str, meta: dict) -> DocumentRecord:
    info = DocumentInfo(
        doc_id=doc_id, title=meta["title"], date=meta["date"] or None, kind=meta["kind"],
        languages=[lang for lang in meta["languages"].split(",") if lang],
    )
    return DocumentRecord(
        info=info, content_hash=meta["content_hash"], stats=json.loads(meta["stats"]), translation=meta.get("translation", "")
    )


def _stored_chunk(chunk_id: str, text: str, meta: dict, embedding: np.ndarray | None = None) -> StoredChunk:
    return StoredChunk(
        chunk_id=chunk_id, text=text, doc_id=meta["doc_id"], title=meta["title"], date=meta["date"] or None,
        kind=meta["kind"], lang=meta["lang"], paragraph=meta["paragraph"], part=meta["part"],
        pair_id=meta["pair_id"] or None, embedding=embedding, translated_from=meta.get("translated_from"),
        sentence_translations=json.loads(meta["sentences"]) if "sentences" in meta else None,
    )
