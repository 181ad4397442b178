"""The evaluation's definitions, runner, report writer, loader and floors, on hand-made cases and a fake assistant."""

import argparse
import json
import sys
import time
import types

import pytest

from assistant.answer import Answer, Citation, Evidence, Mode, Passage
from eval.command import configure, floor_failures, run
from eval.metrics import SUMMARY_KEYS, keywords_match, passage_hits, refusal_curves, strip_quotes, summarise, summarise_by
from eval.report import write_reports
from eval.runner import QuestionFileError, answer_language, load_questions, run_eval, select_split

EVIDENCE = "Alle drie de Benelux-landen zijn bij EMPACT THB aangesloten."
DUTCH = "Het Comité vindt dat de samenwerking tussen politie en justitie in de drie landen verder versterkt moet worden."
FRENCH = "Le Comité estime que la coopération entre la police et la justice des trois pays doit encore être renforcée davantage."


def passage(chunk_id: str, text: str, translation: str | None = None, doc_id: str = "doc.txt", rank: int = 1) -> Passage:
    twin = translation and passage(chunk_id + "-fr", translation, doc_id=doc_id, rank=rank)
    return Passage(chunk_id, doc_id, "Title", None, "report", "nl", 3, text, 1.0, rank, translation=twin)


def citation(quote: str, translation: str | None = None, marker: int = 1) -> Citation:
    return Citation(marker, f"c{marker}", "doc.txt", "Title", None, 4, "nl", quote, translation=translation)


def question(id_: str, lang: str = "nl", answerable: bool = True, kind: str = "fact", keywords=(("EMPACT",),)) -> dict:
    return {
        "id": id_, "lang": lang, "question": f"Vraag {id_}?", "answerable": answerable, "doc": "doc.txt" if answerable else None,
        "evidence": [EVIDENCE] if answerable else [], "answer_keywords": [list(g) for g in keywords] if answerable else [],
        "kind": kind if answerable else "unanswerable",
    }


def item(id_="q", lang="nl", answerable=True, kind="fact", rank=None, answer="", answer_lang="nl", refused=False,
         hits=(), latency=None, ttft=None, keywords=(("EMPACT",),), answerability=None) -> dict:
    """A runner item as run_item records it (answer fields None when `refused` is None: retrieval mode)."""
    q = question(id_, lang, answerable, kind, keywords)
    answered = refused is not None
    return {
        "id": id_, "lang": lang, "kind": q["kind"], "answerable": answerable, "question": q["question"],
        "expected": {"answer_keywords": q["answer_keywords"], "evidence": q["evidence"], "doc": q["doc"]},
        "answer": answer if answered else None, "answer_lang": answer_lang if answered else None, "refused": refused,
        "citations": [{"doc_id": "doc.txt", "paragraph": 1, "chunk_id": "c", "hit": h} for h in hits] if answered else None,
        "retrieved": [{"rank": 1, "chunk_id": "c", "doc_id": "doc.txt", "hit": rank == 1}],
        "first_hit_rank": rank, "latency_s": latency, "ttft_s": ttft, "answerability": answerability,
    }


# --- hits ---------------------------------------------------------------------------------------------------

def test_hit_by_substring_after_lowercasing_and_collapsing_whitespace():
    text = "Zoals gezegd: ALLE drie de Benelux-landen zijn\n  bij EMPACT THB   aangesloten. Verder niets."
    assert passage_hits(text, [EVIDENCE])
    assert not passage_hits("Nederland is bij EMPACT aangesloten.", [EVIDENCE])
    assert passage_hits(text, ["iets anders dat nergens staat", EVIDENCE])  # any one evidence string
    # no word of 3+ letters: only the substring rule can hit, and only with whitespace collapsed
    assert passage_hits("Zie EU  27\n(2 x 3) hier.", ["eu 27 (2 X 3)"])
    assert not passage_hits("Zie EU 28 (2 x 3) hier.", ["eu 27 (2 X 3)"])


def test_hit_by_80_percent_of_distinct_words_of_three_or_more_letters():
    # "de", "OM" and "12" are not words of 3+ letters; the distinct words are: alle drie benelux landen zijn bij
    # empact thb aangesloten (9). 8/9 >= 80 % hits, 7/9 does not.
    evidence = "Alle drie de Benelux-landen zijn bij EMPACT THB (OM, 12) aangesloten, alle drie."
    eight = "aangesloten zijn thans alle benelux landen bij empact thb"  # missing "drie"
    seven = "aangesloten zijn thans alle benelux landen bij empact"  # missing "drie", "thb"
    assert passage_hits(eight, [evidence])
    assert not passage_hits(seven, [evidence])
    assert not passage_hits("alle benelux landen zijn bij empactthb aangesloten drie", [evidence])  # whole words only


