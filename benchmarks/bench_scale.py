"""Scale benchmark: ingest and answer speed as the collection grows (a report, not a test).

For each size N it builds a collection of N documents: the 5 bundled ones (so that the questions of
eval/questions.jsonl have their answers) plus N-5 synthetic ones made from the bundled paragraphs,
each edited to be unique (a document number in the title and in every paragraph, numbers shifted,
country and city names swapped). Then, per size, into a fresh data dir:

- cold ingest through the real CLI (`benelux-qa ingest --quiet DIR`), its wall time and peak RSS
  (that process's max RSS, reported by a small launcher so that the benchmark's own memory does not count);
- adding ONE 3-paragraph document through the CLI (the whole command, as a user runs it), and another
  in-process through `DocumentLibrary.add`, as an upload in the running web UI does (models loaded);
  each REPEATS times, one new document at a time, the median reported (one such add is a fraction of a second);
- a no-change re-ingest through the CLI;
- warm extractive answers in-process (`Assistant.ask(q, mode=Mode.EXTRACTIVE)`), p50/p95 over
  --questions questions from eval/questions.jsonl (after one warm-up question);
- the index size on disk (Chroma + BM25).

Machine translation is off (`BENELUX_QA_MACHINE_TRANSLATION=false`): it is a separate, LLM-bound stage,
measured by bench_translation.py. Prints a Markdown table and writes JSON with --out.
Usage: PYTHONPATH=. .venv/bin/python benchmarks/bench_scale.py [--sizes 25,100] [--out FILE.json]
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.settings import REPO_ROOT, Settings

CORPUS_SIZE = 5
REPEATS = 3  # documents added one at a time (CLI, then upload): the medians are reported
_NUMBER = re.compile(r"\b\d{1,4}\b")
_SWAPS = [  # names swapped in a cycle, a different rotation per document
    ("België", "Nederland", "Luxemburg"), ("Belgique", "Pays-Bas", "Luxembourg"), ("Brussel", "Den Haag", "Antwerpen"),
    ("Bruxelles", "La Haye", "Anvers"), ("Justitie", "Binnenlandse Zaken", "Sociale Zaken"),
]
_ADDED_DOC = (
    "Nota {n} over de werkgroep arbeidsuitbuiting\n\n"
    "De werkgroep arbeidsuitbuiting nummer {n} komt in het voorjaar samen in Maastricht om de gezamenlijke controles te evalueren.\n\n"
    "Zij stelt voor om in {year} een gezamenlijke opleiding te organiseren voor {m} arbeidsinspecteurs uit de drie landen.\n\n"
    "Het verslag van deze werkgroep wordt aan het Comité van Ministers voorgelegd.\n"
)


def corpus_paragraphs(corpus: Path) -> list[str]:
    """The bundled documents' text blocks long enough to be real paragraphs."""
    from ingest.loaders import extract_text

    blocks = []
    for path in sorted(corpus.glob("*.txt")):
        blocks += [b.strip() for b in re.split(r"\n\s*\n", extract_text(path)) if len(b.strip()) >= 80]
    return blocks


def synthetic_document(number: int, pool: list[str], paragraphs: int) -> str:
    rng = random.Random(number)
    shift = number % 7 + 1
    rotation = number % 3

    def edit(text: str) -> str:
        text = _NUMBER.sub(lambda m: str(int(m.group()) + shift), text)
        for names in _SWAPS:
            placeholders = {name: f"\0{i}\0" for i, name in enumerate(names)}
            for name, mark in placeholders.items():
                text = text.replace(name, mark)
            for i, name in enumerate(names):
                text = text.replace(f"\0{i}\0", names[(i + rotation) % len(names)])
        return text

    body = [f"{edit(p)} (Document {number}, deel {j + 1}.)" for j, p in enumerate(rng.sample(pool, paragraphs))]
    return f"Synthetisch document {number:05d} over mensenhandel\n\n" + "\n\n".join(body) + "\n"


