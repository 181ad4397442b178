"""Ingestion benchmark on the bundled corpus (a report, not a test).

Reports cold and warm ingest time, texts (chunks and their sentences, as ingest embeds them) embedded per second against
the bare model on the same texts, the no-change re-ingest time of the real command, peak memory, index size and what was found.
Usage: .venv/bin/python benchmarks/bench_ingest.py [--corpus FOLDER] [--out FILE.json]
(e.g. --corpus on a collection bench_scale.py --keep made, where the per-document costs add up)
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.settings import Settings
from ingest.chunking import chunk_paragraphs, chunk_sentences
from ingest.parse import parse_document
from ingest.pipeline import Ingestor, texts_to_embed
from models.embeddings import ParagraphEmbeddings
from vectorstore.store import ParagraphStore


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def ingest_once(settings: Settings, embeddings: ParagraphEmbeddings):
    started = time.perf_counter()
    store = ParagraphStore(settings, embeddings)
    summary = Ingestor(settings, store, show_progress=False).ingest([settings.corpus_dir])
    return time.perf_counter() - started, summary


def cli_seconds(settings: Settings) -> float:
    env = {  # the same documents, and no machine translation (the in-process ingest made none): nothing to do
        **os.environ, "BENELUX_QA_DATA_DIR": str(settings.data_dir), "BENELUX_QA_MODELS_DIR": str(settings.resolved_models_dir),
        "BENELUX_QA_CORPUS_DIR": str(settings.corpus_dir), "BENELUX_QA_MACHINE_TRANSLATION": "false",
    }
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("benelux-qa")), "ingest", "--quiet"], check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON")
    parser.add_argument("--corpus", type=Path, help="a folder of .txt documents instead of the bundled corpus")
    args = parser.parse_args()
    base = Settings(**({"corpus_dir": args.corpus} if args.corpus else {}))
    with tempfile.TemporaryDirectory() as tmp:
        cold_settings = base.model_copy(update={"data_dir": Path(tmp) / "cold", "models_dir": base.resolved_models_dir})
        started = time.perf_counter()
        embeddings = ParagraphEmbeddings.from_settings(cold_settings)
        _, summary = ingest_once(cold_settings, embeddings)
        cold_seconds = time.perf_counter() - started  # includes loading the model

        warm_settings = cold_settings.model_copy(update={"data_dir": Path(tmp) / "warm"})
        warm_seconds, _ = ingest_once(warm_settings, embeddings)

        texts = []  # what ingest embeds
        for doc in (parse_document(path) for path in sorted(base.corpus_dir.glob("*.txt"))):
            chunks = chunk_paragraphs(doc.info.doc_id, doc.paragraphs, base.max_chunk_chars, doc.info.title)
            texts += texts_to_embed(doc, chunks, [s for c in chunks for s in chunk_sentences(c)]).values()
        started = time.perf_counter()
        embeddings.embed_passages(texts)
        bare_rate = len(texts) / (time.perf_counter() - started)

        reingest = [cli_seconds(cold_settings) for _ in range(3)]
        numbers = {
            "cold_ingest_s": round(cold_seconds, 2),
            "warm_ingest_s": round(warm_seconds, 2),
            "chunks": summary.chunks,
            "texts_embedded": len(texts),
            "ingest_texts_per_s": round(len(texts) / warm_seconds, 1),
            "bare_model_texts_per_s": round(bare_rate, 1),
            "ingest_vs_bare": round(len(texts) / warm_seconds / bare_rate, 2),
            "noop_reingest_cli_s": [round(s, 2) for s in reingest],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "index_size_mb": round(folder_size(cold_settings.index_dir) / 2**20, 1),
            "paragraphs_by_lang": dict(summary.paragraphs_by_lang),
            "pairs": summary.total_pairs,
            "repaired_splits": summary.total_repairs,
        }
    print(json.dumps(numbers, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(numbers, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
