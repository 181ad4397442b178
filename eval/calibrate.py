"""`benelux-qa calibrate`: fits the answerability model for the current index from a question file with
answerable and unanswerable questions, and writes it beside the index (or where --out says). The generative
mode's model also takes the LLM's judgement, so fitting it runs the LLM once per question (a few seconds each).
With --language-offsets it measures the embedding model's lean towards each language on the index's parallel
passages and fits how much of it retrieval takes out (the weight with the best MRR on the questions). With
--fallback-from it reads generative eval reports and sets below which probability a generated answer that failed its
checks is refused rather than replaced by the quotes.
(Parsing the command line imports nothing heavy: the assistant is imported by `run`.)"""

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from core.settings import Settings
from eval.metrics import summarise
from eval.runner import SPLITS, load_questions, run_item

LEAN_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # tried by --language-offsets, the smallest of equals kept
MAX_FALSE_REFUSALS = 0.02  # on the questions fitted on; held-out questions see more (0.05 there gave 0.08 on the test split)


def configure(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--qa", action="append", metavar="FILE[=DATA_DIR]",
        help="question file (JSONL, as for eval), answered from the current index, or from the index in DATA_DIR; "
             "repeat to fit on several corpora at once",
    )
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="tune",
                        help="which questions to fit on (default: tune; questions without a split count as tune)")
    parser.add_argument("--max-false-refusals", type=float, default=MAX_FALSE_REFUSALS,
                        help="share of the answerable questions fitted on that the threshold may refuse (default 0.02)")
    parser.add_argument("--mode", choices=("extractive", "generative"), default="extractive",
                        help="which answer mode's model to fit (generative: with the local LLM's judgement)")
    parser.add_argument("--language-offsets", action="store_true",
                        help="instead: measure the embedding model's lean towards each language (needs machine translations "
                        "in the index) and fit how much retrieval takes out, on the answerable questions")
    source.add_argument("--fallback-from", action="append", type=Path, metavar="REPORT",
                        help="instead: set the generative model's fallback threshold from generative eval reports (JSON, "
                        "made with that model before it had one): below it a generated answer that fails its checks is refused, not replaced "
                        "by the quotes; repeat for several reports")
    parser.add_argument("--out", type=Path, help="where to write the extractive model (default: the settings' calibration_path; "
                        "the generative one goes beside it, named *-generative.json; the language offsets: the settings' "
                        "language_offsets_file)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _signals(settings: Settings, path: Path, split: str, mode: "Mode", quiet: bool) -> tuple[list, list[bool]]:
    """The signals of the file's questions (of `split`), and whether each is answerable."""
    from assistant.answer import Mode
    from assistant.assistant import Assistant

    questions = [q for q in load_questions(path) if split == "all" or q.get("split", "tune") == split]
    assistant = Assistant(settings)
    observed, answerable = [], []
    for q in tqdm(questions, desc=f"calibrating on {path.name}", unit="q", disable=quiet):
        found = assistant.assess(q["question"], mode)
        if found is not None:  # else refused before any signal (nothing to quote, a number never mentioned)
            if found.declines is None and mode is Mode.GENERATIVE:
                raise ValueError("the generative model needs the local LLM's judgement, and it is not available")
            observed.append(found)
            answerable.append(q["answerable"])
    return observed, answerable


def _where(spec: str, settings: Settings) -> tuple[Path, Settings]:
    """The question file of a --qa FILE[=DATA_DIR] and the settings of the index it is answered from."""
    path, _, data_dir = spec.partition("=")
    return Path(path), settings.model_copy(update={"data_dir": Path(data_dir)}) if data_dir else settings


def _fit_language_offsets(args: argparse.Namespace, settings: Settings) -> int:
    """Measures the language offsets on the current index, fits their weight on the answerable --qa questions, writes them."""
    from assistant.assistant import Assistant, IndexMissing
    from core.languages import SUPPORTED
    from models.language_offsets import LanguageOffsets, complete, measure

    try:
        measured_on = Assistant(settings)
        versions = measured_on.store.parallel_versions()
        vectors = measure(versions, SUPPORTED)
        offsets = LanguageOffsets(measured_on.store.embeddings.name, 0.0, vectors)
        asked = []
        for spec in args.qa:
            path, where = _where(spec, settings)
            assistant = measured_on if where == settings else Assistant(where)
            assistant.retriever.offsets = offsets
            questions = [q for q in load_questions(path) if q["answerable"] and args.split in ("all", q.get("split", "tune"))]
            asked += [(assistant, q) for q in questions]
    except (OSError, ValueError, IndexMissing) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    mrr = {}
    for weight in tqdm(LEAN_WEIGHTS, desc="fitting the weight", unit="weight", disable=args.quiet):
        offsets.weight = weight
        mrr[weight] = summarise([run_item(assistant, q, "retrieval", 5) for assistant, q in asked])["mrr"] or 0.0
    offsets.weight = max(LEAN_WEIGHTS, key=lambda w: mrr[w])
    offsets.fitted_on = (
        f"vectors: the {len(complete(versions, SUPPORTED))} passages of the index in {', '.join(SUPPORTED)}; "
        f"weight: MRR of {len(asked)} answerable questions ({args.split}) of {', '.join(spec.partition('=')[0] for spec in args.qa)}: "
        + ", ".join(f"{w}: {m:.3f}" for w, m in mrr.items())
    )
    out = args.out or settings.language_offsets_file
    offsets.save(out)
    print(f"language offsets: weight {offsets.weight} (MRR {mrr[offsets.weight]:.3f}, without {mrr[0.0]:.3f}); written to {out}")
    return 0


def _fit_fallback(args: argparse.Namespace, settings: Settings) -> int:
    """Sets the fallback threshold of the generative model from the --fallback-from reports' questions of --split."""
    import json

    from assistant.answerability import DEFAULT_PARAMETERS, fit_fallback_threshold, generative_path, load_model

    out = generative_path(args.out or settings.calibration_path)
    try:
        model, _ = load_model(out, generative_path(DEFAULT_PARAMETERS))
        items = [item for report in args.fallback_from for item in json.loads(report.read_text(encoding="utf-8"))["items"]]
        failed = [
            (item["answerability"], item["answerable"]) for item in items
            if args.split in ("all", item.get("split", "tune")) and item.get("fallback") and not item["refused"]
            and not item["fallback"].startswith("no LLM")
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model.fallback_threshold = fit_fallback_threshold(failed)
    model.fitted_on = model.fitted_on.split("; fallback threshold:")[0] + (
        f"; fallback threshold: {len(failed)} failed generated answers ({args.split}) of "
        + ", ".join(str(report) for report in args.fallback_from)
    )
    model.save(out)
    refused = [answerable for p, answerable in failed if model.fallback_threshold is not None and p < model.fallback_threshold]
    print(f"fallback threshold {model.fallback_threshold}: of {len(failed)} failed generated answers it refuses "
          f"{refused.count(False)} to unanswerable and {refused.count(True)} to answerable questions; written to {out}")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.fallback_from:
        return _fit_fallback(args, settings)
    if args.language_offsets:
        return _fit_language_offsets(args, settings)
    from assistant.answer import Mode
    from assistant.answerability import EXTRACTIVE_FEATURES, GENERATIVE_FEATURES, fit_model, generative_path
    from assistant.assistant import IndexMissing

    mode = Mode(args.mode)
    observed, answerable = [], []
    try:
        for spec in args.qa:
            path, where = _where(spec, settings)
            found = _signals(where, path, args.split, mode, args.quiet)
            observed += found[0]
            answerable += found[1]
        features = GENERATIVE_FEATURES if mode is Mode.GENERATIVE else EXTRACTIVE_FEATURES
        fitted_on = f"{' '.join(args.qa)} ({args.split}, {len(observed)} questions, {mode.value})"
        model = fit_model(observed, answerable, args.max_false_refusals, fitted_on, features)
    except (OSError, ValueError, IndexMissing) as error:  # unreadable or bad question file, empty index, one-sided set
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = args.out or settings.calibration_path
    out = generative_path(out) if mode is Mode.GENERATIVE else out
    model.save(out)
    refused = sum(model.probability(o) < model.threshold for o, a in zip(observed, answerable) if not a)
    print(f"calibrated on {len(observed)} questions; on them it refuses {refused} of {answerable.count(False)} "
          f"unanswerable ones; written to {out}")
    return 0
