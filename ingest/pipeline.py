"""Incremental ingestion: parse → chunk → embed → pair → store, skipping unchanged documents."""

import time
from collections.abc import Iterable, Iterator
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout
from tqdm import tqdm

from core.records import Chunk, Paragraph, Sentence
from core.settings import Settings
from core.text import document_id
from ingest.chunking import chunk_paragraphs, chunk_sentences
from ingest.loaders import SUPPORTED_SUFFIXES, UnreadableDocument
from ingest.metadata import SIDECAR, read_sidecar
from ingest.pairing import pair_translations
from ingest.parse import ParsedDocument, content_hash, parse_document
from ingest.translation import Translator
from ingest.twins import TranslationSummary, TwinMaker
from vectorstore.ingest_lock import IngestLease
from vectorstore.keyword_index import current_keyword_index
from vectorstore.store import NewDocument, ParagraphStore


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file → reason
    interrupted: list[str] = field(default_factory=list)  # left half-written by an interrupted ingest; removed
    skipped: dict[str, str] = field(default_factory=dict)  # set aside on purpose (hidden, broken metadata.json) → reason
    pairs: dict[str, int] = field(default_factory=dict)  # per document written in this run
    flagged: dict[str, list[int]] = field(default_factory=dict)  # document → § left out as instructions to an AI
    paragraphs_by_lang: Counter = field(default_factory=Counter)  # whole index
    total_pairs: int = 0
    total_repairs: int = 0
    chunks: int = 0
    embedded: int = 0
    translation: TranslationSummary = field(default_factory=TranslationSummary)
    seconds: float = 0.0

    def as_unchanged(self) -> "IngestSummary":
        """What an ingest of the same files reports once this one is done: every document unchanged, nothing made."""
        return replace(
            self, added=[], updated=[], unchanged=self.added + self.updated + self.unchanged, removed=[], interrupted=[],
            pairs={}, flagged={}, embedded=0, translation=TranslationSummary(),  # no document left to translate
        )

    def lines(self) -> list[str]:
        docs = len(self.added) + len(self.updated) + len(self.unchanged)
        lines = [
            f"documents: {len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.failed)} failed, {len(self.skipped)} skipped ({docs} in this run)",
            "paragraphs in the index: " + ", ".join(f"{lang} {n}" for lang, n in sorted(self.paragraphs_by_lang.items())),
            f"translation pairs: {self.total_pairs}; repaired page-break splits: {self.total_repairs}; "
            f"chunks: {self.chunks} ({self.embedded} embedded now)",
        ]
        lines += [f"  pairs in {doc}: {n}" for doc, n in self.pairs.items()]
        lines += [f"  skipped {name}: {reason}" for name, reason in (self.failed | self.skipped).items()]
        lines += [
            f"  left out of {doc}: {len(numbers)} paragraph(s) that read as instructions to an AI assistant "
            f"(§ {', '.join(map(str, numbers))}); they are not indexed"
            for doc, numbers in self.flagged.items()
        ]
        lines += [f"  removed what an interrupted ingest left of {doc}" for doc in self.interrupted]
        lines += self.translation.lines()
        lines.append(f"seconds: {self.seconds:.1f}")
        return lines


def _hidden_part(path: Path, root: Path) -> Path | None:
    """The first part of `path` below `root` whose name starts with "." (a hidden file or folder), or None."""
    parts = path.relative_to(root).parts
    for depth, part in enumerate(parts, start=1):
        if part.startswith("."):
            return root.joinpath(*parts[:depth])
    return None


def discover(paths: list[Path]) -> tuple[list[Path], dict[str, str], dict[str, str]]:
    """The document files among `paths` (folders are searched), the problems found by name, and what
    was set aside on purpose (hidden files and folders, a broken metadata.json) with the reason."""
    files, problems, skipped = [], {}, {}
    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                hidden = _hidden_part(found, path)
                if hidden == found:
                    skipped[found.name] = "hidden file"
                elif hidden is not None:
                    skipped[f"{hidden.name}/"] = "hidden folder"
                elif found.name != SIDECAR:
                    files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            problems[str(path)] = "no such file or folder"
    seen: dict[str, Path] = {}
    usable = []
    for file in files:
        doc_id = document_id(file.name)
        if file.suffix.lower() not in SUPPORTED_SUFFIXES:
            problems[file.name] = f"unsupported file type '{file.suffix}' (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})"
        elif doc_id in seen:
            problems[str(file)] = f"{seen[doc_id]} has the same document id ({doc_id}); document ids must be unique"
        else:
            seen[doc_id] = file
            usable.append(file)
    for folder in sorted({file.parent for file in usable}):
        problem = read_sidecar(folder)[1]
        if problem:
            skipped[str(folder / SIDECAR)] = problem
    return usable, problems, skipped


