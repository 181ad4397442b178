"""BM25 keyword search with Dutch, French and English stemming and accent folding.

Built from the chunks in the store after each ingest and saved beside the index, in a folder named
after the store's version: an index is never half-written, and every process tells with one call
whether the one it has is current. A damaged one is built again.
"""

import json
import logging
import shutil
from pathlib import Path

import bm25s

from core.text import analyze, corpus_terms
from vectorstore.store import ParagraphStore

_IDS_FILE = "chunk_ids.json"
_TERMS_FILE = "terms.json"


log = logging.getLogger(__name__)


class KeywordIndex:
    def __init__(self, chunk_ids: list[str], bm25: bm25s.BM25 | None, terms: set[str]):
        self.chunk_ids = chunk_ids
        self.bm25 = bm25
        self.terms = terms  # what occurs anywhere in the documents (see `corpus_terms`)

    @classmethod
    def build(cls, store: ParagraphStore) -> "KeywordIndex":
        ids, tokens, terms = [], [], set()
        for chunk in store.all_chunks():
            ids.append(chunk.chunk_id)
            tokens.append(analyze(chunk.text, chunk.lang))
            terms |= corpus_terms(chunk.text)
        if not ids:
            return cls([], None, set())
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(ids, bm25, terms)

    def search(self, query: str, lang: str, k: int) -> list[tuple[str, float]]:
        """The best `k` chunk ids with their BM25 scores (only those sharing a word with the query)."""
        words = analyze(query, lang)
        if self.bm25 is None or not words:
            return []
        k = min(k, len(self.chunk_ids))
        results, scores = self.bm25.retrieve([words], k=k, show_progress=False, n_threads=1)
        return [(self.chunk_ids[i], float(s)) for i, s in zip(results[0], scores[0]) if s > 0]

    def save(self, folder: Path) -> None:
        """Writes beside `folder` and renames into place, so readers never see a partial index."""
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        (partial / _IDS_FILE).write_text(json.dumps(self.chunk_ids))
        (partial / _TERMS_FILE).write_text(json.dumps(sorted(self.terms)))
        if self.bm25 is not None:
            self.bm25.save(partial, show_progress=False)
        partial.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        ids = json.loads((folder / _IDS_FILE).read_text())
        terms = set(json.loads((folder / _TERMS_FILE).read_text()))
        return cls(ids, bm25s.BM25.load(folder, show_progress=False) if ids else None, terms)


def current_keyword_index(store: ParagraphStore, root: Path, version: str) -> KeywordIndex:
    """The keyword index of the store at `version`, built and saved first if needed (or if the saved one
    is damaged); older ones are removed."""
    folder = root / f"bm25-v3-{version or 'initial'}"
    if folder.is_dir():
        try:
            return KeywordIndex.load(folder)
        except Exception as error:  # truncated or edited files: JSON, numpy and bm25s errors alike
            log.warning("the keyword index in %s is damaged (%s); building it again", folder, error)
            shutil.rmtree(folder, ignore_errors=True)
    index = KeywordIndex.build(store)
    root.mkdir(parents=True, exist_ok=True)
    try:
        index.save(folder)
    except OSError:
        if not folder.is_dir():
            raise  # else another process saved the same index meanwhile
    for old in root.glob("bm25-*"):
        if old.name != folder.name and not old.name.endswith(".partial"):
            shutil.rmtree(old, ignore_errors=True)
    return index