def test_hit_through_the_paired_translation_but_not_across_the_two():
    french = "Les trois pays du Benelux participent à EMPACT THB."
    assert passage_hits(["Een Nederlandse tekst zonder bewijs.", french], ["participent à EMPACT THB"])
    assert not passage_hits("Een Nederlandse tekst zonder bewijs.", ["participent à EMPACT THB"])
    # half the words in each text do not add up to a hit
    assert not passage_hits(["alle drie benelux landen", "zijn bij empact thb aangesloten"], [EVIDENCE])


# --- retrieval metrics ----------------------------------------------------------------------------------------

def test_hit_at_k_and_mrr_over_answerable_items_only():
    items = [item("a", rank=1), item("b", rank=2), item("c", rank=None), item("d", rank=7), item("u", answerable=False, rank=None)]
    summary = summarise(items, k=10)
    assert summary["hit_at_1"] == pytest.approx(1 / 4)
    assert summary["hit_at_5"] == pytest.approx(2 / 4)
    assert summary["mrr"] == pytest.approx((1 + 1 / 2 + 0 + 1 / 7) / 4)
    assert summarise(items, k=5)["mrr"] == pytest.approx((1 + 1 / 2) / 4)  # rank 7 is beyond k=5


# --- answer metrics -------------------------------------------------------------------------------------------

def test_the_assistants_own_notice_does_not_answer_a_question():
    """"Which subject does she teach?" (Dutch) is not answered by "This information exists only in Dutch"."""
    subject = [["Nederlands", "néerlandais", "Dutch"]]
    assert not keywords_match("This information exists only in Dutch in the documents: “Ze is lerares.” [1]", subject)
    assert not keywords_match("Cette information ne figure qu'en néerlandais dans les documents : « Ze is lerares. » [1]", subject)
    assert not keywords_match("Volgens de documenten (deels in het Frans): “Ze is lerares.” [1]", [["Frans"]])
    assert keywords_match("This information exists only in Dutch in the documents: “Ze is lerares Nederlands.” [1]", subject)
    assert keywords_match("She teaches Dutch [1].", subject)


def test_answer_accuracy_is_accent_and_case_insensitive_and_needs_every_group():
    groups = [["Payoke"], ["Sürya", "Surya"], ["Pag-Asa", "Pag Asa"]]
    assert keywords_match("Het gaat om PAYOKE, SÜRYA en pag-asa [1].", groups)
    assert keywords_match("payoke, surya, Pag Asa", [["Payoke"], ["Sürya"], ["PAG ASA"]])
    assert not keywords_match("Payoke en Sürya.", groups)


def test_a_citation_marker_is_no_answer():
    three = [["3", "drie"]]
    assert not keywords_match("Cette information ne figure qu'en néerlandais : « Zie bijlage III. » [3]", three)
    assert not keywords_match("Zie bijlage I [1, 3].", three)
    assert keywords_match("Er zijn 3 risicogroepen [1].", three)
    items = [
        item("a", answer="EMPACT THB [1]"),
        item("b", answer="empact", refused=True),  # refused: never correct
        item("c", answer="Europol"),
        item("d", answer="Écoles", keywords=(("ecoles",),)),
        item("u", answerable=False, answer="EMPACT"),  # unanswerable: not counted
    ]
    assert summarise(items)["answer_accuracy"] == pytest.approx(2 / 4)


def test_strip_quotes_removes_guillemets_curly_quotes_and_quoted_lines():
    text = "Eigen tekst «citaat een» en “citaat twee”.\n> citaatregel\n  > ingesprongen citaat\nslot"
    stripped = strip_quotes(text)
    assert "citaat" not in stripped
    assert "Eigen tekst" in stripped and "slot" in stripped
    nested = strip_quotes("Own words: “Dutch “inner title” still quoted” [1] end «a «b» c» done")
    assert " ".join(nested.split()) == "Own words: [1] end done"


