"""The `benelux-qa` command: one subcommand per job of the pipeline."""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from core.languages import SUPPORTED
from core.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    return Settings(**overrides)


def cmd_provision(args: argparse.Namespace) -> int:
    from models.embedder import provision_e5
    from models.generator import provision_gguf

    settings = _settings(args)
    provision_e5(settings.resolved_models_dir)
    if not args.embeddings_only:
        provision_gguf(settings.resolved_models_dir)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.receipt import forget_receipt, take_inputs, unchanged_report, write_receipt

    started = time.perf_counter()
    settings = _settings(args)
    paths = args.paths or [settings.corpus_dir]
    unchanged = None if args.rebuild else unchanged_report(settings, paths, args.prune)
    if unchanged is not None:  # nothing to do: answered without opening the index or loading a model
        print("\n".join([*unchanged, f"seconds: {time.perf_counter() - started:.1f}"]))
        return 0

    from ingest.pipeline import Ingestor, exclusive_ingest
    from ingest.translation import Translator
    from models.embeddings import ParagraphEmbeddings
    from vectorstore.store import ParagraphStore, wipe_index

    with exclusive_ingest(settings):
        forget_receipt(settings)
        if args.rebuild:
            wipe_index(settings)
            shutil.rmtree(settings.keyword_index_dir, ignore_errors=True)
            if not args.paths and settings.uploads_dir.is_dir():
                paths.append(settings.uploads_dir)
        inputs = take_inputs(paths)
        store = ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
        translator = Translator(settings) if settings.machine_translation else None
        summary = Ingestor(settings, store, show_progress=not args.quiet, translator=translator).ingest(paths, args.prune)
        if not summary.failed and not summary.translation.unavailable:  # all done: the next run may skip the work
            write_receipt(settings, paths, args.prune, inputs, summary.as_unchanged().lines()[:-1])
    print("\n".join(summary.lines()))
    return 1 if summary.failed and not (summary.added or summary.updated or summary.unchanged) else 0


def _print_sources(answer) -> None:
    for c in answer.citations:
        print(f"\n[{c.marker}] {c.title} ({c.date or 'n.d.'}) §{c.paragraph} [{c.doc_id}]\n    {c.quote}")
        if c.machine_translation:
            print(f"    ({c.machine_translation_lang}, machine translation; the original is authoritative) {c.machine_translation}")
        elif c.translation:
            print(f"    ({c.translation_lang}, §{c.translation_paragraph}) {c.translation}")
    if answer.refused:
        print(f"\n(refused: {answer.refusal_reason})")
        for p in answer.passages[:3]:
            print(f"\n- {p.title} ({p.date or 'n.d.'}) §{p.paragraph} [{p.doc_id}]\n    {p.text}")
    for notice in answer.notices:
        print(f"\nnote: {notice}")


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answer import Answer, Evidence, Mode
    from assistant.assistant import Assistant
    from assistant.question import InvalidQuestion

    settings = _settings(args)
    assistant = Assistant(settings)
    streamed = evidence = ""
    try:
        for item in assistant.stream(args.question, lang=args.lang, mode=Mode(args.mode) if args.mode else None):
            if isinstance(item, Evidence):  # generative mode: the quotes first, the generated answer after them
                evidence = item.text
                print(f"{evidence}\n", flush=True)
            elif isinstance(item, Answer):
                if item.text not in (streamed, evidence):  # checked sentences were shown, then the answer fell back
                    print(f"\n---\n{item.text}", end="")
                print()
                _print_sources(item)
            else:
                streamed += item
                print(item, end="", flush=True)
    except InvalidQuestion as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.command import run

    return run(args, _settings(args))


def cmd_calibrate(args: argparse.Namespace) -> int:
    from eval.calibrate import run

    return run(args, _settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.command import run

    return run(args, _settings(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="benelux-qa", description="Answers questions about Benelux documents on human trafficking, with citations.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, help="where the index, models and caches live (env BENELUX_QA_DATA_DIR)")
    commands = parser.add_subparsers(dest="command", required=True)

    provision = commands.add_parser("provision", parents=[common], help="prepare the offline models in the data dir")
    provision.add_argument("--embeddings-only", action="store_true", help="skip the LLM file")
    provision.set_defaults(run=cmd_provision)

    ingest = commands.add_parser("ingest", parents=[common], help="index documents (default: the bundled corpus)")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (TXT, MD, HTML, PDF, DOCX)")
    ingest.add_argument("--prune", action="store_true", help="remove indexed documents that are not among PATHS")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.add_argument(
        "--rebuild", action="store_true",
        help="delete the index and build it again from PATHS (default: the bundled corpus and the uploaded documents)",
    )
    ingest.set_defaults(run=cmd_ingest)

    ask = commands.add_parser("ask", parents=[common], help="answer one question, with citations")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=SUPPORTED, help="answer in this language (default: the question's)")
    ask.add_argument("--mode", choices=["generative", "extractive"], help="default: generative unless the backend is extractive")
    ask.set_defaults(run=cmd_ask)

    from eval.calibrate import configure as configure_calibrate
    from eval.command import configure as configure_eval
    from ui.command import configure as configure_serve

    evaluate = commands.add_parser("eval", parents=[common], help="score retrieval, answers, citations, language and refusals")
    configure_eval(evaluate)
    evaluate.set_defaults(run=cmd_eval)

    calibrate = commands.add_parser("calibrate", parents=[common], help="fit when to refuse, for the current index")
    configure_calibrate(calibrate)
    calibrate.set_defaults(run=cmd_calibrate)

    serve = commands.add_parser("serve", parents=[common], help="start the web UI")
    configure_serve(serve)
    serve.set_defaults(run=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    from models.errors import EmbeddingServiceError, ProvisioningError
    from vectorstore.errors import StoreError

    try:
        return args.run(args)
    except (ProvisioningError, EmbeddingServiceError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
