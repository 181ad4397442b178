"""How much of a hub a stored chunk is.

In e5's space some passages lie near very many others, and so near very many questions, in every language: a
generic introduction ("CoronaMelder (app) is een technisch hulpmiddel ..."), a passage that names the corpus's subject
and little else. Asked in English about a Dutch document, such a passage often ranks first whatever the question.
A chunk's hubness is its mean cosine to its nearest chunks of other passages (its own translations aside), as in the
cross-domain similarity local scaling of Conneau et al. (2018, "Word translation without parallel data"); retrieval
takes part of it off the chunk's cosine. It is measured when a chunk is first a candidate, against the vectors of all
chunks (one product of a few rows with the whole index, not the whole index with itself).
"""

from collections.abc import Container

import numpy as np

from vectorstore.store import ChunkVectors


class Hubness:
    """The hubness of the chunks of the indexed documents, measured on demand and kept."""

    def __init__(self, found: ChunkVectors, documents: Container[str], neighbours: int):
        self._vectors = found.vectors  # (not copied: the retriever keeps them)
        self._indexed = np.array([doc_id in documents for doc_id in found.doc_ids], dtype=bool)
        self._row = {chunk_id: row for row, chunk_id in enumerate(found.chunk_ids) if self._indexed[row]}
        _, self._passage = np.unique(np.array(found.passages, dtype=str), return_inverse=True)
        largest_passage = int(np.bincount(self._passage[self._indexed]).max()) if self._row else 0
        self._neighbours = min(neighbours, len(self._row) - largest_passage)  # all chunks have that many of other passages
        self._measured: dict[str, float] = {}

    def of(self, chunk_ids: list[str]) -> dict[str, float]:
        """Chunk id → its mean cosine to its nearest chunks of other passages (0 for a chunk of no indexed document,
        and for all when the index has too few other passages)."""
        new = [c for c in dict.fromkeys(chunk_ids) if c not in self._measured and c in self._row]
        if new and self._neighbours > 0:
            rows = np.array([self._row[c] for c in new])
            similarities = self._vectors[rows] @ self._vectors.T
            similarities[:, ~self._indexed] = -np.inf  # chunks of documents being written, or not yet listed
            similarities[self._passage[rows, None] == self._passage[None, :]] = -np.inf  # itself and its versions
            nearest = np.partition(similarities, -self._neighbours, axis=1)[:, -self._neighbours:]
            self._measured.update(zip(new, nearest.mean(axis=1).tolist()))
        return {c: self._measured.get(c, 0.0) for c in chunk_ids}