def test_language_match_excludes_quoted_source_text():
    quoted = Answer("q?", f"{DUTCH} Volgens de bron: « {FRENCH} {FRENCH} » [1]", "nl", "nl", Mode.EXTRACTIVE)
    assert answer_language(quoted) == "nl"
    nested = Answer("q?", f"This information exists only in Dutch in the documents: “{DUTCH} “Opvang” {DUTCH}” [1]", "en", "en", Mode.EXTRACTIVE)
    assert answer_language(nested) == "en"
    unmarked = Answer("q?", f"{DUTCH[:40]} {FRENCH} {FRENCH} [1]", "nl", "nl", Mode.EXTRACTIVE)
    assert answer_language(unmarked) == "fr"  # the same French, unmarked, counts
    assert answer_language(Answer("q?", "« " + FRENCH + " » [1]", "en", "en", Mode.EXTRACTIVE)) == "en"  # unknown → Answer.lang
    items = [item("a", lang="nl", answer_lang="nl"), item("b", lang="fr", answer_lang="nl"),
             item("u", lang="en", answerable=False, answer_lang="en", refused=True)]
    assert summarise(items)["language_match"] == pytest.approx(2 / 3)  # over all items


def test_citation_precision_and_recall_on_answerable_items():
    items = [
        item("a", hits=(True, False)),
        item("b", hits=(False,)),
        item("c", hits=()),
        item("d", hits=(True, True, True)),
        item("u", answerable=False, hits=(False, False)),  # not counted
    ]
    summary = summarise(items)
    assert summary["citation_precision"] == pytest.approx(4 / 6)
    assert summary["citation_recall"] == pytest.approx(2 / 4)


def test_refusal_recall_and_false_refusal_rate():
    items = [
        item("u1", answerable=False, refused=True), item("u2", answerable=False, refused=False),
        item("u3", answerable=False, refused=True),
        item("a1", refused=True), item("a2", refused=False), item("a3", refused=False), item("a4", refused=False),
    ]
    summary = summarise(items)
    assert summary["refusal_recall"] == pytest.approx(2 / 3)
    assert summary["false_refusal_rate"] == pytest.approx(1 / 4)
    assert (summary["n"], summary["n_answerable"], summary["n_unanswerable"]) == (7, 4, 3)


def test_latency_percentiles_and_ttft_median():
    items = [item(str(i), latency=t, ttft=t / 2) for i, t in enumerate([1.0, 2.0, 3.0, 4.0])]
    summary = summarise(items)
    assert summary["latency_p50_s"] == pytest.approx(2.5)
    assert summary["latency_p95_s"] == pytest.approx(3.85)
    assert summary["ttft_p50_s"] == pytest.approx(1.25)


def test_grouping_by_lang_and_kind():
    items = [item("a", lang="nl", rank=1), item("b", lang="fr", rank=None, kind="list"), item("c", lang="fr", rank=1),
             item("u", lang="en", answerable=False, refused=True)]
    by_lang = summarise_by(items, "lang")
    assert list(by_lang) == ["en", "fr", "nl"]
    assert by_lang["fr"]["n"] == 2 and by_lang["fr"]["hit_at_1"] == pytest.approx(0.5)
    assert by_lang["nl"]["hit_at_1"] == 1.0
    assert by_lang["en"]["hit_at_1"] is None and by_lang["en"]["refusal_recall"] == 1.0
    by_kind = summarise_by(items, "kind")
    assert {kind: group["n"] for kind, group in by_kind.items()} == {"fact": 2, "list": 1, "unanswerable": 1}
    assert all(tuple(group) == SUMMARY_KEYS for group in [*by_lang.values(), *by_kind.values()])


def test_empty_denominators_give_none():
    only_unanswerable = summarise([item("u", answerable=False, refused=True)])
    for key in ("hit_at_1", "hit_at_5", "mrr", "answer_accuracy", "citation_precision", "citation_recall", "false_refusal_rate"):
        assert only_unanswerable[key] is None, key
    assert only_unanswerable["refusal_recall"] == 1.0
    retrieval_mode = summarise([item("a", rank=1, refused=None), item("u", answerable=False, refused=None)])
    assert retrieval_mode["hit_at_1"] == 1.0
    for key in ("answer_accuracy", "language_match", "citation_precision", "citation_recall", "refusal_recall",
                "false_refusal_rate", "latency_p50_s", "latency_p95_s", "ttft_p50_s", "evidence_p50_s"):
        assert retrieval_mode[key] is None, key
    assert summarise([]) == {key: (0 if key.startswith("n") else None) for key in SUMMARY_KEYS}


# --- refusal curve --------------------------------------------------------------------------------------------