def _paragraph_vectors(paragraphs: list[Paragraph], chunks: list[Chunk], vectors: np.ndarray) -> np.ndarray:
    """One normalised vector per paragraph: the mean of its chunks' vectors."""
    by_paragraph: dict[int, list[np.ndarray]] = {}
    for chunk, vector in zip(chunks, vectors):
        by_paragraph.setdefault(chunk.paragraph, []).append(vector)
    means = np.stack([np.mean(by_paragraph[p.number], axis=0) for p in paragraphs])
    return means / np.linalg.norm(means, axis=1, keepdims=True)


@dataclass
class _Changed:
    """A document to (re)write, with its chunks and their sentences."""

    doc: ParsedDocument
    chunks: list[Chunk]
    sentences: list[Sentence]
    indexed_before: bool  # an update: its unchanged chunks' vectors are in the store


def _pairs_bare(doc: ParsedDocument, chunks: list[Chunk]) -> bool:
    """Whether the document's paragraphs are paired on their chunks' vectors without the title: each language's title
    before them ("Antwoord ...", "Réponse ...") moved the pairs of a document in Dutch and French apart and lost one
    of the bundled corpus's."""
    return {"nl", "fr"} <= {p.lang for p in doc.paragraphs} and any(c.context for c in chunks)


def _bare_key(chunk: Chunk) -> str:
    """Where `Ingestor._vectors` keeps the chunk's vector without its title."""
    return f"{chunk.chunk_id}#bare"


def texts_to_embed(doc: ParsedDocument, chunks: list[Chunk], sentences: list[Sentence]) -> dict[str, str]:
    """What ingest embeds of a document, by key: each chunk and sentence with its context, and each chunk without it
    too when the document's paragraphs are paired on those (`_pairs_bare`)."""
    texts = {c.chunk_id: c.embedded for c in chunks} | {s.sentence_id: s.embedded for s in sentences}
    return texts | ({_bare_key(c): c.text for c in chunks} if _pairs_bare(doc, chunks) else {})


# Texts (chunks + sentences) parsed and embedded before they are written: large enough for the
# length-sorted batches to pay off, small enough that memory does not grow with the run (~3 MB of vectors).
GROUP_TEXTS = 2048


def _groups(changed: Iterable[_Changed], max_texts: int) -> Iterator[list[_Changed]]:
    """Consecutive documents holding up to `max_texts` texts together (a larger document is a group of its own)."""
    group, size = [], 0
    for item in changed:
        texts = len(item.chunks) + len(item.sentences)
        if group and size + texts > max_texts:
            yield group
            group, size = [], 0
        group.append(item)
        size += texts
    if group:
        yield group


@contextmanager
def exclusive_ingest(settings: Settings) -> Iterator[None]:
    """One ingest at a time per data dir, and per index on a Chroma server (whichever machine it runs on):
    a second one waits instead of writing concurrently."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.data_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=1)
    except Timeout:
        print("another ingest is running on this data dir; waiting for it to finish...", flush=True)
        lock.acquire()
    try:
        with _server_lease(settings):
            yield
    finally:
        lock.release()


@contextmanager
def _server_lease(settings: Settings) -> Iterator[None]:
    """The index's ingest lease on the Chroma server, when there is one."""
    if not settings.chroma_host:
        yield
        return
    lease = IngestLease(settings)
    if not lease.try_acquire():
        print(f"another ingest is running on the index at {lease.server}; waiting for it to finish...", flush=True)
        lease.acquire()
    try:
        yield
    finally:
        lease.release()


