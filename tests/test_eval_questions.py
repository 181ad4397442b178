"""Sanity checks for the evaluation question set eval/questions.jsonl."""
import json
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = REPO_ROOT / "eval" / "questions.jsonl"
_CORPUS_IN_REPO = REPO_ROOT / "data" / "corpus"
CORPUS_DIR = _CORPUS_IN_REPO if _CORPUS_IN_REPO.is_dir() else REPO_ROOT.parent / "shared" / "seeds"

FIELDS = {"id", "lang", "question", "answerable", "doc", "evidence", "answer_keywords", "kind", "split"}
LANGS = {"nl", "fr", "en"}
KINDS = {"fact", "date", "list", "who", "cross-lingual", "multi-hop", "unanswerable"}
DUTCH_ONLY_MARKERS = ("001_", "003_", "004_")


def _load():
    items = []
    with QUESTIONS.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported by test
                pytest.fail(f"line {lineno} is not valid JSON: {exc}")
    return items


@pytest.fixture(scope="module")
def items():
    assert QUESTIONS.is_file(), f"missing {QUESTIONS}"
    return _load()


@pytest.fixture(scope="module")
def corpus():
    assert CORPUS_DIR.is_dir(), f"corpus dir not found: {CORPUS_DIR}"
    texts = {p.name: p.read_text(encoding="utf-8") for p in CORPUS_DIR.glob("*.txt")}
    assert texts, f"no .txt files in {CORPUS_DIR}"
    return texts


def test_parses_and_size(items):
    assert len(items) >= 80


def test_fields_and_types(items):
    for q in items:
        assert set(q) - {"other_evidence"} == FIELDS, (q.get("id"), set(q) ^ FIELDS)
        assert isinstance(q["id"], str) and q["id"]
        assert q["lang"] in LANGS, q["id"]
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert isinstance(q["answerable"], bool), q["id"]
        assert q["doc"] is None or isinstance(q["doc"], str), q["id"]
        assert isinstance(q["evidence"], list), q["id"]
        assert all(isinstance(e, str) for e in q["evidence"]), q["id"]
        assert isinstance(q["answer_keywords"], list), q["id"]
        for group in q["answer_keywords"]:
            assert isinstance(group, list) and group, q["id"]
            assert all(isinstance(k, str) and k.strip() for k in group), q["id"]
        assert q["kind"] in KINDS, q["id"]
        assert q["split"] in ("tune", "test"), q["id"]


def test_ids_unique(items):
    dupes = [i for i, n in Counter(q["id"] for q in items).items() if n > 1]
    assert not dupes, dupes


def test_answerable_items(items, corpus):
    for q in items:
        if not q["answerable"]:
            continue
        assert q["kind"] != "unanswerable", q["id"]
        assert q["doc"] in corpus, (q["id"], q["doc"])
        assert 1 <= len(q["evidence"]) <= 3, q["id"]
        assert 1 <= len(q["answer_keywords"]) <= 3, q["id"]
        text = corpus[q["doc"]]
        for ev in q["evidence"]:
            assert ev in text, (q["id"], ev)
            assert "\n" not in ev, q["id"]
            assert 30 <= len(ev) <= 200, (q["id"], len(ev))
        if q["kind"] == "multi-hop":
            assert len(q["evidence"]) == 2, q["id"]
        for other in q.get("other_evidence", []):  # another passage that states the answer, copied from its document
            assert other["text"] in corpus[other["doc"]], (q["id"], other)
            assert "\n" not in other["text"], q["id"]


def test_unanswerable_items(items):
    for q in items:
        if q["answerable"]:
            continue
        assert q["doc"] is None, q["id"]
        assert q["evidence"] == [], q["id"]
        assert q["answer_keywords"] == [], q["id"]
        assert q["kind"] == "unanswerable", q["id"]


def test_unanswerable_count(items):
    assert sum(not q["answerable"] for q in items) >= 10


def test_language_shares(items):
    counts = Counter(q["lang"] for q in items)
    n = len(items)
    for lang in ("nl", "fr"):
        share = counts[lang] / n
        assert 0.25 <= share <= 0.42, (lang, share)
    assert counts["en"] > 0


def test_splits_are_halves_balanced_by_language_answerability_and_kind(items):
    def halves(key):
        counts = Counter((key(q), q["split"]) for q in items)
        return {value: (counts[value, "tune"], counts[value, "test"]) for value in {key(q) for q in items}}

    tune, test = halves(lambda q: "all")["all"]
    assert abs(tune - test) <= 1, (tune, test)
    for value, (tune, test) in halves(lambda q: (q["lang"], q["answerable"])).items():
        assert abs(tune - test) <= 1, (value, tune, test)
    for value, (tune, test) in halves(lambda q: q["kind"]).items():
        assert abs(tune - test) <= max(2, (tune + test) // 4), (value, tune, test)


def test_cross_lingual_items(items):
    xl = [q for q in items if q["kind"] == "cross-lingual"]
    assert len(xl) >= 12
    for q in xl:
        assert q["lang"] in ("fr", "en"), q["id"]
        assert q["doc"].startswith(DUTCH_ONLY_MARKERS), q["id"]


def test_every_document_covered(items, corpus):
    covered = Counter(q["doc"] for q in items if q["answerable"])
    missing = [name for name in corpus if covered[name] == 0]
    assert not missing, missing
