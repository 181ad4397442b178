"""The `benelux-qa` command as a user runs it."""

import os
import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "benelux_qa.cli"]


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