def _curve_items():
    scores = [("nl", True, 0.9), ("nl", True, 0.8), ("nl", True, 0.3), ("nl", False, 0.2), ("nl", False, 0.5),
              ("fr", True, 0.7), ("fr", False, 0.1), ("en", True, None), ("en", False, None)]
    return [item(f"{lang}{i}", lang=lang, answerable=answerable, answerability=a)
            for i, (lang, answerable, a) in enumerate(scores)]


def _points(curve):
    return [(p["threshold"], p["refusal_recall"], p["false_refusal_rate"]) for p in curve["points"]]


def test_refusal_curve_sweeps_the_observed_answerability_values_per_language():
    curves = refusal_curves(_curve_items())
    assert curves["n_skipped"] == 2 and curves["max_false_refusal_rate"] == 0.05
    assert list(curves["curves"]) == ["all", "fr", "nl"]  # en has no scores: no line
    every = curves["curves"]["all"]
    assert (every["n_scored"], every["n_answerable"], every["n_unanswerable"]) == (7, 4, 3)
    # refused = answerability < t; unanswerable 0.1 0.2 0.5, answerable 0.3 0.7 0.8 0.9
    assert [value for point in _points(every)[:-1] for value in point] == pytest.approx([
        0.1, 0, 0, 0.2, 1 / 3, 0, 0.3, 2 / 3, 0, 0.5, 2 / 3, 1 / 4, 0.7, 1, 1 / 4, 0.8, 1, 2 / 4, 0.9, 1, 3 / 4])
    last = every["points"][-1]
    assert 0.9 < last["threshold"] < 0.9 + 1e-9 and (last["refusal_recall"], last["false_refusal_rate"]) == (1, 1)
    assert every["best"] == {"threshold": 0.3, "refusal_recall": pytest.approx(2 / 3), "false_refusal_rate": 0}
    assert curves["curves"]["nl"]["best"]["threshold"] == 0.3 and curves["curves"]["nl"]["best"]["refusal_recall"] == 0.5
    assert curves["curves"]["fr"]["best"] == {"threshold": 0.7, "refusal_recall": 1, "false_refusal_rate": 0}


def test_refusal_curve_best_respects_the_false_refusal_limit_and_needs_both_kinds():
    items = [item(f"a{i}", answerability=a) for i, a in enumerate([0.2, 0.6, 0.7, 0.8])] + [
        item("u", answerable=False, answerability=0.5)]
    curve = refusal_curves(items)["curves"]["all"]
    assert curve["best"] == {"threshold": 0.2, "refusal_recall": 0, "false_refusal_rate": 0}  # 0.5 would refuse a 0.2
    assert refusal_curves(items, max_frr=0.25)["curves"]["all"]["best"]["threshold"] == 0.6
    only_unanswerable = refusal_curves([item("u", answerable=False, answerability=0.5)])["curves"]["all"]
    assert only_unanswerable["best"] is None and _points(only_unanswerable)[0] == (0.5, 0, None)
    none = refusal_curves([item("a"), item("u", answerable=False)])
    assert none["n_skipped"] == 2 and list(none["curves"]) == ["all"]
    assert none["curves"]["all"] == {"n_scored": 0, "n_answerable": 0, "n_unanswerable": 0, "points": [], "best": None}


# --- runner with a fake assistant -----------------------------------------------------------------------------

class FakeAssistant:
    """Retrieves the evidence passage second (through its French twin) and answers with a pause mid-stream."""

    def __init__(self):
        self.retrieve_calls = []

    def documents(self):  # the questions' document, written in Dutch and French
        return {"doc.txt": types.SimpleNamespace(info=types.SimpleNamespace(languages=["fr", "nl"]))}

    def retrieve(self, question, lang=None, k=5):
        self.retrieve_calls.append(k)
        hit = passage("hit", "Nederlandse tekst.", translation="Tous les trois: " + EVIDENCE, rank=2)
        return [passage("miss", "Iets anders.", rank=1), hit][:k]

    def ask(self, question, history=None, lang=None, mode=None):
        return list(self.stream(question, history, lang, mode))[-1]

    def stream(self, question, history=None, lang=None, mode=None):
        unanswerable = "onbeantwoordbaar" in question
        text = "Dat staat niet in de documenten die ik heb." if unanswerable else f"{DUTCH} EMPACT THB [1] « {FRENCH} » [2]"
        timings = {"retrieval_s": 0.01}
        if mode is Mode.GENERATIVE:  # the quotes first, then a pause before the generated text
            timings["first_evidence_s"] = 0.01
            yield Evidence("“Quote.” [3]")
            time.sleep(0.05)
        yield text[:20]
        time.sleep(0.05)
        yield text[20:]
        cites = [] if unanswerable else [citation("Iets anders.", EVIDENCE), citation("Niets.", marker=2), citation("Quote.", marker=3)]
        yield Answer(question, text, "nl", "nl", mode, refused=unanswerable, citations=cites, evidence="“Quote.” [3]",
                     refusal_reason="no statement to quote" if unanswerable else None,
                     answerability=self.answerability(question),
                     passages=[] if unanswerable else self.retrieve(question), timings=timings)

    def answerability(self, question):
        return None  # an assistant that does not score answerability


