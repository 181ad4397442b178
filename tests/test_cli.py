"""The `benelux-qa` command as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "benelux_qa.cli"]
QUESTIONS = Path(__file__).parents[1] / "eval" / "questions.jsonl"


def run(*args, settings=None):
    env = dict(os.environ)
    if settings is not None:
        env |= {"BENELUX_QA_DATA_DIR": str(settings.data_dir), "BENELUX_QA_MODELS_DIR": str(settings.resolved_models_dir)}
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("subcommand", ["provision", "ingest", "ask", "eval", "serve"])
def test_every_subcommand_has_help(subcommand):
    result = run(subcommand, "--help")
    assert result.returncode == 0 and "--data-dir" in result.stdout


def test_ask_prints_the_answer_with_its_cited_paragraphs(corpus_settings):
    result = run("ask", "--mode", "extractive", "Welke Belgische minister van Justitie wordt in het persbericht geciteerd?", settings=corpus_settings)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "003_0cd5a18808cb444d.txt" in result.stdout and "§" in result.stdout


def test_ask_with_an_empty_question_is_a_clear_error(corpus_settings):
    result = run("ask", "  ", settings=corpus_settings)
    assert result.returncode == 2 and "Please ask a question" in result.stderr and "Traceback" not in result.stderr


def test_ask_with_emoji_or_sql_is_a_short_message_not_a_quote(corpus_settings):
    for text in ("🙂🙂", "SELECT * FROM users; DROP TABLE x;--"):
        result = run("ask", "--mode", "extractive", text, settings=corpus_settings)
        assert result.returncode == 2 and "ask a question about the documents" in result.stderr
        assert "[1]" not in result.stdout and "Traceback" not in result.stderr


HEAVY = ("torch", "transformers", "sentence_transformers", "chromadb", "gradio", "langchain_core", "matplotlib")


def test_building_the_command_line_imports_no_heavy_library():
    """`benelux-qa --help` (and every parse) stays quick: the heavy libraries load only in the commands that use them."""
    probe = (
        "import sys, benelux_qa.cli as cli; cli.build_parser().format_help(); "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_calibrate_fits_each_modes_model_for_the_index_and_the_assistant_uses_them(corpus_settings, tmp_path):
    from assistant.answerability import GENERATIVE_FEATURES, AnswerabilityModel, generative_path
    from assistant.assistant import Assistant

    tune = [q for q in map(json.loads, open(QUESTIONS, encoding="utf-8")) if q["split"] == "tune"]
    chosen = [q for q in tune if q["answerable"]][:6] + [q for q in tune if not q["answerable"]][:4]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps(q) + "\n" for q in chosen), encoding="utf-8")
    out = tmp_path / "answerability.json"  # not the shared index's own file: other tests use its defaults
    for mode in ("extractive", "generative"):
        result = run("calibrate", "--quiet", "--mode", mode, "--qa", str(questions), "--out", str(out), settings=corpus_settings)
        assert result.returncode == 0, result.stderr
        assert "calibrated on" in result.stdout
    generative = AnswerabilityModel.load(generative_path(out))
    assert generative.features == GENERATIVE_FEATURES and str(questions) in generative.fitted_on
    assistant = Assistant(corpus_settings.model_copy(update={"calibration_file": out}))
    assert assistant.calibrated and assistant.generative_answerability == generative
    assert assistant.answerability == AnswerabilityModel.load(out)


def test_calibrate_needs_both_kinds_of_questions(corpus_settings, tmp_path):
    answerable = [line for line in open(QUESTIONS, encoding="utf-8") if json.loads(line)["answerable"]][:3]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(answerable), encoding="utf-8")
    result = run("calibrate", "--quiet", "--split", "all", "--qa", str(questions), "--out", str(tmp_path / "a.json"), settings=corpus_settings)
    assert result.returncode == 2 and "unanswerable" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.json").exists()


def test_calibrate_sets_the_fallback_threshold_from_generative_eval_reports(corpus_settings, tmp_path):
    from assistant.answerability import DEFAULT_PARAMETERS, AnswerabilityModel, generative_path

    def item(p: float, answerable: bool, fallback: str | None, split: str = "tune") -> dict:
        return {"answerability": p, "answerable": answerable, "fallback": fallback, "refused": False, "split": split}

    report = tmp_path / "report.json"
    report.write_text(json.dumps({"items": [
        item(0.1, False, "unsupported: 1987"), item(0.2, False, "a question, not an answer"), item(0.3, True, "empty answer"),
        item(0.4, False, None),  # the generated answer stood: not counted
        item(0.05, True, "unsupported: 12", split="test"),  # another split
        item(0.9, True, "no LLM (none configured)"),
    ]}), encoding="utf-8")
    out = tmp_path / "answerability.json"
    result = run("calibrate", "--fallback-from", str(report), "--out", str(out), settings=corpus_settings)
    assert result.returncode == 0, result.stderr
    model = AnswerabilityModel.load(generative_path(out))
    assert 0.2 < model.fallback_threshold < 0.3 and "fallback threshold: 3 failed" in model.fitted_on
    assert model.weights == AnswerabilityModel.load(generative_path(DEFAULT_PARAMETERS)).weights  # the shipped model, amended
    assert "refuses 2 to unanswerable and 0 to answerable" in result.stdout
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{", encoding="utf-8")
    result = run("calibrate", "--fallback-from", str(damaged), "--out", str(tmp_path / "other.json"), settings=corpus_settings)
    assert result.returncode == 2 and "error" in result.stderr and "Traceback" not in result.stderr
