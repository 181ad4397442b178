"""The extra evaluation corpora in eval/corpora: each in the layout eval/corpora/README.md describes."""
from pathlib import Path

import pytest

from eval.command import load_floors
from eval.runner import load_questions
from ingest.metadata import SIDECAR
from ingest.pipeline import discover

CORPORA = Path(__file__).resolve().parents[1] / "eval" / "corpora"
NAMES = sorted(p.parent.name for p in CORPORA.glob("*/questions.jsonl"))


def test_there_is_an_extra_corpus():
    assert "coronamelder-faq" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_corpus_layout_questions_and_documents(name):
    corpus = CORPORA / name
    documents = corpus / "documents"
    assert (corpus / "SOURCE.md").is_file(), "origin and licence note"
    assert (documents / SIDECAR).is_file()
    for mode in ("retrieval", "extractive"):  # what .ci/run gates the corpus's test split on
        assert load_floors(corpus / f"floors-{mode}.json"), mode
    files, problems, skipped = discover([documents])
    assert not problems and not skipped, (problems, skipped)  # ingesting documents/ indexes exactly the documents
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    questions = load_questions(corpus / "questions.jsonl")
    assert {q.get("split") for q in questions} == {"tune", "test"}
    for q in questions:
        if q["answerable"]:
            assert q["doc"] in texts, (q["id"], q["doc"])
            assert all(ev in texts[q["doc"]] for ev in q["evidence"]), q["id"]
            assert all(other["text"] in texts[other["doc"]] for other in q.get("other_evidence", [])), q["id"]
    for split in ("tune", "test"):
        assert any(not q["answerable"] for q in questions if q["split"] == split), split