def questions_for_fake() -> list[dict]:
    unanswerable = question("u", answerable=False)
    unanswerable["question"] = "Iets onbeantwoordbaar?"
    return [question("a"), question("b", lang="fr", kind="list"), unanswerable]


def test_run_eval_extractive_with_fake_assistant():
    report = run_eval(FakeAssistant(), questions_for_fake(), "extractive", k=5, progress=False)
    assert tuple(report["summary"]) == SUMMARY_KEYS
    a = report["items"][0]
    assert a["answer_lang"] == "nl" and a["refused"] is False
    assert [c["hit"] for c in a["citations"]] == [True, False]  # hit through Citation.translation; not the quote's [3]
    assert [(r["rank"], r["chunk_id"], r["doc_id"], r["hit"]) for r in a["retrieved"]] == [
        (1, "miss", "doc.txt", False), (2, "hit", "doc.txt", True)]
    assert a["first_hit_rank"] == 2
    assert 0 < a["ttft_s"] < 0.05 <= a["latency_s"]
    summary = report["summary"]
    assert summary["hit_at_1"] == 0.0 and summary["hit_at_5"] == 1.0 and summary["mrr"] == 0.5
    assert summary["answer_accuracy"] == 1.0
    assert summary["language_match"] == pytest.approx(2 / 3)  # the French question got a Dutch answer
    assert summary["citation_precision"] == 0.5 and summary["citation_recall"] == 1.0
    assert summary["refusal_recall"] == 1.0 and summary["false_refusal_rate"] == 0.0
    assert set(report["by_lang"]) == {"fr", "nl"} and report["by_lang"]["fr"]["language_match"] == 0.0


def test_generative_time_to_first_token_counts_the_generated_text_not_the_quotes_before_it():
    report = run_eval(FakeAssistant(), questions_for_fake(), "generative", k=5, progress=False)
    a = report["items"][0]
    assert a["evidence_s"] == 0.01 and a["ttft_s"] >= 0.05  # (the pause between the quotes and the text)
    assert "fallback" in a and a["fallback"] is None  # the generated text stood (else: the check it failed)
    assert report["summary"]["evidence_p50_s"] == pytest.approx(0.01)


def test_a_passage_elsewhere_that_states_the_answer_counts_as_a_hit_and_can_make_a_question_same_language():
    moved = question("m")
    moved["evidence"] = ["Een zin die in geen enkele teruggevonden passage staat."]
    missed = run_eval(FakeAssistant(), [moved], "extractive", progress=False)["items"][0]
    assert missed["first_hit_rank"] is None and not any(c["hit"] for c in missed["citations"])
    moved["other_evidence"] = [{"doc": "elders.txt", "text": EVIDENCE}]  # the fake's passage and quote hold it
    found = run_eval(FakeAssistant(), [moved], "extractive", progress=False)["items"][0]
    assert found["first_hit_rank"] == 2 and [c["hit"] for c in found["citations"]] == [True, False]
    assert found["crossing"] == "same-language"
    english = {**moved, "lang": "en"}  # doc.txt is in Dutch and French: English is cross-lingual ...
    assert run_eval(FakeAssistant(), [english], "retrieval", progress=False)["items"][0]["crossing"] == "cross-lingual"
    fake = FakeAssistant()  # ... unless another document that answers it is in English
    fake.documents = lambda: {"doc.txt": types.SimpleNamespace(info=types.SimpleNamespace(languages=["fr", "nl"])),
                              "elders.txt": types.SimpleNamespace(info=types.SimpleNamespace(languages=["en"]))}
    assert run_eval(fake, [english], "retrieval", progress=False)["items"][0]["crossing"] == "same-language"


