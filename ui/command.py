"""`benelux-qa serve`: index the bundled corpus on first start, then serve the web UI."""

import argparse
import logging
import os
import sys
import time

from core.settings import Settings

log = logging.getLogger("benelux_qa.ui")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to bind (settings ui_host, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (settings ui_port, default 7860)")
    parser.add_argument(
        "--allow-unauthenticated", action="store_true",
        help="allow a non-loopback --host without a login (ui_username + ui_password); only on a trusted network",
    )


def ensure_corpus(library, settings: Settings) -> None:
    """Index the bundled corpus when the index holds no document (first start)."""
    if library.documents():
        return
    print(f"first start: indexing the bundled corpus ({settings.corpus_dir})...", flush=True)
    summary = library.ingest_corpus()
    print("\n".join(summary.lines()), flush=True)


def warm_up(assistant) -> None:
    """Load the models before the first user arrives (else the first question pays for it)."""
    started = time.perf_counter()
    try:
        assistant.retrieve("mensenhandel")
        assistant.chat_model()
    except Exception:  # the first question will show whatever is wrong
        log.exception("warming up the models failed")
    print(f"models loaded in {time.perf_counter() - started:.1f} s", flush=True)


def launch(app, settings: Settings, host: str | None = None, port: int | None = None, *,
           allow_unauthenticated: bool = False, throttle=None, **extra):
    """Launch a built app with the settings' address, optional login and upload limit; returns what Gradio returns.

    Raises ExposureRefused for a non-loopback address without a login (unless `allow_unauthenticated`).
    A login is checked by a LoginThrottle (`throttle` replaces the default one, e.g. with a short lockout).
    """
    from starlette.middleware import Middleware

    from ui.app import launch_options
    from ui.exposure import ClientAddressMiddleware, LoginThrottle, check_bind, throttled_auth

    host = host or settings.ui_host
    username, password = settings.ui_username, settings.ui_password
    warning = check_bind(host, bool(username and password), allow_unauthenticated)
    if warning:
        log.warning(warning)
    auth = None
    if username and password:
        auth = throttled_auth(throttle or LoginThrottle(username, password))
    return app.launch(
        server_name=host,
        server_port=port or settings.ui_port,
        auth=auth,
        app_kwargs={"middleware": [Middleware(ClientAddressMiddleware)]},
        max_file_size=f"{settings.upload_max_mb}mb",
        show_error=False,  # exceptions never reach the page; handlers show their own messages
        footer_links=["api"],
        ssr_mode=False,
        **launch_options(),
        **extra,
    )


def build(settings: Settings):
    """The assistant, the document library (the corpus indexed on first start) and the app over them."""
    from assistant.assistant import Assistant
    from ingest.library import DocumentLibrary
    from models.embeddings import ParagraphEmbeddings
    from ui.app import build_app
    from vectorstore.store import ParagraphStore

    store = ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
    assistant, library = Assistant(settings, store=store), DocumentLibrary(settings, store)
    ensure_corpus(library, settings)
    library.translate_in_background()  # the documents are searchable meanwhile, each in its own language
    warm_up(assistant)
    app = build_app(
        assistant,
        library,
        concurrency=settings.ui_concurrency,
        upload_max_mb=settings.upload_max_mb,
        default_mode="extractive" if settings.llm_backend == "extractive" else "generative",
    )
    return assistant, library, app


def run(args: argparse.Namespace, settings: Settings) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from ui.exposure import ExposureRefused, check_bind

    host, port = args.host, args.port
    allow = getattr(args, "allow_unauthenticated", False)
    try:  # before indexing or loading anything
        check_bind(host or settings.ui_host, bool(settings.ui_username and settings.ui_password), allow)
    except ExposureRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    *_, app = build(settings)
    print(f"serving on http://{host or settings.ui_host}:{port or settings.ui_port}", flush=True)
    launch(app, settings, host=host, port=port, allow_unauthenticated=allow)
    return 0
