"""What ingest does with awkward input: a broken metadata.json, hidden files, a document over the size
limit, and many documents in one run (embedded and written a bounded group at a time).

Real embedding model and on-disk Chroma."""

import os
import subprocess
import sys

import pytest

import ingest.pipeline as pipeline
from ingest.pipeline import Ingestor
import vectorstore.store as store_module
from vectorstore.store import ParagraphStore
from tests.conftest import CORPUS
from tests.test_ingest import SMALL_DOC

SECOND_DOC = (
    "Verslag van de opleiding\n\n"
    "In 2023 volgden veertig arbeidsinspecteurs uit de drie landen een gezamenlijke opleiding over uitbuiting.\n"
)


def ingest(settings, embeddings, *paths):
    store = ParagraphStore(settings, embeddings)
    return store, Ingestor(settings, store, show_progress=False).ingest(list(paths))


def docs_with_sidecar(tmp_path, sidecar: str):
    """A folder holding one document and the given metadata.json text."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nota.txt").write_text(SMALL_DOC, encoding="utf-8")
    (docs / "metadata.json").write_text(sidecar, encoding="utf-8")
    return docs


def test_invalid_metadata_json_is_reported_and_the_documents_go_in(settings, embeddings, tmp_path):
    store, summary = ingest(settings, embeddings, docs_with_sidecar(tmp_path, '{"nota.txt": {"title": "Kapot",}'))
    assert summary.added == ["nota.txt"] and not summary.failed
    (reason,) = [r for name, r in summary.skipped.items() if name.endswith("metadata.json")]
    assert "invalid JSON" in reason and "line 1" in reason
    assert any("metadata.json" in line and "invalid JSON" in line for line in summary.lines())
    assert store.documents()["nota.txt"].info.title == "Nota over samenwerking", "derived metadata is used"


def test_metadata_json_of_the_wrong_shape_is_reported(settings, embeddings, tmp_path):
    _, summary = ingest(settings, embeddings, docs_with_sidecar(tmp_path, '["nota.txt"]'))
    assert summary.added == ["nota.txt"]
    assert any(name.endswith("metadata.json") for name in summary.skipped)


def test_cli_ingest_with_a_broken_metadata_json_does_not_abort(settings, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nota.txt").write_text(SMALL_DOC, encoding="utf-8")
    (docs / "metadata.json").write_text("{oops", encoding="utf-8")
    env = {**os.environ, "BENELUX_QA_DATA_DIR": str(settings.data_dir), "BENELUX_QA_MODELS_DIR": str(settings.resolved_models_dir),
           "BENELUX_QA_MACHINE_TRANSLATION": "false"}  # (translation has its own tests: tests/test_twins.py)
    result = subprocess.run(
        [sys.executable, "-m", "benelux_qa.cli", "ingest", "--quiet", str(docs)], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Loading weights" not in result.stderr  # --quiet: no model-loading bar either
    assert "1 added" in result.stdout and "metadata.json: invalid JSON" in result.stdout


def test_hidden_files_and_folders_are_listed_as_skipped(settings, embeddings, tmp_path):
    docs = tmp_path / "docs"
    (docs / ".git").mkdir(parents=True)
    (docs / "nota.txt").write_text(SMALL_DOC, encoding="utf-8")
    (docs / ".concept.txt").write_text(SECOND_DOC, encoding="utf-8")
    (docs / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    store, summary = ingest(settings, embeddings, docs)
    assert summary.added == ["nota.txt"] and not summary.failed
    assert summary.skipped == {".concept.txt": "hidden file", ".git/": "hidden folder"}
    assert "  skipped .concept.txt: hidden file" in summary.lines()
    assert set(store.documents()) == {"nota.txt"}


def test_a_document_over_the_size_limit_is_refused_naming_the_limit(settings, embeddings, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nota.txt").write_text(SMALL_DOC, encoding="utf-8")
    (docs / "groot.txt").write_text(SMALL_DOC + "\n\n" + "\n\n".join([SECOND_DOC] * 40), encoding="utf-8")
    limited = settings.model_copy(update={"max_document_mb": 0.002})  # ~2 KB: nota.txt fits, groot.txt does not
    store, summary = ingest(limited, embeddings, docs)
    assert summary.added == ["nota.txt"]
    reason = summary.failed["groot.txt"]
    assert "too large" in reason and "0.002 MB" in reason and "max_document_mb" in reason
    assert set(store.documents()) == {"nota.txt"}


def test_max_document_mb_is_read_from_the_environment(monkeypatch):
    from core.settings import Settings

    monkeypatch.setenv("BENELUX_QA_MAX_DOCUMENT_MB", "0.5")
    assert Settings().max_document_mb == 0.5
    assert "max_document_mb" in Settings.model_fields and Settings.model_fields["max_document_mb"].description


def test_documents_are_parsed_embedded_and_written_in_bounded_groups(settings, embeddings, monkeypatch):
    """With a group bound of one text, every document is embedded on its own, and the first is written
    before the last is parsed: nothing of the run accumulates."""
    events, groups = [], []
    real_parse, real_vectors = pipeline.parse_document, Ingestor._vectors

    def parse(path, *args, **kwargs):
        events.append(("parse", path.name))
        return real_parse(path, *args, **kwargs)

    def vectors(self, group, summary):
        groups.append([c.doc.info.doc_id for c in group])
        return real_vectors(self, group, summary)

    monkeypatch.setattr(pipeline, "GROUP_TEXTS", 1)
    monkeypatch.setattr(pipeline, "parse_document", parse)
    monkeypatch.setattr(Ingestor, "_vectors", vectors)
    store = ParagraphStore(settings, embeddings)
    real_write = store.write_documents
    store.write_documents = lambda documents: (events.extend(("write", d.info.doc_id) for d in documents), real_write(documents))
    files = [CORPUS / name for name in ("001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt", "004_5b854e4566e864c9.txt")]
    summary = Ingestor(settings, store, show_progress=False).ingest(files)

    assert len(summary.added) == 3 and all(len(group) == 1 for group in groups) and len(groups) == 3
    first_write = events.index(("write", "001_29f7b3141a8d4611.txt"))
    assert first_write < events.index(("parse", "004_5b854e4566e864c9.txt"))
    assert store.count() == summary.chunks == summary.embedded


def test_a_group_of_documents_is_written_in_one_call_per_collection(settings, embeddings, monkeypatch):
    """Chroma's cost is mostly per call (a one-entry upsert ~10 ms, each further entry ~0.5 ms): three documents in
    one group make one replace of chunks and one of sentences, and all three are then searchable and listed."""
    replaced = []
    real_replace = store_module._replace

    def counting_replace(collection, doc_ids, *args):
        replaced.append((collection.name, sorted(doc_ids)))
        real_replace(collection, doc_ids, *args)

    monkeypatch.setattr(store_module, "_replace", counting_replace)
    store = ParagraphStore(settings, embeddings)
    names = ["001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt", "004_5b854e4566e864c9.txt"]
    summary = Ingestor(settings, store, show_progress=False).ingest([CORPUS / name for name in names])

    assert summary.added == names
    assert replaced == [(store.collection.name, names), (store.sentences.name, names)]
    assert set(store.documents()) == set(names) and store.count() == summary.chunks
    assert {c.doc_id for c, _ in store.search(embeddings.embed_passages(["Luxemburg intentieverklaring"])[0], 40)} == set(names)


@pytest.mark.parametrize("sizes, bound, expected", [([3, 3, 3], 6, [2, 1]), ([10, 1], 4, [1, 1]), ([1, 1, 1], 100, [3])])
def test_groups_hold_at_most_the_bound_unless_one_document_is_larger(sizes, bound, expected):
    from types import SimpleNamespace

    items = [SimpleNamespace(chunks=[0] * n, sentences=[]) for n in sizes]
    assert [len(group) for group in pipeline._groups(iter(items), bound)] == expected
