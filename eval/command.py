"""`benelux-qa eval`: runs a question file against the current index and writes the reports."""

import argparse
import json
import sys
from pathlib import Path

from core.settings import REPO_ROOT, Settings
from core.text import document_id
from eval.runner import MODES, SPLITS, QuestionFileError, load_questions, run_eval, select_split

# `configure` runs whenever the command line is parsed (even for --help): the report (matplotlib) and the
# assistant are imported by `run` only.

DEFAULT_QUESTIONS = REPO_ROOT / "eval" / "questions.jsonl"
REPORTS_DIR = REPO_ROOT / "eval" / "reports"
CORPORA_DIR = REPO_ROOT / "eval" / "corpora"  # <name>/questions.jsonl, <name>/documents/ (see its README.md)


def corpus_names() -> list[str]:
    """The extra evaluation corpora: the folders of eval/corpora with a questions.jsonl."""
    return sorted(p.parent.name for p in CORPORA_DIR.glob("*/questions.jsonl"))


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return int(text)


def configure(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--qa", type=Path, metavar="FILE",
                        help="question file (JSONL; default: the project's eval/questions.jsonl)")
    source.add_argument("--corpus", choices=corpus_names(), metavar="NAME",
                        help="the questions of eval/corpora/NAME (%(choices)s); ingest NAME/documents into "
                             "its own --data-dir first (eval/corpora/README.md); reports go to eval/reports/NAME/")
    add("--split", choices=(*SPLITS, "all"), default="all",
        help='only the questions whose "split" is this (CI gates on test; tune on tune); default: all of them')
    add("--mode", choices=MODES, default="extractive", help="how to answer (retrieval: no answer, retrieval metrics only)")
    add("--k", type=_positive, default=5,
        help="passages retrieved in retrieval mode and counted by mrr (hit_at_5 always looks at the first 5; "
             "the answer modes retrieve the assistant's own top_k)")
    add("--out", type=Path, metavar="FILE",
        help="report.json path; the .md, .png and -refusal.png go beside it (default: eval/reports/report-<mode>.json)")
    add("--floors", type=Path, metavar="FILE",
        help='JSON {"metric": limit}: a minimum, or a maximum for false_refusal_rate and the times; exit code 1 when one is not met')
    add("--quiet", action="store_true", help="no progress bar")


def load_floors(path: Path) -> dict[str, float]:
    """The floors file, checked: an object of summary metric names to numbers."""
    from eval.metrics import SUMMARY_KEYS

    floors = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(floors, dict):
        raise ValueError(f"{path}: expected a JSON object of metric → minimum")
    unknown = sorted(set(floors) - set(SUMMARY_KEYS))
    if unknown:
        raise ValueError(f"{path}: unknown metric(s) {', '.join(unknown)} (known: {', '.join(SUMMARY_KEYS)})")
    bad = sorted(name for name, value in floors.items() if isinstance(value, bool) or not isinstance(value, int | float))
    if bad:
        raise ValueError(f"{path}: the floor of {', '.join(bad)} is not a number")
    return floors


# For these a lower value is better: their "floor" is a ceiling the value must stay under.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_p50_s", "latency_p95_s", "ttft_p50_s", "evidence_p50_s"})


def floor_failures(summary: dict, floors: dict[str, float]) -> list[str]:
    """One line per metric past its floor (under it; over it for LOWER_IS_BETTER metrics);
    a metric without a value (n/a) fails its floor too."""
    failures = []
    for name, floor in floors.items():
        value = summary[name]
        if value is None:
            failures.append(f"{name} = n/a has no value to compare with its floor {floor}")
        elif name in LOWER_IS_BETTER and value > floor:
            failures.append(f"{name} = {value:.3f} is over its ceiling {floor}")
        elif name not in LOWER_IS_BETTER and value < floor:
            failures.append(f"{name} = {value:.3f} is under its floor {floor}")
    return failures


def missing_documents(assistant, questions: list[dict]) -> tuple[set[str], set[str]]:
    """The gold documents the questions name, and those of them the assistant's index lacks."""
    wanted = {document_id(q["doc"]) for q in questions if q["answerable"] and q["doc"]}
    return wanted, wanted - set(assistant.documents())


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.assistant import Assistant, IndexMissing
    from eval.report import summary_table, write_reports

    qa = args.qa or (CORPORA_DIR / args.corpus / "questions.jsonl" if args.corpus else DEFAULT_QUESTIONS)
    try:
        floors = load_floors(args.floors) if args.floors else {}
        questions = select_split(load_questions(qa), args.split)
        if not questions:
            raise QuestionFileError(f"{qa}: no question has split {args.split!r}")
    except (OSError, ValueError) as error:  # unreadable file, bad JSON, QuestionFileError
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        assistant = Assistant(settings)
        wanted, missing = missing_documents(assistant, questions)
        if wanted and missing == wanted:  # measuring against the wrong index would only report misses
            print(f"error: the index in {settings.data_dir} holds none of the documents {qa} asks about; "
                  "ingest them into this data dir first (see eval/corpora/README.md)", file=sys.stderr)
            return 2
        if missing:
            print(f"warning: {len(missing)} of the {len(wanted)} documents the questions cite are not indexed: "
                  + ", ".join(sorted(missing)), file=sys.stderr)
        report = run_eval(assistant, questions, args.mode, args.k, progress=not args.quiet)
    except IndexMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report["meta"].update(questions=str(qa), split=args.split)
    reports_dir = REPORTS_DIR / args.corpus if args.corpus else REPORTS_DIR
    paths = write_reports(report, args.out or reports_dir / f"report-{args.mode}.json")
    print(summary_table(report["summary"]))
    print("reports: " + ", ".join(map(str, paths)))
    failures = floor_failures(report["summary"], floors)
    for line in failures:
        print(f"below floor: {line}", file=sys.stderr)
    return 1 if failures else 0
