"""Hubness of stored chunks (fast, synthetic vectors)."""

import numpy as np
import pytest

from vectorstore.hubness import Hubness
from vectorstore.store import ChunkVectors


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _chunks(rows: list[tuple[str, str, str, np.ndarray]]) -> ChunkVectors:
    return ChunkVectors(
        chunk_ids=[r[0] for r in rows], doc_ids=[r[1] for r in rows], passages=[r[2] for r in rows],
        langs=["nl"] * len(rows), vectors=np.stack([r[3] for r in rows]),
    )


def test_the_chunk_near_all_others_is_the_hub_and_its_own_translation_is_no_neighbour():
    found = _chunks([
        ("a", "d", "d:1", _unit(1, 0, 0)), ("b", "d", "d:2", _unit(0, 1, 0)), ("c", "d", "d:3", _unit(0, 0, 1)),
        ("hub", "d", "d:4", _unit(1, 1, 1)),
        ("a~en", "d", "d:1", _unit(1, 0.01, 0)),  # a's translation, nearly a itself
    ])
    scores = Hubness(found, {"d"}, neighbours=2).of(["a", "b", "c", "hub", "a~en"])
    assert max(scores, key=scores.get) == "hub"
    assert scores["a"] < scores["b"]  # a's neighbours are the hub and b or c, not its own translation (cosine ~1)
    # measured alone or with others (to float32 rounding: BLAS sums a one-row product in another order on some CPUs)
    assert Hubness(found, {"d"}, neighbours=2).of(["hub"])["hub"] == pytest.approx(scores["hub"], abs=1e-6)


def test_only_indexed_documents_count_and_too_few_passages_give_no_hubness():
    found = _chunks([
        ("a", "d", "d:1", _unit(1, 0, 0)), ("b", "d", "d:2", _unit(0, 1, 0)), ("x", "writing", "writing:1", _unit(1, 1, 0)),
    ])
    assert Hubness(found, {"d"}, neighbours=1).of(["a", "x"]) == {"a": 0.0, "x": 0.0}  # b only: x is being written
    assert Hubness(found, {"d"}, neighbours=5).of(["a", "b"]) == {"a": 0.0, "b": 0.0}  # one other chunk each, not 5
    assert Hubness(found, set(), neighbours=5).of(["a"]) == {"a": 0.0}


def test_replacing_a_documents_chunks_keeps_the_others_in_order():
    found = _chunks([("a", "d", "d:1", _unit(1, 0)), ("b", "e", "e:1", _unit(0, 1))])
    updated = found.replaced({"e", "f"}, _chunks([("c", "f", "f:1", _unit(1, 1))]))
    assert updated.chunk_ids == ["a", "c"] and updated.passages == ["d:1", "f:1"]
    assert np.allclose(updated.vectors[1], _unit(1, 1))
    emptied = found.replaced({"d", "e"}, ChunkVectors([], [], [], [], np.empty((0, 0), dtype=np.float32)))
    assert emptied.chunk_ids == [] and len(emptied.vectors) == 0
    assert Hubness(emptied, set(), neighbours=3).of(["a"]) == {"a": 0.0}