def test_run_eval_retrieval_mode_only_retrieves():
    fake = FakeAssistant()
    report = run_eval(fake, questions_for_fake(), "retrieval", k=3, progress=False)
    assert fake.retrieve_calls == [5, 5, 5]  # max(k, 5)
    assert all(i["answer"] is None and i["refused"] is None and i["latency_s"] is None for i in report["items"])
    summary = report["summary"]
    assert summary["hit_at_5"] == 1.0 and summary["mrr"] == 0.5
    assert summary["answer_accuracy"] is None and summary["refusal_recall"] is None and summary["ttft_p50_s"] is None
    with pytest.raises(ValueError, match="mode"):
        run_eval(fake, questions_for_fake(), "chatty", progress=False)


# --- report writer --------------------------------------------------------------------------------------------

def test_report_writer_writes_json_markdown_and_png(tmp_path):
    report = run_eval(FakeAssistant(), questions_for_fake(), "extractive", progress=False)
    json_path, md_path, png_path, refusal_path = write_reports(report, tmp_path / "out" / "report.json")
    assert [p.name for p in (json_path, md_path, png_path, refusal_path)] == [
        "report.json", "report.md", "report.png", "report-refusal.png"]
    written = json.loads(json_path.read_text(encoding="utf-8"))
    assert list(written["summary"]) == list(SUMMARY_KEYS)
    assert all(list(g) == list(SUMMARY_KEYS) for g in [*written["by_lang"].values(), *written["by_kind"].values()])
    assert {i["id"] for i in written["items"]} == {"a", "b", "u"}
    assert [i["refusal"] for i in written["items"]] == [None, None, "no statement to quote"]  # why each was refused
    md = md_path.read_text(encoding="utf-8")
    assert "](report.png)" in md
    for heading in ("## Summary", "## By language", "## By kind", "worst items"):
        assert heading in md
    assert "| citation_precision | 0.500 |" in md
    assert "| b | Vraag b? |" in md  # a worst item: the French question answered in Dutch
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no refusal curve" in md  # the fake does not score answerability
    assert written["refusal_curve"]["n_skipped"] == 3 and written["refusal_curve"]["curves"]["all"]["points"] == []
    assert refusal_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class ScoringFake(FakeAssistant):
    """Scores the unanswerable question low, the French one lower still, the Dutch one high."""

    def answerability(self, question):
        return {"Iets onbeantwoordbaar?": 0.2, "Vraag b?": 0.1}.get(question, 0.9)


def test_runner_records_answerability_and_the_report_draws_the_refusal_curve(tmp_path):
    report = run_eval(ScoringFake(), questions_for_fake(), "extractive", progress=False)
    assert [i["answerability"] for i in report["items"]] == [0.9, 0.1, 0.2]
    curves = report["refusal_curve"]["curves"]
    assert list(curves) == ["all", "fr", "nl"] and report["refusal_curve"]["n_skipped"] == 0
    # at 0.2 the French answerable question (0.1) is already refused: best without false refusals is 0.1, recall 0
    assert curves["all"]["best"] == {"threshold": 0.1, "refusal_recall": 0.0, "false_refusal_rate": 0.0}
    assert curves["nl"]["best"] == {"threshold": 0.9, "refusal_recall": 1.0, "false_refusal_rate": 0.0}
    json_path, md_path, _, refusal_path = write_reports(report, tmp_path / "report.json")
    written = json.loads(json_path.read_text(encoding="utf-8"))
    assert written["refusal_curve"]["curves"]["nl"]["points"] == [
        {"threshold": 0.2, "refusal_recall": 0.0, "false_refusal_rate": 0.0},
        {"threshold": 0.9, "refusal_recall": 1.0, "false_refusal_rate": 0.0},
        {"threshold": pytest.approx(0.9), "refusal_recall": 1.0, "false_refusal_rate": 1.0}]
    md = md_path.read_text(encoding="utf-8")
    assert "## Refusal curve" in md and "](report-refusal.png)" in md
    assert "| nl | 2 | 1 | 1 | 0.900 | 1.000 | 0.000 |" in md and "| fr | 1 | 1 | 0 | n/a | n/a | n/a |" in md
    assert refusal_path.stat().st_size > 1000 and refusal_path.read_bytes()[:4] == b"\x89PNG"
    retrieval = run_eval(ScoringFake(), questions_for_fake(), "retrieval", progress=False)
    assert all(i["answerability"] is None for i in retrieval["items"]) and retrieval["refusal_curve"]["n_skipped"] == 3


# --- loader -----------------------------------------------------------------------------------------------------

