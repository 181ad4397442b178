"""The evaluation's definitions, as pure functions: passage hits, per-item scores and their aggregation.

Every fraction is in 0..1. A metric whose denominator is 0 (e.g. `refusal_recall` on a set without
unanswerable items, or every answer metric in retrieval mode, where no answer exists) is None (JSON null),
never a made-up number.
"""

import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from assistant.citations import MARKERS
from assistant.messages import MESSAGES

SUMMARY_KEYS = (
    "n", "n_answerable", "n_unanswerable", "hit_at_1", "hit_at_5", "mrr", "answer_accuracy", "language_match",
    "citation_precision", "citation_recall", "refusal_recall", "false_refusal_rate", "latency_p50_s",
    "latency_p95_s", "ttft_p50_s", "evidence_p50_s",
)
_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of 3+ letters
# The assistant's own framing ("This information exists only in Dutch in the documents:"): not part of the answer, so
# a question whose answer is "Dutch" is not answered by the notice.
_FRAMING = re.compile("|".join(
    re.escape(text).replace(re.escape("{source}"), ".*?").replace(re.escape("{reason}"), ".*?")
    for texts in MESSAGES.values() for key, text in texts.items()
    if key in ("only_in", "in_languages", "partly_in", "intro", "refusal", "fallback", "llm_unavailable", "machine_translation")
))
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_OPENERS, _CLOSERS = "«“", "»”"
_WORD_SHARE = 0.8
_ITEM_SCORES = ("hit_at_1", "hit_at_5", "rr", "correct", "language_match", "cited_hit", "refused_answerable", "refused_unanswerable")


def normalise(text: str) -> str:
    """Lower-cased, whitespace collapsed: the normalisation of the hit rule."""
    return " ".join(text.lower().split())


