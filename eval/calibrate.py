"""`benelux-qa calibrate`: fits the answerability model for the current index from a question file with
answerable and unanswerable questions, and writes it beside the index (or where --out says)."""

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from assistant.answer import Mode
from assistant.answerability import Signals, fit_model
from core.settings import Settings
from eval.runner import load_questions

MAX_FALSE_REFUSALS = 0.05


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--qa", type=Path, required=True, metavar="FILE", help="question file (JSONL, as for eval)")
    parser.add_argument("--split", choices=["tune", "test", "all"], default="tune",
                        help="which questions to fit on (default: tune; questions without a split count as tune)")
    parser.add_argument("--max-false-refusals", type=float, default=MAX_FALSE_REFUSALS,
                        help="share of answerable questions the threshold may refuse (default 0.05)")
    parser.add_argument("--out", type=Path, help="where to write the model (default: the settings' calibration_path)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.assistant import Assistant, IndexMissing

    try:
        questions = [q for q in load_questions(args.qa) if args.split == "all" or q.get("split", "tune") == args.split]
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    observed, answerable = [], []
    try:
        for q in tqdm(questions, desc="calibrating", unit="q", disable=args.quiet):
            answer = assistant.ask(q["question"], mode=Mode.EXTRACTIVE)
            if answer.signals:  # else refused before any signal (nothing to quote, a number never mentioned)
                observed.append(Signals(**answer.signals))
                answerable.append(q["answerable"])
    except IndexMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        model = fit_model(observed, answerable, args.max_false_refusals, f"{args.qa} ({args.split}, {len(observed)} questions)")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = args.out or settings.calibration_path
    model.save(out)
    refused = sum(model.probability(o) < model.threshold for o, a in zip(observed, answerable) if not a)
    print(f"calibrated on {len(observed)} questions; on them it refuses {refused} of {answerable.count(False)} "
          f"unanswerable ones; written to {out}")
    return 0