def test_loader_reads_a_valid_file_and_skips_blank_lines(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(question("a")) + "\n\n" + json.dumps(question("u", answerable=False)) + "\n", encoding="utf-8")
    assert [q["id"] for q in load_questions(path)] == ["a", "u"]


@pytest.mark.parametrize("bad_line, message", [
    ("{not json", "not valid JSON"),
    (json.dumps({k: v for k, v in question("x").items() if k != "evidence"}), "missing field(s) evidence"),
    (json.dumps({**question("x"), "lang": "de"}), "lang 'de'"),
    (json.dumps({**question("x"), "answerable": "yes"}), "wrong type for answerable"),
    (json.dumps({**question("x"), "evidence": []}), "at least one evidence"),
    (json.dumps({**question("x"), "answer_keywords": [["ok"], []]}), "answer_keywords"),
    (json.dumps(question("a")), "duplicate id 'a'"),
    (json.dumps({**question("x"), "split": "train"}), "split 'train' is not one of tune, test"),
    (json.dumps({**question("x"), "split": None}), "split None"),
    (json.dumps({**question("x"), "other_evidence": ["a bare string"]}), "other_evidence must be"),
    (json.dumps({**question("x"), "other_evidence": [{"doc": "d.txt", "text": " "}]}), "other_evidence must be"),
    (json.dumps({**question("x", answerable=False), "other_evidence": [{"doc": "d.txt", "text": "t"}]}), "has no evidence"),
])
def test_loader_rejects_a_malformed_line_naming_it(tmp_path, bad_line, message):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join([json.dumps(question("a")), "", bad_line, json.dumps(question("b"))]) + "\n", encoding="utf-8")
    with pytest.raises(QuestionFileError) as error:
        load_questions(path)
    assert "line 3:" in str(error.value) and message in str(error.value)


def test_split_is_optional_and_selects_questions(tmp_path):
    path = tmp_path / "q.jsonl"
    lines = [{**question("a"), "split": "tune"}, {**question("b"), "split": "test"}, question("c"),
             {**question("u", answerable=False), "split": "test"}]
    path.write_text("".join(json.dumps(q) + "\n" for q in lines), encoding="utf-8")
    questions = load_questions(path)
    assert [q["id"] for q in select_split(questions, "all")] == ["a", "b", "c", "u"]
    assert [q["id"] for q in select_split(questions, "tune")] == ["a"]
    assert [q["id"] for q in select_split(questions, "test")] == ["b", "u"]  # no split: in neither half
    with pytest.raises(ValueError, match="split"):
        select_split(questions, "train")


# --- floors and the command -----------------------------------------------------------------------------------

def test_floor_failures_lists_each_metric_under_its_floor():
    summary = {**dict.fromkeys(SUMMARY_KEYS), "hit_at_1": 0.4, "hit_at_5": 0.9, "mrr": 0.5}
    failures = floor_failures(summary, {"hit_at_1": 0.5, "hit_at_5": 0.9, "mrr": 0.5, "answer_accuracy": 0.1})
    assert failures == ["hit_at_1 = 0.400 is under its floor 0.5", "answer_accuracy = n/a has no value to compare with its floor 0.1"]
    assert floor_failures(summary, {"hit_at_5": 0.8}) == []


def test_lower_is_better_metrics_have_a_ceiling():
    summary = {"false_refusal_rate": 0.1, "latency_p50_s": 0.2}
    assert floor_failures(summary, {"false_refusal_rate": 0.05, "latency_p50_s": 0.5}) == ["false_refusal_rate = 0.100 is over its ceiling 0.05"]


def _command(monkeypatch, tmp_path, *argv, questions=None):
    monkeypatch.setitem(sys.modules, "assistant.assistant", types.SimpleNamespace(Assistant=lambda settings: FakeAssistant(), IndexMissing=LookupError))
    qa = tmp_path / "q.jsonl"
    qa.write_text("".join(json.dumps(q) + "\n" for q in questions or questions_for_fake()), encoding="utf-8")
    parser = argparse.ArgumentParser()
    configure(parser)
    return run(parser.parse_args(["--qa", str(qa), "--out", str(tmp_path / "r" / "report.json"), "--quiet", *argv]), settings=None)


