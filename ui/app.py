"""The web UI: a thin Gradio layer over the assistant (chat with sources, documents tab, `ask` API).

No retrieval or citation logic lives here: the handlers call the assistant and render what it returns
(ui/render.py), and the documents tab calls its library (checks in ui/documents.py). Every handler
catches its exceptions, logs the traceback and shows a short message instead.
"""

import logging
import tempfile
from contextlib import closing
from html import escape
from pathlib import Path
from typing import Literal

import gradio as gr
from gradio.utils import get_upload_folder

from assistant.answer import Answer, Evidence, Mode
from assistant.question import InvalidQuestion
from core.languages import SUPPORTED, detect_language
from ui import render
from ui.documents import TABLE_HEADERS, discard_uploads, removal_choices, stage_uploads, table_rows
from vectorstore.store import StoreError

log = logging.getLogger("benelux_qa.ui")

LANGUAGE_CHOICES = [("Auto", "auto")] + [(code.upper(), code) for code in SUPPORTED]
LanguageChoice = Literal[("auto", *SUPPORTED)]
MODES = [("Generative", Mode.GENERATIVE.value), ("Extractive", Mode.EXTRACTIVE.value)]
EXAMPLES = [
    "Welke Belgische opvangcentra voor slachtoffers zitten in de Interdepartementale Coördinatiecel?",
    "Wanneer ondertekenden de Benelux-ministers de intentieverklaring over mensenhandel?",
    "Quels centres d'accueil spécialisés font partie de la Cellule interdépartementale de coordination ?",
    "Que recommande le Parlement Benelux concernant la traite des êtres humains dans le monde virtuel ?",
    "Why is cooperation between neighbouring countries essential in the fight against human trafficking?",
    "Which services are asked whether joint training on human trafficking is needed?",
]
CONCURRENCY_ID = "assistant"

CSS = """
.gradio-container { max-width: 1500px !important; margin: 0 auto !important; }
#bq-header h1 { font-size: 1.45rem; margin: 0 0 .15rem 0; }
#bq-header p { margin: 0; color: var(--body-text-color-subdued); font-size: .92rem; }
#bq-sources-panel { max-height: calc(100vh - 170px); min-height: 200px; overflow-y: auto !important; padding-right: 6px; }
.bq-sources .bq-heading { font-size: 1rem; margin: 0 0 .6rem 0; }
.bq-empty { color: var(--body-text-color-subdued); border: 1px dashed var(--border-color-primary);
  border-radius: 8px; padding: 1.2rem; text-align: center; }
.bq-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .7rem .85rem;
  margin-bottom: .75rem; background: var(--background-fill-primary); scroll-margin: 12px;
  transition: box-shadow .3s, border-color .3s; }
.bq-card:target, .bq-card.bq-flash { border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft); }
.bq-card header { display: flex; gap: .5rem; align-items: baseline; font-weight: 600; line-height: 1.3; }
.bq-marker { color: var(--color-accent); font-variant-numeric: tabular-nums; flex: none; }
.bq-meta { font-size: .8rem; color: var(--body-text-color-subdued); margin: .25rem 0 .5rem 0; }
.bq-meta code { font-size: .75rem; background: none; padding: 0; }
.bq-pair { display: grid; grid-template-columns: 1fr; gap: .6rem; }
.bq-pair.bq-two { grid-template-columns: 1fr 1fr; }
@media (max-width: 700px) { .bq-pair.bq-two { grid-template-columns: 1fr; } }
.bq-text { font-size: .88rem; line-height: 1.45; white-space: normal; overflow-wrap: anywhere; }
.bq-translation { color: var(--body-text-color-subdued); border-left: 2px solid var(--border-color-primary); padding-left: .6rem; }
.bq-machine { font-style: italic; text-transform: none; }
.bq-lang { font-size: .7rem; font-weight: 600; letter-spacing: .04em; color: var(--body-text-color-subdued); margin-bottom: .2rem; }
.bq-text mark { background: #fff1a8; color: inherit; padding: 0 1px; border-radius: 2px; }
a.bq-cite { font-weight: 600; text-decoration: none; color: var(--color-accent); cursor: pointer; }
a.bq-cite:hover { text-decoration: underline; }
.bq-notice { margin-top: .5rem; padding: .35rem .6rem; border-radius: 6px; font-size: .85rem;
  background: #eef4ff; border: 1px solid #c9dafc; }
.bq-notice.bq-fallback { background: #fff7e6; border-color: #f5d48f; }
.bq-notice.bq-error { background: #fdecec; border-color: #f3b4b4; }
.bq-refusal { font-style: italic; }
.bq-evidence { margin-bottom: .5rem; padding: .1rem 0 .1rem .6rem; border-left: 3px solid var(--border-color-primary);
  font-size: .9rem; color: var(--body-text-color-subdued); }
.bq-pending { display: inline-flex; gap: 5px; padding: .35rem .1rem; }
.bq-pending i { width: 7px; height: 7px; border-radius: 50%; background: var(--body-text-color-subdued);
  animation: bq-pulse 1.2s infinite ease-in-out; }
.bq-pending i:nth-child(2) { animation-delay: .2s; } .bq-pending i:nth-child(3) { animation-delay: .4s; }
@keyframes bq-pulse { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
.bq-lang-badge { display: inline-block; font-size: .8rem; padding: .15rem .55rem; border-radius: 999px;
  background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
#bq-status { font-size: .9rem; }
#bq-documents table, #bq-documents td, #bq-documents th { font-family: var(--font) !important; font-size: .88rem; }
#bq-under-chat { align-items: center; }
#bq-lang-indicator { min-height: 1.6rem; }
#bq-status ul { margin: .2rem 0 0 1.1rem; }
"""

