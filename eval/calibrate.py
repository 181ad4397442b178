"""`benelux-qa calibrate`: fits the answerability model for the current index from a question file with
answerable and unanswerable questions, and writes it beside the index (or where --out says). The generative
mode's model also takes the LLM's judgement, so fitting it runs the LLM once per question (a few seconds each).
(Parsing the command line imports nothing heavy: the assistant is imported by `run`.)"""

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from core.settings import Settings
from eval.runner import SPLITS, load_questions

MAX_FALSE_REFUSALS = 0.02  # on the questions fitted on; held-out questions see more (0.05 there gave 0.08 on the test split)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--qa", required=True, action="append", metavar="FILE[=DATA_DIR]",
        help="question file (JSONL, as for eval), answered from the current index, or from the index in DATA_DIR; "
             "repeat to fit on several corpora at once",
    )
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="tune",
                        help="which questions to fit on (default: tune; questions without a split count as tune)")
    parser.add_argument("--max-false-refusals", type=float, default=MAX_FALSE_REFUSALS,
                        help="share of the answerable questions fitted on that the threshold may refuse (default 0.02)")
    parser.add_argument("--mode", choices=("extractive", "generative"), default="extractive",
                        help="which answer mode's model to fit (generative: with the local LLM's judgement)")
    parser.add_argument("--out", type=Path, help="where to write the extractive model (default: the settings' calibration_path; "
                        "the generative one goes beside it, named *-generative.json)")
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


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer import Mode
    from assistant.answerability import EXTRACTIVE_FEATURES, GENERATIVE_FEATURES, fit_model, generative_path
    from assistant.assistant import IndexMissing

    mode = Mode(args.mode)
    observed, answerable = [], []
    try:
        for spec in args.qa:
            path, _, data_dir = spec.partition("=")
            where = settings.model_copy(update={"data_dir": Path(data_dir)}) if data_dir else settings
            found = _signals(where, Path(path), args.split, mode, args.quiet)
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