def build_collection(folder: Path, size: int, pool: list[str], paragraphs: int) -> None:
    folder.mkdir(parents=True)
    for path in (REPO_ROOT / "data" / "corpus").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())  # the 5 documents and their metadata.json
    for number in range(max(0, size - CORPUS_SIZE)):
        (folder / f"synthetic_{number:05d}.txt").write_text(synthetic_document(number, pool, paragraphs), encoding="utf-8")


# Runs a command and writes its wall seconds and peak RSS (KB) to the file argv[1]. A child started straight from
# this benchmark would report at least the benchmark's own RSS (Linux counts the memory a process had before its
# exec, here the benchmark's, which holds the models once the first size is measured); from this small
# launcher it reports its own.
_LAUNCHER = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - started
open(sys.argv[1], "w").write(f"{seconds} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(code)
"""


def run_cli(env: dict, *args: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of that one process, and its output; raises if it fails."""
    command = [str(Path(sys.executable).with_name("benelux-qa")), *args]
    with tempfile.TemporaryDirectory() as scratch:
        measured, log = Path(scratch) / "measured", Path(scratch) / "output"
        with log.open("w") as out:
            returncode = subprocess.call([sys.executable, "-c", _LAUNCHER, str(measured), *command], stdout=out, stderr=subprocess.STDOUT, env=env)
        output = log.read_text()
        if returncode:
            raise RuntimeError(f"{' '.join(command)} failed ({returncode}):\n{output}")
        seconds, max_rss_kb = measured.read_text().split()
    return float(seconds), int(max_rss_kb) / 1024, output


def model_load_seconds(models_dir: Path) -> float:
    """Wall time of a process that only starts and loads the embedding model as the CLI does: the fixed part of
    a CLI add (the issue's target is "2 s plus the model load")."""
    code = "from core.settings import Settings; from models.embeddings import ParagraphEmbeddings; ParagraphEmbeddings.from_settings(Settings()).model"
    env = {**os.environ, "BENELUX_QA_MODELS_DIR": str(models_dir)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def load_questions(count: int) -> list[str]:
    """`count` answerable questions spread over the languages of eval/questions.jsonl."""
    items = [json.loads(line) for line in (REPO_ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [item for item in items if item.get("answerable")]
    step = max(1, len(answerable) // count)
    return [item["question"] for item in answerable[::step][:count]]


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 3), "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3)}


def measure(size: int, root: Path, pool: list[str], paragraphs: int, questions: list[str], base: Settings) -> dict:
    from assistant.answer import Mode
    from assistant.assistant import Assistant
    from ingest.library import DocumentLibrary

    docs, data = root / f"docs-{size}", root / f"data-{size}"
    build_collection(docs, size, pool, paragraphs)
    settings = base.model_copy(update={"data_dir": data, "models_dir": base.resolved_models_dir, "machine_translation": False})
    env = {
        **os.environ, "BENELUX_QA_DATA_DIR": str(data), "BENELUX_QA_MODELS_DIR": str(settings.resolved_models_dir),
        "BENELUX_QA_MACHINE_TRANSLATION": "false",
    }

    print(f"[{size}] cold ingest of {size} documents...", file=sys.stderr, flush=True)
    cold_s, cold_rss, output = run_cli(env, "ingest", "--quiet", str(docs))
    chunks = re.search(r"chunks: (\d+)", output)
    print(f"[{size}] adding one document, {REPEATS} times...", file=sys.stderr, flush=True)
    adds = []
    for i in range(REPEATS):
        (docs / f"added_note_{i}.txt").write_text(_ADDED_DOC.format(n=size + i, year=2030, m=size + 12 + i), encoding="utf-8")
        adds.append(run_cli(env, "ingest", "--quiet", str(docs))[:2])
    print(f"[{size}] no-change re-ingest...", file=sys.stderr, flush=True)
    noop_s, noop_rss, _ = run_cli(env, "ingest", "--quiet", str(docs))

    print(f"[{size}] warm extractive answers...", file=sys.stderr, flush=True)
    assistant = Assistant(settings)
    assistant.ask(questions[0], mode=Mode.EXTRACTIVE)  # warm-up: embedding model, store, keyword index
    latencies = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question, mode=Mode.EXTRACTIVE)
        latencies.append(time.perf_counter() - started)
    library = DocumentLibrary(settings, assistant.store)
    uploads, after_uploads = [], []
    for i in range(REPEATS):
        upload = root / f"upload_note_{size}_{i}.txt"
        upload.write_text(_ADDED_DOC.format(n=size + REPEATS + i, year=2031, m=size + 13 + i), encoding="utf-8")
        started = time.perf_counter()
        library.add([upload])
        uploads.append(time.perf_counter() - started)
        started = time.perf_counter()
        assistant.ask(questions[0], mode=Mode.EXTRACTIVE)  # the first question after it catches up with the change
        after_uploads.append(time.perf_counter() - started)
    del assistant
    return {
        "documents": size,
        "chunks": int(chunks.group(1)) if chunks else None,
        "cold_ingest_s": round(cold_s, 1),
        "cold_ingest_peak_rss_mb": round(cold_rss),
        "add_one_doc_cli_s": round(statistics.median(seconds for seconds, _ in adds), 1),
        "add_one_doc_peak_rss_mb": round(max(rss for _, rss in adds)),
        "add_one_doc_upload_s": round(statistics.median(uploads), 2),
        "first_answer_after_upload_s": round(statistics.median(after_uploads), 3),
        "noop_reingest_cli_s": round(noop_s, 1),
        "noop_reingest_peak_rss_mb": round(noop_rss),
        "extractive_answer_s": percentiles(latencies),
        "index_size_mb": round((folder_size(settings.index_dir) + folder_size(settings.keyword_index_dir)) / 2**20, 1),
    }


def markdown(rows: list[dict]) -> str:
    lines = [
        "| docs | chunks | cold ingest s | peak RSS MB | add 1 doc (CLI) s | add 1 doc (upload) s | no-change re-ingest (CLI) s "
        "| extractive p50 s | p95 s | index MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['documents']} | {r['chunks']} | {r['cold_ingest_s']} | {r['cold_ingest_peak_rss_mb']} | {r['add_one_doc_cli_s']} | "
            f"{r['add_one_doc_upload_s']} | {r['noop_reingest_cli_s']} | {r['extractive_answer_s']['p50']} | {r['extractive_answer_s']['p95']} | {r['index_size_mb']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,100,400,1600", help="comma-separated collection sizes (documents, at least 5)")
    parser.add_argument("--paragraphs", type=int, default=8, help="paragraphs per synthetic document")
    parser.add_argument("--questions", type=int, default=10, help="questions for the extractive latency")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if min(sizes) < CORPUS_SIZE:
        parser.error(f"every size must be at least {CORPUS_SIZE} (the bundled documents)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    base = Settings()
    pool = corpus_paragraphs(REPO_ROOT / "data" / "corpus")
    questions = load_questions(args.questions)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for size in sizes:
            rows.append(measure(size, root, pool, args.paragraphs, questions, base))
            print(markdown(rows[-1:]), file=sys.stderr, flush=True)
    model_load_s = round(statistics.median(model_load_seconds(base.resolved_models_dir) for _ in range(REPEATS)), 1)
    report = {
        "sizes": rows, "model_load_s": model_load_s, "paragraphs_per_synthetic_doc": args.paragraphs,
        "questions": len(questions), "cpus": os.cpu_count(),
    }
    print(markdown(rows))
    print(f"\nmodel load (a process that only loads the embedding model, median of {REPEATS}): {model_load_s} s")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
