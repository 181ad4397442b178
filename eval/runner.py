"""Runs a question file through the assistant and collects, per question, what it answered and retrieved."""

import json
import time
from pathlib import Path

from tqdm import tqdm

from assistant.answer import Answer, Mode, Passage
from core.languages import SUPPORTED, UNKNOWN, detect_language
from eval.metrics import first_hit_rank, passage_hits, refusal_curves, strip_quotes, summarise, summarise_by

MODES = ("generative", "extractive", "retrieval")
SPLITS = ("tune", "test")  # a question's optional "split": tune on one half, gate (CI floors) on the other
_FIELDS = {
    "id": str, "lang": str, "question": str, "answerable": bool, "doc": (str, type(None)),
    "evidence": list, "answer_keywords": list, "kind": str,
}


class QuestionFileError(ValueError):
    """A question file that is not in the expected format; the message names the file and line."""


def _check(q: object, seen: set[str]) -> str | None:
    """What is wrong with one parsed line, or None."""
    if not isinstance(q, dict):
        return "not a JSON object"
    missing = [name for name in _FIELDS if name not in q]
    if missing:
        return f"missing field(s) {', '.join(missing)}"
    wrong = [name for name, kind in _FIELDS.items() if not isinstance(q[name], kind)]
    if wrong:
        return f"wrong type for {', '.join(wrong)}"
    if not q["id"].strip() or not q["question"].strip() or not q["kind"].strip():
        return "id, question and kind must not be empty"
    if q["id"] in seen:
        return f"duplicate id {q['id']!r}"
    if q["lang"] not in SUPPORTED:
        return f"lang {q['lang']!r} is not one of {', '.join(SUPPORTED)}"
    if not all(isinstance(e, str) and e.strip() for e in q["evidence"]) or len(q["evidence"]) > 3:
        return "evidence must be a list of at most 3 non-empty strings"
    if q["answerable"] and not q["evidence"]:
        return "an answerable question needs at least one evidence string"
    other = q.get("other_evidence", [])
    if not isinstance(other, list) or not all(
        isinstance(e, dict) and set(e) == {"doc", "text"} and isinstance(e["doc"], str) and isinstance(e["text"], str)
        and e["text"].strip() for e in other
    ):
        return 'other_evidence must be a list of {"doc": ..., "text": ...} with non-empty texts'
    if other and not q["answerable"]:
        return "an unanswerable question has no evidence"
    if not all(isinstance(g, list) and g and all(isinstance(k, str) and k.strip() for k in g) for g in q["answer_keywords"]):
        return "answer_keywords must be a list of non-empty lists of non-empty strings"
    if "split" in q and q["split"] not in SPLITS:
        return f"split {q['split']!r} is not one of {', '.join(SPLITS)}"
    return None


def load_questions(path: str | Path) -> list[dict]:
    """The questions of a JSONL file (blank lines skipped); QuestionFileError names the first bad line."""
    path = Path(path)
    questions, seen = [], set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as error:
            raise QuestionFileError(f"{path}, line {lineno}: not valid JSON ({error.msg})") from None
        problem = _check(q, seen)
        if problem:
            raise QuestionFileError(f"{path}, line {lineno}: {problem}")
        seen.add(q["id"])
        questions.append(q)
    if not questions:
        raise QuestionFileError(f"{path}: no questions")
    return questions


def select_split(questions: list[dict], split: str) -> list[dict]:
    """The questions of one split ("tune" or "test"; a question without a split is in neither), or all of them."""
    if split == "all":
        return list(questions)
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)} or all, not {split!r}")
    return [q for q in questions if q.get("split") == split]


def answer_language(answer: Answer) -> str:
    """The detected language of the answer's own words (quotes removed), else the language it claims."""
    lang = detect_language(strip_quotes(answer.text))
    return answer.lang if lang == UNKNOWN else lang


def _evidence_texts(q: dict) -> list[str]:
    """Every string whose passage answers `q`: its `evidence` (from its `doc`) and its `other_evidence`, the passages
    elsewhere that state the same answer (the French version of a Dutch page, a press release repeating a
    declaration), so that citing either counts."""
    return [*q["evidence"], *(e["text"] for e in q.get("other_evidence", []))]


