"""Pair each Dutch paragraph of a bilingual document with its French translation.

The two language versions follow the same order, so the pairing is a monotonic alignment
(dynamic programming, like sentence aligners for parallel text). Each candidate pair is scored by
embedding similarity relative to each side's nearest neighbours (the "margin" used in bitext mining,
robust to e5's narrow similarity band), by agreement of the numbers both contain, and by length.
A leftover paragraph whose best match is already paired (one side cut into two paragraphs where
the other is one) joins that pair.
"""

import re
from collections import Counter

import numpy as np

from core.records import Paragraph
from core.text import numbers

PAIRED_LANGUAGES = ("nl", "fr")
_MIN_PARAGRAPHS_PER_LANGUAGE = 2
_NEIGHBOURS = 3
_LEFTOVER_MIN_MARGIN = 0.95  # measured on the seeds: true halves 0.958–1.008, the other neighbour 0.937–0.951

def _margin_scores(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    similarity = a @ b.T
    k_a = min(_NEIGHBOURS, similarity.shape[1])
    k_b = min(_NEIGHBOURS, similarity.shape[0])
    near_a = np.sort(similarity, axis=1)[:, -k_a:].mean(axis=1)
    near_b = np.sort(similarity, axis=0)[-k_b:, :].mean(axis=0)
    return similarity / ((near_a[:, None] + near_b[None, :]) / 2)


def _pair_scores(left: list[Paragraph], right: list[Paragraph], margins: np.ndarray) -> np.ndarray:
    """Positive where a pair is likely a translation, negative where not."""
    scores = (margins - 1.0) * 20
    for i, p in enumerate(left):
        for j, q in enumerate(right):
            ratio = len(q.text) / len(p.text)
            if not 0.5 <= ratio <= 2.0:
                scores[i, j] -= 1.0
            numbers_p, numbers_q = numbers(p.text), numbers(q.text)
            if numbers_p or numbers_q:
                scores[i, j] += 1.0 if numbers_p == numbers_q else -0.5
    return scores


def _align(scores: np.ndarray) -> list[tuple[int, int]]:
    """The monotonic set of pairs with the highest total score (skipping costs nothing)."""
    n, m = scores.shape
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best[i, j] = max(best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + scores[i - 1, j - 1])
    pairs, i, j = [], n, m
    while i and j:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


def is_bilingual(paragraphs: list[Paragraph]) -> bool:
    counts = Counter(p.lang for p in paragraphs)
    return all(counts[lang] >= _MIN_PARAGRAPHS_PER_LANGUAGE for lang in PAIRED_LANGUAGES)


def pair_translations(paragraphs: list[Paragraph], vectors: np.ndarray, doc_id: str) -> int:
    """Set `pair_id` on translated paragraphs (both sides); returns the number of pairs.

    `vectors` holds one normalised embedding per paragraph, in the same order.
    """
    if not is_bilingual(paragraphs):
        return 0
    left = [i for i, p in enumerate(paragraphs) if p.lang == PAIRED_LANGUAGES[0]]
    right = [i for i, p in enumerate(paragraphs) if p.lang == PAIRED_LANGUAGES[1]]
    margins = _margin_scores(vectors[left], vectors[right])
    scores = _pair_scores([paragraphs[i] for i in left], [paragraphs[j] for j in right], margins)
    pairs = [(i, j) for i, j in _align(scores) if scores[i, j] > 0]
    for number, (i, j) in enumerate(pairs, start=1):
        paragraphs[left[i]].pair_id = paragraphs[right[j]].pair_id = f"{doc_id}#{number}"
    _attach_leftovers(paragraphs, left, right, margins)
    _attach_leftovers(paragraphs, right, left, margins.T)
    return len(pairs)


def _attach_leftovers(paragraphs: list[Paragraph], own: list[int], other: list[int], margins: np.ndarray) -> None:
    """An unpaired paragraph beside paired ones is usually the other half of a translation that the
    other language kept as one paragraph: it joins the neighbouring pair whose partner it resembles most."""
    for i, index in enumerate(own):
        if paragraphs[index].pair_id:
            continue
        neighbour_pairs = {paragraphs[own[k]].pair_id for k in (i - 1, i + 1) if 0 <= k < len(own)} - {None}
        candidates = [(margins[i, j], paragraphs[o].pair_id) for j, o in enumerate(other) if paragraphs[o].pair_id in neighbour_pairs]
        if candidates and max(candidates)[0] > _LEFTOVER_MIN_MARGIN:
            paragraphs[index].pair_id = max(candidates)[1]
