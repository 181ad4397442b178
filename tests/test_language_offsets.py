"""The embedding model's lean towards the question's language, measured on parallel passages and taken out of retrieval."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.language_offsets import DEFAULT_OFFSETS, LanguageOffsets, load_offsets, measure

QUESTIONS = Path(__file__).parents[1] / "eval" / "questions.jsonl"


def test_measure_averages_each_language_over_the_passages_found_in_all_of_them():
    versions = [
        {"nl": np.array([1.0, 0.0]), "fr": np.array([0.0, 1.0])},
        {"nl": np.array([3.0, 0.0]), "fr": np.array([0.0, 3.0])},
        {"nl": np.array([100.0, 100.0])},  # only in Dutch: what it says would not cancel out
    ]
    vectors = measure(versions, ("nl", "fr"))
    assert vectors["nl"].tolist() == [2.0, 0.0] and vectors["fr"].tolist() == [0.0, 2.0]
    with pytest.raises(ValueError, match="machine translation"):
        measure(versions, ("nl", "fr", "en"))


def test_lean_is_the_weighted_projection_and_nothing_for_an_unmeasured_language():
    offsets = LanguageOffsets("m", 0.5, {"fr": np.array([0.2, 0.0])})
    query = np.array([1.0, 1.0])
    assert offsets.lean(query, "fr") == pytest.approx(0.1) and offsets.lean(query, "de") == 0.0


def test_offsets_are_read_back_only_for_the_model_they_were_measured_with(tmp_path):
    path = tmp_path / "offsets.json"
    LanguageOffsets("e5", 0.75, {"nl": np.array([0.125, -0.5])}, "tune questions").save(path)
    again = load_offsets(path, "e5")
    assert again.weight == 0.75 and again.vectors["nl"].tolist() == [0.125, -0.5] and again.fitted_on == "tune questions"
    assert load_offsets(path, "another model") is None and load_offsets(tmp_path / "none.json", "e5") is None


def test_the_shipped_offsets_take_most_of_the_lean_out_on_the_bundled_index(corpus_settings):
    """A French question scores the French version of a passage higher than its Dutch version; with the shipped
    offsets the gap over the parallel passages shrinks (it is what they are for)."""
    from assistant.assistant import Assistant

    assistant = Assistant(corpus_settings)
    offsets = assistant.retriever.offsets
    assert offsets is not None and offsets.model == assistant.store.embeddings.name and offsets.weight > 0
    query = np.asarray(assistant.embeddings.embed_query("Quelles mesures les pays du Benelux prennent-ils contre la traite ?"))
    pairs = [v for v in assistant.store.parallel_versions() if "nl" in v and "fr" in v]
    assert len(pairs) >= 40
    before = np.mean([query @ v["fr"] - query @ v["nl"] for v in pairs])
    after = np.mean([(query @ v["fr"] - offsets.lean(query, "fr")) - (query @ v["nl"] - offsets.lean(query, "nl")) for v in pairs])
    assert before > 0.01 and abs(after) < before / 2


def _calibrate(settings, *args):
    env = dict(os.environ) | {"BENELUX_QA_DATA_DIR": str(settings.data_dir), "BENELUX_QA_MODELS_DIR": str(settings.resolved_models_dir)}
    return subprocess.run([sys.executable, "-m", "benelux_qa.cli", "calibrate", "--quiet", "--language-offsets", *args],
                          capture_output=True, text=True, env=env, timeout=900)


def test_calibrate_measures_the_offsets_fits_the_weight_and_the_retriever_uses_them(corpus_settings, tmp_path):
    from assistant.assistant import Assistant
    from eval.calibrate import LEAN_WEIGHTS

    chosen = [q for q in map(json.loads, open(QUESTIONS, encoding="utf-8")) if q["split"] == "tune" and q["answerable"]][:8]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps(q) + "\n" for q in chosen), encoding="utf-8")
    out = tmp_path / "offsets.json"
    result = _calibrate(corpus_settings, "--qa", str(questions), "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["weight"] in LEAN_WEIGHTS and sorted(written["vectors"]) == ["en", "fr", "nl"]
    assert "8 answerable questions" in written["fitted_on"]
    assistant = Assistant(corpus_settings.model_copy(update={"language_offsets_file": out}))
    assert assistant.retriever.offsets.weight == written["weight"]
    assert DEFAULT_OFFSETS.is_file()  # (the shipped file is not what this test wrote)


def test_calibrating_offsets_on_an_index_without_translations_is_a_clear_error(settings):
    result = _calibrate(settings, "--qa", str(QUESTIONS), "--out", str(settings.data_dir / "offsets.json"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ingest with machine translation first" in result.stderr
    assert not (settings.data_dir / "offsets.json").exists()