def test_command_exit_code_follows_the_floors(monkeypatch, tmp_path, capsys):
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"hit_at_5": 0.9, "hit_at_1": 0.5, "language_match": 0.9}), encoding="utf-8")
    assert _command(monkeypatch, tmp_path, "--floors", str(floors)) == 1
    out, err = capsys.readouterr()
    assert "| hit_at_5 | 1.000 |" in out
    assert "hit_at_1 = 0.000 is under its floor 0.5" in err and "language_match = 0.667" in err and "hit_at_5" not in err
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.json", "report.md", "report.png", "report-refusal.png"}
    floors.write_text(json.dumps({"hit_at_5": 0.9}), encoding="utf-8")
    assert _command(monkeypatch, tmp_path, "--floors", str(floors)) == 0


def test_command_reports_bad_inputs_clearly(monkeypatch, tmp_path, capsys):
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"hit_at_10": 0.5}), encoding="utf-8")
    assert _command(monkeypatch, tmp_path, "--floors", str(floors)) == 2
    assert "unknown metric(s) hit_at_10" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _command(monkeypatch, tmp_path, "--k", "0")


def test_command_split_filters_the_questions_and_is_recorded(monkeypatch, tmp_path, capsys):
    a, b, u = questions_for_fake()
    questions = [{**a, "split": "tune"}, {**b, "split": "test"}, {**u, "split": "test"}]
    assert _command(monkeypatch, tmp_path, "--split", "test", questions=questions) == 0
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["meta"]["split"] == "test" and report["summary"]["n"] == 2
    assert [(i["id"], i["split"]) for i in report["items"]] == [("b", "test"), ("u", "test")]
    assert "split test" in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert _command(monkeypatch, tmp_path, questions=questions) == 0  # default: all
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["meta"]["split"] == "all" and report["summary"]["n"] == 3
    capsys.readouterr()
    assert _command(monkeypatch, tmp_path, "--split", "tune") == 2  # questions without splits
    assert "no question has split 'tune'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _command(monkeypatch, tmp_path, "--split", "train")


def test_command_corpus_reads_its_questions_and_writes_its_own_reports(monkeypatch, tmp_path, capsys):
    import eval.command as command

    corpus = tmp_path / "corpora" / "tiny"
    corpus.mkdir(parents=True)
    (corpus / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions_for_fake()), encoding="utf-8")
    monkeypatch.setattr(command, "CORPORA_DIR", tmp_path / "corpora")
    monkeypatch.setattr(command, "REPORTS_DIR", tmp_path / "reports")
    monkeypatch.setitem(sys.modules, "assistant.assistant", types.SimpleNamespace(Assistant=lambda settings: FakeAssistant(), IndexMissing=LookupError))
    assert command.corpus_names() == ["tiny"]
    parser = argparse.ArgumentParser()
    configure(parser)
    assert run(parser.parse_args(["--corpus", "tiny", "--mode", "retrieval", "--quiet"]), settings=None) == 0
    report = json.loads((tmp_path / "reports" / "tiny" / "report-retrieval.json").read_text(encoding="utf-8"))
    assert report["meta"]["questions"] == str(corpus / "questions.jsonl") and report["summary"]["n"] == 3
    with pytest.raises(SystemExit):  # one question source at a time
        parser.parse_args(["--corpus", "tiny", "--qa", "q.jsonl"])


class _IndexedFake(FakeAssistant):
    """The fake assistant with `doc_ids` indexed."""

    def __init__(self, doc_ids):
        super().__init__()
        self.doc_ids = doc_ids

    def documents(self):
        record = types.SimpleNamespace(info=types.SimpleNamespace(languages=["nl"]))
        return dict.fromkeys(self.doc_ids, record)


def test_command_refuses_an_index_without_the_questions_documents(monkeypatch, tmp_path, capsys):
    indexed = ["other.txt"]
    monkeypatch.setitem(sys.modules, "assistant.assistant", types.SimpleNamespace(Assistant=lambda settings: _IndexedFake(indexed), IndexMissing=LookupError))
    qa = tmp_path / "q.jsonl"
    qa.write_text("".join(json.dumps(q) + "\n" for q in questions_for_fake()), encoding="utf-8")
    parser = argparse.ArgumentParser()
    configure(parser)
    args = parser.parse_args(["--qa", str(qa), "--out", str(tmp_path / "r" / "report.json"), "--quiet"])
    settings = types.SimpleNamespace(data_dir=tmp_path / "data")
    assert run(args, settings) == 2
    assert "holds none of the documents" in capsys.readouterr().err
    indexed.append("doc.txt")
    assert run(args, settings) == 0
    assert "not indexed" not in capsys.readouterr().err
