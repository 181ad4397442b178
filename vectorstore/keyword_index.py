"""BM25 keyword search with Dutch, French and English stemming and accent folding, in SQLite's FTS5.

One SQLite file beside the index, updated document by document: catching up with the store costs work
for the documents that changed, not for the collection. The registry gives each document a revision on
every write; comparing them tells which documents changed, in this process, another one, or on another
machine sharing a Chroma server. SQLite's transactions let only one process update the file at a time,
and readers never see an update half-done. A damaged file is built again.
"""

import json
import logging
import shutil
import sqlite3
import threading
from collections.abc import Container
from pathlib import Path

from core.text import analyze, analyze_for_all, corpus_terms
from vectorstore.store import ParagraphStore

FILE_NAME = "keyword.sqlite3"
_DOCUMENTS_PER_READ = 100  # documents whose chunks are read from the store in one call

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, revision TEXT NOT NULL, terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (doc_id);
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5 (words, tokenize = "unicode61 tokenchars '_'");
"""


log = logging.getLogger(__name__)


class Vocabulary(Container[str]):
    """The numbers and word beginnings found anywhere in the documents (see `corpus_terms`), looked up one by one."""

    def __init__(self, index: "KeywordIndex"):
        self._index = index

    def __contains__(self, term: object) -> bool:
        with self._index.lock:
            return self._index.db.execute("SELECT 1 FROM terms WHERE term = ?", (term,)).fetchone() is not None


class KeywordIndex:
    def __init__(self, path: Path):
        self.lock = threading.Lock()  # one statement at a time on the shared connection
        self.db = sqlite3.connect(path, timeout=120, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")  # readers go on while another process updates
        self.db.executescript(_SCHEMA)
        self.vocabulary = Vocabulary(self)

    def catch_up(self, store: ParagraphStore, version: str) -> None:
        """Bring the index to the store's `version` (read before calling): re-index the documents whose
        revision changed, drop the removed ones. Nothing to do when it is there already; when this process
        made every change since the index's version, only the documents it wrote are compared."""
        with self.lock:
            at = self._state("version")
            if at == version:
                return
            known = store.changed_since(at, version) if at else None
            wanted = sorted(known) if known is not None else None
            revisions = store.revisions(wanted)
            self.db.execute("BEGIN IMMEDIATE")  # another process catching up waits here, then finds less to do
            try:
                indexed = self._revisions(wanted)
                for doc_id, revision in indexed.items():
                    if revisions.get(doc_id) != revision:
                        self._remove(doc_id)
                changed = sorted(doc_id for doc_id, revision in revisions.items() if indexed.get(doc_id) != revision)
                for start in range(0, len(changed), _DOCUMENTS_PER_READ):
                    part = changed[start : start + _DOCUMENTS_PER_READ]
                    by_document = {doc_id: [] for doc_id in part}
                    for chunk in store.chunks_of(part):
                        by_document[chunk.doc_id].append(chunk)
                    for doc_id, chunks in by_document.items():
                        self._add(doc_id, revisions[doc_id], chunks)
                self.db.execute("INSERT OR REPLACE INTO state VALUES ('version', ?)", (version,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def search(self, query: str, lang: str, k: int) -> list[tuple[str, float]]:
        """The best `k` chunk ids with their BM25 scores (only those sharing a word with the query, stemmed in any
        language: each passage is stemmed in its own)."""
        words = analyze_for_all(query, lang)
        if not words:
            return []
        match = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
        with self.lock:
            rows = self.db.execute(
                "SELECT chunks.chunk_id, -bm25(passages) FROM passages JOIN chunks ON chunks.id = passages.rowid "
                "WHERE passages MATCH ? ORDER BY rank LIMIT ?",
                (match, k),
            ).fetchall()
        return [(chunk_id, score) for chunk_id, score in rows if score > 0]

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def _revisions(self, doc_ids: list[str] | None) -> dict[str, str]:
        """doc id → revision indexed, of every document or of those among `doc_ids`."""
        if doc_ids is None:
            return dict(self.db.execute("SELECT doc_id, revision FROM documents"))
        marks = ", ".join("?" * len(doc_ids))
        return dict(self.db.execute(f"SELECT doc_id, revision FROM documents WHERE doc_id IN ({marks})", doc_ids))

    def _state(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _add(self, doc_id: str, revision: str, chunks) -> None:
        terms = set()
        for chunk in chunks:
            row = self.db.execute("INSERT INTO chunks (chunk_id, doc_id) VALUES (?, ?)", (chunk.chunk_id, doc_id)).lastrowid
            self.db.execute("INSERT INTO passages (rowid, words) VALUES (?, ?)", (row, " ".join(analyze(chunk.text, chunk.lang))))
            terms |= corpus_terms(chunk.text)
        self.db.executemany(
            "INSERT INTO terms VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET documents = documents + 1", ((t,) for t in terms)
        )
        self.db.execute("INSERT INTO documents VALUES (?, ?, ?)", (doc_id, revision, json.dumps(sorted(terms))))

    def _remove(self, doc_id: str) -> None:
        (stored,) = self.db.execute("SELECT terms FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        terms = json.loads(stored)
        self.db.executemany("UPDATE terms SET documents = documents - 1 WHERE term = ?", ((t,) for t in terms))
        self.db.executemany("DELETE FROM terms WHERE term = ? AND documents <= 0", ((t,) for t in terms))
        self.db.execute("DELETE FROM passages WHERE rowid IN (SELECT id FROM chunks WHERE doc_id = ?)", (doc_id,))
        self.db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def current_keyword_index(store: ParagraphStore, root: Path, version: str, index: KeywordIndex | None = None) -> KeywordIndex:
    """`index` (or the one saved in `root`, opened) caught up with the store at `version`; a damaged file is
    built again from the store."""
    try:
        index = index or _open(root)
        index.catch_up(store, version)
        return index
    except sqlite3.DatabaseError as error:  # a truncated or overwritten file
        log.warning("the keyword index in %s is damaged (%s); building it again", root, error)
        if index is not None:
            index.close()
        shutil.rmtree(root, ignore_errors=True)
        index = _open(root)
        index.catch_up(store, version)
        return index


def _open(root: Path) -> KeywordIndex:
    root.mkdir(parents=True, exist_ok=True)
    return KeywordIndex(root / FILE_NAME)