def _retrieved(passages: list[Passage], evidence: list[str]) -> list[dict]:
    """The passages as ranked (rank = 1-based position, best first), each with whether it hits."""
    return [
        {"rank": rank, "chunk_id": p.chunk_id, "doc_id": p.doc_id,
         "hit": passage_hits([p.text, p.translation and p.translation.text], evidence)}
        for rank, p in enumerate(passages, 1)
    ]


def _streamed(assistant, question: str, mode: Mode) -> tuple[Answer, float, float]:
    """The answer, the seconds to its first non-empty streamed text (not the quoted evidence that comes first
    in generative mode) and the total seconds."""
    start = time.perf_counter()
    ttft = None
    for piece in assistant.stream(question, mode=mode):
        if isinstance(piece, Answer):
            total = time.perf_counter() - start
            return piece, (total if ttft is None else ttft), total
        if isinstance(piece, str) and piece and ttft is None:
            ttft = time.perf_counter() - start
    raise RuntimeError(f"the assistant's stream ended without an Answer for {question!r}")


def crossing(q: dict, doc_languages: dict[str, list[str]]) -> str:
    """"cross-lingual" when the question's language is not one that a document answering it (its `doc`, or one of
    its `other_evidence`) is written in, "same-language" when it is, "unanswerable" for a question without a document."""
    if not q["doc"]:
        return "unanswerable"
    docs = [q["doc"], *(e["doc"] for e in q.get("other_evidence", []))]
    return "same-language" if any(q["lang"] in doc_languages.get(doc, []) for doc in docs) else "cross-lingual"


def run_item(assistant, q: dict, mode: str, k: int, doc_languages: dict[str, list[str]] | None = None) -> dict:
    """Asks (or, in retrieval mode, only retrieves for) one question and records the result."""
    evidence = _evidence_texts(q)
    item = {
        "id": q["id"], "lang": q["lang"], "kind": q["kind"], "answerable": q["answerable"], "split": q.get("split"),
        "crossing": crossing(q, doc_languages or {}),
        "question": q["question"], "expected": {"answer_keywords": q["answer_keywords"], "evidence": evidence, "doc": q["doc"]},
        "answer": None, "answer_lang": None, "refused": None, "citations": None, "latency_s": None, "ttft_s": None,
        "answerability": None, "refusal": None, "fallback": None,
    }
    if mode == "retrieval":
        start = time.perf_counter()
        passages = assistant.retrieve(q["question"], k=max(k, 5))
        item["retrieval_s"] = time.perf_counter() - start
    else:
        answer, item["ttft_s"], item["latency_s"] = _streamed(assistant, q["question"], Mode(mode))
        passages = answer.passages
        item.update(
            answer=answer.text, answer_lang=answer_language(answer), refused=answer.refused,
            answerability=None if answer.answerability is None else float(answer.answerability),
            refusal=answer.refusal_reason, fallback=answer.fallback_reason,
            retrieval_s=answer.timings.get("retrieval_s"),
            citations=[
                {"marker": c.marker, "doc_id": c.doc_id, "paragraph": c.paragraph, "chunk_id": c.chunk_id,
                 "hit": passage_hits([c.quote, c.translation], evidence)}
                for c in answer.own_citations()  # in generative mode, not the quotes shown before the answer
            ],
            evidence_s=answer.timings.get("first_evidence_s"),
        )
    item["retrieved"] = _retrieved(passages, evidence)
    item["first_hit_rank"] = first_hit_rank((r["rank"], r["hit"]) for r in item["retrieved"])
    return item


def run_eval(assistant, questions: list[dict], mode: str = "extractive", k: int = 5, progress: bool = True) -> dict:
    """The report: meta, summary, by_lang, by_kind, refusal_curve and items (see eval/metrics.py for the definitions)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    doc_languages = {doc_id: record.info.languages for doc_id, record in assistant.documents().items()}
    items = [
        run_item(assistant, q, mode, k, doc_languages)
        for q in tqdm(questions, desc=f"eval ({mode})", unit="q", disable=not progress)
    ]
    return {
        "meta": {"mode": mode, "k": k},
        "summary": summarise(items, k),
        "by_lang": summarise_by(items, "lang", k),
        "by_kind": summarise_by(items, "kind", k),
        "by_crossing": summarise_by(items, "crossing", k),
        "refusal_curve": refusal_curves(items),
        "items": items,
    }