def fold(text: str) -> str:
    """Case- and accent-insensitive form (for answer keywords): "Sürya" → "surya"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def passage_hits(texts: str | Iterable[str | None], evidence: Iterable[str]) -> bool:
    """Whether a passage (its text, or its text and its paired translation's) hits one evidence string.

    A text hits when, normalised, it contains the normalised evidence string, or at least 80 % of the
    evidence string's distinct words of 3+ letters (as whole words). Each text is checked on its own.
    """
    texts = [texts] if isinstance(texts, str) else [t for t in texts if t]
    for text in map(normalise, texts):
        words = _words(text)
        for ev in map(normalise, evidence):
            wanted = _words(ev)
            if ev and ev in text or wanted and len(wanted & words) >= _WORD_SHARE * len(wanted):
                return True
    return False


def keywords_match(answer: str, groups: list[list[str]]) -> bool:
    """Every keyword group has an alternative in `answer`, its framing notices and citation markers aside (case- and
    accent-insensitive substring): the marker "[3]" does not answer "how many?"."""
    answer = fold(MARKERS.sub(" ", _FRAMING.sub(" ", answer)))
    return all(any(fold(k) in answer for k in group) for group in groups)


def strip_quotes(text: str) -> str:
    """`text` without quoted source text: lines starting with '>', and text inside « » or “ ” (nested
    quotes included; an unclosed quote runs to the end)."""
    kept, depth = [], 0
    for ch in _QUOTED_LINE.sub(" ", text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(ch)
    return "".join(kept)


def first_hit_rank(ranked_hits: Iterable[tuple[int, bool]]) -> int | None:
    """The smallest rank whose passage hits, from (rank, hit) pairs; None when none hits."""
    return min((rank for rank, hit in ranked_hits if hit), default=None)


def score_item(item: dict, k: int = 5) -> dict:
    """One runner item's contribution to each metric; None where the item does not count for it.

    Answer metrics count only items with an answer (`item["refused"]` is not None, i.e. not retrieval mode).
    `rr` is 1/rank of the first hitting passage within the first k (0 beyond); hit_at_5 looks at the first 5.
    """
    rank = item["first_hit_rank"]
    scores = dict.fromkeys(_ITEM_SCORES) | {"citations": 0, "cited_hits": 0}
    if item["answerable"]:
        scores.update(hit_at_1=rank == 1, hit_at_5=rank is not None and rank <= 5,
                      rr=1 / rank if rank is not None and rank <= k else 0.0)
    if item["refused"] is None:  # no answer
        return scores
    scores["language_match"] = item["answer_lang"] == item["lang"]
    if not item["answerable"]:
        scores["refused_unanswerable"] = item["refused"]
        return scores
    hits = [c["hit"] for c in item["citations"]]
    scores.update(
        correct=not item["refused"] and keywords_match(item["answer"], item["expected"]["answer_keywords"]),
        citations=len(hits), cited_hits=sum(hits), cited_hit=any(hits), refused_answerable=item["refused"],
    )
    return scores


def item_quality(scores: dict) -> float | None:
    """Mean of an item's applicable per-item scores (lower is worse); None when nothing applies."""
    values = [scores[key] for key in ("hit_at_5", "rr", "correct", "language_match", "cited_hit", "refused_unanswerable")]
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _mean(values: Iterable) -> float | None:
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _percentile(values: Iterable, q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default) of the non-None values."""
    values = [v for v in values if v is not None]
    return float(np.percentile(values, q)) if values else None


def summarise(items: list[dict], k: int = 5) -> dict:
    """The summary of `items` with exactly SUMMARY_KEYS (see the module docstring for None)."""
    scores = [score_item(item, k) for item in items]
    n_citations = sum(s["citations"] for s in scores)
    return {
        "n": len(items),
        "n_answerable": sum(item["answerable"] for item in items),
        "n_unanswerable": sum(not item["answerable"] for item in items),
        "hit_at_1": _mean(s["hit_at_1"] for s in scores),
        "hit_at_5": _mean(s["hit_at_5"] for s in scores),
        "mrr": _mean(s["rr"] for s in scores),
        "answer_accuracy": _mean(s["correct"] for s in scores),
        "language_match": _mean(s["language_match"] for s in scores),
        "citation_precision": sum(s["cited_hits"] for s in scores) / n_citations if n_citations else None,
        "citation_recall": _mean(s["cited_hit"] for s in scores),
        "refusal_recall": _mean(s["refused_unanswerable"] for s in scores),
        "false_refusal_rate": _mean(s["refused_answerable"] for s in scores),
        "latency_p50_s": _percentile((item["latency_s"] for item in items), 50),
        "latency_p95_s": _percentile((item["latency_s"] for item in items), 95),
        "ttft_p50_s": _percentile((item["ttft_s"] for item in items), 50),
        "evidence_p50_s": _percentile((item.get("evidence_s") for item in items), 50),  # generative: quotes shown first
    }


def summarise_by(items: list[dict], key: str, k: int = 5) -> dict[str, dict]:
    """One summary per value of `item[key]` ("lang" or "kind"), in sorted order."""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item[key], []).append(item)
    return {value: summarise(groups[value], k) for value in sorted(groups)}


MAX_FALSE_REFUSAL_RATE = 0.05  # the refusal curve's operating constraint: refuse at most 5 % of answerable questions


def _curve(scored: list[tuple[float, bool]], max_frr: float) -> dict:
    """The curve of one group of (answerability, answerable) pairs: one point per threshold t over the observed
    values, plus one just above the largest (refusing everything); refused means answerability < t."""
    values = sorted({a for a, _ in scored})
    thresholds = values + [float(np.nextafter(values[-1], np.inf))] if values else []
    unanswerable = [a for a, answerable in scored if not answerable]
    answerable = [a for a, is_answerable in scored if is_answerable]
    points = [
        {"threshold": t,
         "refusal_recall": sum(a < t for a in unanswerable) / len(unanswerable) if unanswerable else None,
         "false_refusal_rate": sum(a < t for a in answerable) / len(answerable) if answerable else None}
        for t in thresholds
    ]
    allowed = [p for p in points if p["refusal_recall"] is not None and p["false_refusal_rate"] is not None
               and p["false_refusal_rate"] <= max_frr]
    # best: the highest recall; among equals the fewest false refusals, then the lowest threshold
    best = max(allowed, key=lambda p: (p["refusal_recall"], -p["false_refusal_rate"], -p["threshold"]), default=None)
    return {"n_scored": len(scored), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable),
            "points": points, "best": best}


def refusal_curves(items: list[dict], max_frr: float = MAX_FALSE_REFUSAL_RATE) -> dict:
    """Refusal recall against false refusal rate as the answerability threshold sweeps, for all items and per
    language ("all" first, then languages in sorted order). Items whose `answerability` is None (retrieval mode,
    or an assistant that does not score) are left out and counted in `n_skipped`."""
    scored = [item for item in items if item.get("answerability") is not None]
    groups = {"all": scored} | {lang: [i for i in scored if i["lang"] == lang] for lang in sorted({i["lang"] for i in scored})}
    return {
        "rule": "refused when answerability < threshold",
        "max_false_refusal_rate": max_frr,
        "n_skipped": len(items) - len(scored),
        "curves": {name: _curve([(i["answerability"], i["answerable"]) for i in group], max_frr)
                   for name, group in groups.items()},
    }