# A click on a marker [n] brings its source card into view (the href="#src-n" works without it too).
HEAD = """
<script>
document.addEventListener('click', function (event) {
  var link = event.target.closest ? event.target.closest('a.bq-cite') : null;
  if (!link) return;
  var id = link.getAttribute('data-src') || (link.getAttribute('href') || '').slice(1);
  var card = document.getElementById(id);
  if (!card) return;
  event.preventDefault();
  card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  card.classList.remove('bq-flash'); void card.offsetWidth; card.classList.add('bq-flash');
  setTimeout(function () { card.classList.remove('bq-flash'); }, 2000);
}, true);
</script>
"""


def launch_options() -> dict:
    """Appearance options that Gradio 6 takes in `launch()` (not in `Blocks()`)."""
    theme = gr.themes.Soft(
        primary_hue="blue",
        neutral_hue="slate",
        font=["system-ui", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"],  # no web fonts: works offline
        font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"],
    )
    return {"theme": theme, "css": CSS, "head": HEAD}


def _lang_of(text: str, forced: str | None, fallback: str | None = None) -> str:
    """The language for UI messages about `text` (forced, else detected, else the previous answer's)."""
    if forced:
        return forced
    try:
        lang = detect_language(text)
    except Exception:  # only for UI strings: never worth failing over
        lang = "unknown"
    return lang if lang in SUPPORTED else (fallback or "en")


def _status(head: str, items: list[str] = (), kind: str = "ok") -> str:
    """A status box for the documents tab (kind: ok, warn or error): a line and an optional list, all escaped."""
    css = {"ok": "bq-notice", "warn": "bq-notice bq-fallback", "error": "bq-notice bq-error"}[kind]
    listed = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<div class="{css}">{escape(head)}{f"<ul>{listed}</ul>" if listed else ""}</div>'


def build_app(assistant, library, *, concurrency: int = 1, upload_max_mb: int = 20, default_mode: str = "generative") -> gr.Blocks:
    """The Gradio app over `assistant` (see assistant/assistant.py); launch it with `launch_options()`."""
    max_bytes = int(upload_max_mb * 1024 * 1024)

    # --- chat handlers ------------------------------------------------------------------------

    def start_turn(question: str, state: dict, language: str):
        """Instant (unqueued): shows the question and a placeholder, locks the input until the answer is done."""
        state = {"history": list(state.get("history", [])), "display": list(state.get("display", [])), "lang": state.get("lang")}
        question = (question or "").strip()
        forced = None if language == "auto" else language
        if not question:
            state["pending"] = None
            gr.Info(render.t("empty", forced or state.get("lang")))
            return gr.update(), state["display"], state, gr.skip()
        state["display"] = [
            {**m, "content": render.unlink_markers(m["content"])} if m["role"] == "assistant" else m for m in state["display"]
        ]
        state["display"] += [
            {"role": "user", "content": render.user_html(question)},
            {"role": "assistant", "content": render.pending_message()},
        ]
        state["pending"] = question
        waiting = f'<div class="bq-sources bq-empty">{render.pending_message()}</div>'
        return gr.update(value="", interactive=False), state["display"], state, waiting

    def answer_turn(state: dict, language: str, mode: str):
        """Streams the answer of the pending question; once "New conversation" marks its state stopped, says
        nothing more (a cancel reaches the worker thread late). It ends on a no-change update, because the end of a
        streamed run re-sends its last output, which would bring the stopped answer back."""
        with closing(answer_updates(state, language, mode)) as updates:  # (closing it stops the generation)
            for update in updates:
                if state.get("stopped"):
                    yield (gr.skip(),) * len(update)
                    return
                yield update

    def answer_updates(state: dict, language: str, mode: str):
        """The chat outputs while answering the pending question; the final Answer replaces the streamed text."""
        question = state.get("pending")
        unlock = gr.update(interactive=True)
        if not question:
            yield state.get("display", []), state, gr.skip(), gr.skip(), unlock
            return
        forced = None if language == "auto" else language
        display = state["display"]
        streamed = evidence = ""
        try:
            answer = None
            for piece in assistant.stream(question, history=state["history"] or None, lang=forced, mode=Mode(mode)):
                if isinstance(piece, Answer):
                    answer = piece
                    continue
                if isinstance(piece, Evidence):
                    evidence = piece.text
                else:
                    streamed += piece
                display[-1] = {"role": "assistant", "content": render.evidence_html(evidence) + render.answer_html(streamed)}
                yield display, state, gr.skip(), gr.skip(), gr.skip()
            if answer is None:
                raise RuntimeError("the assistant's stream ended without an Answer")
        except Exception as error:
            lang = _lang_of(question, forced, state.get("lang"))
            if isinstance(error, InvalidQuestion):  # its message is meant for the user
                shown = f'<div class="bq-notice">{escape(str(error))}</div>'
            elif isinstance(error, StoreError):  # a damaged index: say where, and how to rebuild it
                log.error("answering failed: %s", error)
                shown = f'<div class="bq-notice bq-error">{escape(str(error))}</div>'
            else:
                log.exception("answering failed: %r", question)
                shown = render.error_message(lang)
            display[-1] = {"role": "assistant", "content": render.evidence_html(evidence) + render.answer_html(streamed) + shown}
            state["pending"] = None
            yield display, state, render.sources_html(None, lang), gr.skip(), unlock
            return
        display[-1] = {"role": "assistant", "content": render.assistant_message(answer)}
        state["history"] = state["history"] + [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
        state["lang"], state["pending"] = answer.lang, None
        badge = render.language_badge(answer.question_lang, answer.lang, forced is not None)
        yield display, state, render.sources_html(answer), badge, unlock

    def pick_example(state: dict, language: str, event: gr.SelectData):
        return start_turn(event.value.get("text", "") if isinstance(event.value, dict) else str(event.value), state, language)

    def new_conversation(state: dict):
        """A fresh conversation; the old one is marked stopped, so an answer still under way (a cancel
        reaches its worker thread late) never writes into the new one."""
        state["stopped"] = True
        fresh = {"history": [], "display": [], "lang": None, "pending": None}
        return [], fresh, render.sources_html(None), "", gr.update(value="", interactive=True)

    def ask(
        question: str,
        history: list[dict] | None = None,
        language: LanguageChoice = "auto",
        mode: Literal["generative", "extractive"] = "generative",
    ) -> dict:
        """Answer `question` from the documents. history: earlier turns as [{"role": "user"|"assistant",
        "content": str}]; language: "auto", "nl", "fr" or "en" (the answer's language); mode: "generative"
        or "extractive". Returns the answer text with [n] markers, its citations and passages as JSON."""
        if not isinstance(question, str) or not question.strip():
            raise gr.Error("question must be a non-empty string")
        if language not in {"auto", *SUPPORTED}:
            raise gr.Error(f"language must be one of auto, {', '.join(SUPPORTED)}")
        if mode not in {m.value for m in Mode}:
            raise gr.Error('mode must be "generative" or "extractive"')
        turns = []
        for turn in history or []:
            if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant") or not isinstance(turn.get("content"), str):
                raise gr.Error('history must be a list of {"role": "user"|"assistant", "content": str}')
            turns.append({"role": turn["role"], "content": turn["content"]})
        try:
            answer = assistant.ask(question.strip(), history=turns or None, lang=None if language == "auto" else language, mode=Mode(mode))
        except (InvalidQuestion, StoreError) as error:
            raise gr.Error(str(error)) from None
        except Exception:
            log.exception("API ask failed: %r", question)
            raise gr.Error(render.t("error", None if language == "auto" else language)) from None
        return render.answer_json(answer)

    # --- documents handlers -------------------------------------------------------------------

    def documents_view():
        try:
            records = list(library.documents())
        except Exception:
            log.exception("listing documents failed")
            return gr.skip(), gr.skip(), _status("The list of documents could not be read; please reload the page.", kind="error")
        return (
            gr.update(value=table_rows(records, library.translation_status), label=f"Indexed documents ({len(records)})"),
            gr.update(choices=removal_choices(records), value=None),
            gr.skip(),
        )

    def add_documents(files, progress=gr.Progress(track_tqdm=True)):
        if not files:
            return gr.skip(), gr.skip(), _status("Choose one or more files first.", kind="error"), gr.skip()
        try:
            progress(0.05, desc="Checking the files")
            indexed = {r.info.doc_id for r in library.documents()}
            with tempfile.TemporaryDirectory(prefix="benelux-upload-") as staging:
                staged, problems = stage_uploads([str(f) for f in files], Path(staging), max_bytes, indexed)
                summary = None
                if staged:
                    progress(0.2, desc=f"Indexing {len(staged)} document(s)")
                    summary = library.add(staged)
            progress(1.0, desc="Done")
        except Exception:
            log.exception("upload failed")
            table, choices, _ = documents_view()
            return table, choices, _status("The upload failed; nothing already indexed was changed. Please try again.", kind="error"), None
        finally:  # kept in the data dir if indexed; nothing should linger in Gradio's upload cache
            try:
                discard_uploads([str(f) for f in files], Path(get_upload_folder()))
            except OSError:
                log.exception("removing uploaded files from Gradio's cache failed")
        added = list(summary.added) + list(summary.updated) if summary else []
        failed = summary.failed.items() if summary else []
        rejected = problems + [reason if name in reason else f"{name}: {reason}" for name, reason in failed]
        head = f"Added {len(added)} document(s), answerable now: {', '.join(added)}." if added else "No document was added."
        items = [f"{name}: already indexed, unchanged" for name in (summary.unchanged if summary else [])] + rejected
        flagged = [
            f"{doc}: {len(numbers)} paragraph(s) left out (§ {', '.join(map(str, numbers))}): they read as instructions "
            "to an AI assistant, not as information" for doc, numbers in (summary.flagged.items() if summary else [])
        ]
        items += flagged
        table, choices, _ = documents_view()
        return table, choices, _status(head, items, kind="error" if not added else "warn" if rejected or flagged else "ok"), None

    def remove_document(doc_id):
        if not doc_id:
            return gr.skip(), gr.skip(), gr.skip()
        try:
            library.remove(doc_id)
        except Exception:
            log.exception("removing %s failed", doc_id)
            table, choices, _ = documents_view()
            return table, choices, _status(f"{doc_id} could not be removed; please try again.", kind="error")
        table, choices, _ = documents_view()
        return table, choices, _status(f"Removed {doc_id}.")

    # --- layout -------------------------------------------------------------------------------

    with gr.Blocks(title="Benelux QA — human trafficking documents") as app:
        state = gr.State({"history": [], "display": [], "lang": None, "pending": None})
        gr.HTML(
            "<h1>Benelux QA</h1><p>Questions about the Benelux documents on human trafficking, in Dutch, "
            "French or English. Every answer cites the source paragraphs (§): click a marker to see it.</p>",
            elem_id="bq-header",
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5, min_width=420):
                        chatbot = gr.Chatbot(
                            label="Conversation", height=540, render_markdown=False, sanitize_html=True,
                            feedback_options=None, buttons=[], elem_id="bq-chat",
                            placeholder="**Ask a question below, or start from an example.**",
                            examples=[{"text": q, "display_text": q} for q in EXAMPLES],
                        )
                        question = gr.Textbox(
                            show_label=False, placeholder="Ask a question in Dutch, French or English…",
                            lines=1, max_lines=5, submit_btn="Ask", autofocus=True, elem_id="bq-question",
                        )
                        with gr.Row(equal_height=True, elem_id="bq-under-chat"):
                            badge = gr.HTML("", elem_id="bq-lang-indicator")
                            clear = gr.Button("New conversation", variant="secondary", size="sm", scale=0,
                                              min_width=150, elem_id="bq-new")
                        with gr.Row(equal_height=True):
                            language = gr.Radio(LANGUAGE_CHOICES, value="auto", label="Answer language", elem_id="bq-language")
                            mode = gr.Radio(MODES, value=Mode(default_mode).value, label="Answer mode", elem_id="bq-mode")
                    with gr.Column(scale=4, min_width=360):
                        sources = gr.HTML(render.sources_html(None), elem_id="bq-sources-panel")
            with gr.Tab("Documents", id="documents"):
                if not assistant.calibrated:  # said where users add their own documents
                    gr.HTML(
                        '<div class="bq-notice bq-fallback" id="bq-uncalibrated">This index is not calibrated: when to '
                        "answer and when to refuse follows the defaults fitted on the bundled documents. To fit it to "
                        "your documents, run <code>benelux-qa calibrate --qa QUESTIONS.jsonl</code> with answerable and "
                        "unanswerable questions about them.</div>"
                    )
                table = gr.Dataframe(headers=TABLE_HEADERS, datatype="str", interactive=False, wrap=True,
                                     label="Indexed documents", elem_id="bq-documents")
                with gr.Row(equal_height=False):
                    with gr.Column():
                        files = gr.File(
                            file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                            label=f"Add documents (TXT, MD, HTML, PDF, DOCX; at most {upload_max_mb} MB each)",
                            elem_id="bq-upload",
                        )
                        add = gr.Button("Add to the index", variant="primary", elem_id="bq-add")
                    with gr.Column():
                        to_remove = gr.Dropdown(label="Remove a document", choices=[], value=None, elem_id="bq-remove-choice")
                        remove = gr.Button("Remove", variant="stop", elem_id="bq-remove")
                status = gr.HTML("", elem_id="bq-status")

        chat_outputs = [chatbot, state, sources, badge, question]
        answering = []
        for trigger in (
            question.submit(start_turn, [question, state, language], [question, chatbot, state, sources],
                            queue=False, api_visibility="private"),
            chatbot.example_select(pick_example, [state, language], [question, chatbot, state, sources],
                                   queue=False, api_visibility="private"),
        ):
            answering.append(trigger.then(
                answer_turn, [state, language, mode], chat_outputs, concurrency_id=CONCURRENCY_ID,
                concurrency_limit=concurrency, api_visibility="private", show_progress="minimal",
            ))
        for trigger in (clear.click, chatbot.clear):  # also stops an answer under way
            trigger(new_conversation, [state], chat_outputs, queue=False, api_visibility="private", cancels=answering)
        gr.api(ask, api_name="ask", concurrency_id=CONCURRENCY_ID, concurrency_limit=concurrency)

        docs_outputs = [table, to_remove, status]
        app.load(documents_view, None, docs_outputs, api_visibility="private", concurrency_limit=None)
        add.click(add_documents, [files], [*docs_outputs, files], concurrency_id="library", concurrency_limit=1,
                  api_visibility="private")
        remove.click(remove_document, [to_remove], docs_outputs, concurrency_id="library", concurrency_limit=1,
                     api_visibility="private",
                     js="(doc) => (doc && confirm('Remove ' + doc + ' from the index?')) ? doc : null")
    app.queue(default_concurrency_limit=concurrency, max_size=64)
    return app