class Ingestor:
    def __init__(self, settings: Settings, store: ParagraphStore, show_progress: bool = True, translator: Translator | None = None):
        """With a `translator`, documents get their machine-translated twins after all are indexed
        (without one, a caller can make them later, e.g. in the background: `ingest.twins`)."""
        self.settings = settings
        self.store = store
        self.show_progress = show_progress
        self.translator = translator

    def _vectors(self, to_write: list[_Changed], summary: IngestSummary) -> dict[str, np.ndarray]:
        """Vectors of what ingest embeds of the group's documents (`texts_to_embed`; stored ones reused, keyed by
        content-derived ids), the rest embedded together in length-sorted batches (less padding: close to the bare model's speed)."""
        vectors: dict[str, np.ndarray] = {}
        for changed in (c for c in to_write if c.indexed_before):
            vectors |= self.store.stored_embeddings(changed.doc.info.doc_id)
        new = {
            key: text for changed in to_write
            for key, text in texts_to_embed(changed.doc, changed.chunks, changed.sentences).items() if key not in vectors
        }
        ordered = sorted(new.items(), key=lambda item: len(item[1]))
        step = self.settings.embedding_batch_size * 4
        with tqdm(total=len(ordered), desc="embedding", unit="text", disable=not self.show_progress or not ordered) as bar:
            for start in range(0, len(ordered), step):
                part = ordered[start : start + step]
                vectors |= zip((key for key, _ in part), self.store.embeddings.embed_passages([t for _, t in part]))
                bar.update(len(part))
        summary.embedded += sum(c.chunk_id in new for changed in to_write for c in changed.chunks)
        return vectors

    def _prepared(self, changed: _Changed, vectors: dict[str, np.ndarray], summary: IngestSummary) -> NewDocument:
        """The document's entries as the store writes them: its chunks paired across languages, with their vectors."""
        doc, chunks, sentences = changed.doc, changed.chunks, changed.sentences
        doc_id = doc.info.doc_id
        chunk_vectors = np.stack([vectors[c.chunk_id] for c in chunks])
        pairing_vectors = np.stack([vectors[_bare_key(c)] for c in chunks]) if _pairs_bare(doc, chunks) else chunk_vectors
        pairs = pair_translations(doc.paragraphs, _paragraph_vectors(doc.paragraphs, chunks, pairing_vectors), doc_id)
        pair_of = {p.number: p.pair_id for p in doc.paragraphs}
        for chunk in chunks:
            chunk.pair_id = pair_of[chunk.paragraph]
        langs = Counter(p.lang for p in doc.paragraphs)
        stats = {"paragraphs": len(doc.paragraphs), "chunks": len(chunks), "pairs": pairs, "repairs": doc.repairs}
        if doc.flagged:
            stats["flagged"] = len(doc.flagged)
            summary.flagged[doc_id] = list(doc.flagged)
        stats |= {f"paragraphs_{lang}": n for lang, n in langs.items()}
        sentence_vectors = np.stack([vectors[s.sentence_id] for s in sentences]) if sentences else np.empty((0, 0))
        summary.pairs[doc_id] = pairs
        return NewDocument(doc.info, doc.content_hash, chunks, chunk_vectors, sentences, sentence_vectors, stats)

    def ingest(self, paths: list[Path], prune: bool = False, count_index: bool = True) -> IngestSummary:
        """Index the documents under `paths`; with `prune`, remove indexed documents not among them. With
        `count_index`, the summary also counts the whole index (paragraphs, pairs, chunks: a read of every
        document's entry); without, an ingest of a few files costs in proportion to them, not to the index.

        Callers hold `exclusive_ingest` around opening the store and ingesting.
        """
        started = time.perf_counter()
        summary = IngestSummary()
        summary.interrupted = self.store.remove_interrupted()
        files, summary.failed, summary.skipped = discover(paths)
        indexed = self.store.documents(None if prune else [document_id(f.name) for f in files])
        checked = False
        # Parsed, embedded and written a group of documents at a time: peak memory is one group's texts
        # and vectors (or one document, which max_document_mb bounds), whatever the number of documents.
        for group in _groups(self._changed_documents(files, indexed, summary), GROUP_TEXTS):
            if not checked:
                self.store.check_dimension()
                checked = True
            vectors = self._vectors(group, summary)
            self.store.write_documents([self._prepared(changed, vectors, summary) for changed in group])
            del vectors
        if prune:
            keep = {document_id(f.name) for f in files}
            for doc_id in sorted(set(indexed) - keep):
                self.store.delete_document(doc_id)
                summary.removed.append(doc_id)
        if self.translator is not None:
            summary.translation = TwinMaker(self.store, self.translator).run(show_progress=self.show_progress)
        current_keyword_index(self.store, self.settings.keyword_index_dir, self.store.version()).close()
        if count_index:
            self._totals(summary)
        summary.seconds = time.perf_counter() - started
        return summary

    def _changed_documents(self, files: list[Path], indexed: dict, summary: IngestSummary) -> Iterator[_Changed]:
        """Parse the files one by one; those whose content hash differs from the index's come with their chunks."""
        hash_settings = (self.settings.max_chunk_chars, self.store.embeddings.name)
        for file in tqdm(files, desc="parsing", unit="doc", disable=not self.show_progress or len(files) < 2):
            known = indexed.get(document_id(file.name))
            try:
                if known and known.content_hash == content_hash(file, *hash_settings):
                    summary.unchanged.append(known.info.doc_id)
                    continue
                doc = parse_document(file, *hash_settings, max_text_mb=self.settings.max_document_mb)
            except (UnreadableDocument, OSError) as error:
                summary.failed[file.name] = str(error)
                continue
            (summary.updated if known else summary.added).append(doc.info.doc_id)
            chunks = chunk_paragraphs(doc.info.doc_id, doc.paragraphs, self.settings.max_chunk_chars, doc.info.title)
            sentences = [s for c in chunks for s in chunk_sentences(c)]
            yield _Changed(doc, chunks, sentences, indexed_before=known is not None)

    def _totals(self, summary: IngestSummary) -> None:
        for record in self.store.documents().values():
            summary.total_pairs += record.stats.get("pairs", 0)
            summary.total_repairs += record.stats.get("repairs", 0)
            summary.chunks += record.stats.get("chunks", 0)
            for key, n in record.stats.items():
                if key.startswith("paragraphs_"):
                    summary.paragraphs_by_lang[key.removeprefix("paragraphs_")] += n
