"""The web UI end to end: a launched app, driven by gradio_client and by a real headless Chromium.

The first tests run the real assistant (real models, a throwaway data dir with the bundled corpus
indexed on first start). The last ones use a small fake assistant to check the UI's own behaviour:
history and language forcing, friendly errors, and that a slow answer does not block other users.

Chromium is Debian's (scripts/install-browser.sh); Playwright must not download its own.
"""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.answer import Answer, Citation, Evidence, Mode  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.conftest import CORPUS, DUTCH_ONLY  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
XSS = "<img src=x onerror=alert(1)>"
CHAT_TIMEOUT_MS = 240_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app, settings: Settings):
    """The app launched on a free loopback port in this process (Gradio's server thread)."""
    from ui.command import launch

    port = free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


# --- browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        subprocess.run([str(REPO / "scripts" / "install-browser.sh")], check=False)
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/install-browser.sh (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.dialogs = []  # any alert() would land here
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#bq-question textarea")


def last_bot_message(page):
    return page.locator("#bq-chat [data-testid='bot']").last


def ask_in_browser(page, question: str, mode: str | None = None, language: str | None = None, sources: bool = True) -> dict:
    """Type a question and press Enter; return the seconds to the first streamed text and to the sources."""
    if mode:
        page.locator("#bq-mode").get_by_text(mode, exact=True).click()
    if language:
        page.locator("#bq-language").get_by_text(language, exact=True).click()
    bots_before = page.locator("#bq-chat [data-testid='bot']").count()
    page.locator("#bq-question textarea").fill(question)
    started = time.perf_counter()
    page.locator("#bq-question textarea").press("Enter")
    page.wait_for_function(
        """(before) => {
            const bots = document.querySelectorAll('#bq-chat [data-testid="bot"]');
            const last = bots[bots.length - 1];
            return bots.length > before && !last.querySelector('.bq-pending') && last.innerText.trim().length > 0;
        }""",
        arg=bots_before, timeout=CHAT_TIMEOUT_MS, polling="raf",
    )
    first_text = time.perf_counter() - started
    page.wait_for_function(  # done: the input is unlocked again
        "() => !document.querySelector('#bq-question textarea').disabled", timeout=CHAT_TIMEOUT_MS
    )
    if sources:
        page.wait_for_selector("#bq-sources-panel .bq-card", timeout=10_000)
    return {"first_text_s": first_text, "answer_s": time.perf_counter() - started}


def upload_in_browser(page, paths: list[Path]) -> str:
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_selector("#bq-documents")
    page.locator("#bq-upload input[type=file]").set_input_files([str(p) for p in paths])
    page.wait_for_selector("#bq-upload .file-preview, #bq-upload table", timeout=30_000)
    page.locator("#bq-add").click()
    page.wait_for_selector("#bq-status .bq-notice", timeout=CHAT_TIMEOUT_MS)
    status = page.locator("#bq-status").inner_text()
    page.get_by_role("tab", name="Ask").click()
    return status


# --- the real assistant ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory, models_dir):
    from ui.command import build

    settings = Settings(data_dir=tmp_path_factory.mktemp("ui") / "data", models_dir=models_dir)
    assistant, library, app = build(settings)  # indexes the bundled corpus: the data dir is empty
    with serving(app, settings) as url:
        yield SimpleNamespace(url=url, assistant=assistant, library=library, settings=settings)


def test_first_start_indexes_the_bundled_corpus(real):
    indexed = {record.info.doc_id for record in real.library.documents()}
    assert {p.name for p in CORPUS.glob("*.txt")} <= indexed


def test_french_question_through_the_api(real):
    from gradio_client import Client

    client = Client(real.url, verbose=False)
    result = client.predict(
        question="Dans quelle ville la première réunion Benelux sur le contrôle administratif de la prostitution a-t-elle eu lieu ?",
        language="auto", mode="extractive", api_name="/ask",
    )
    assert result["lang"] == "fr" and result["question_lang"] == "fr"
    assert not result["refused"] and result["citations"]
    assert "000_8155b968e599ee5e.txt" in {c["doc_id"] for c in result["citations"]}
    assert "[1]" in result["text"]
    assert all(c["lang"] == "fr" for c in result["citations"] if c["doc_id"] == "000_8155b968e599ee5e.txt")


def test_dutch_question_in_the_browser(real, page, tmp_path):
    open_app(page, real.url)
    timing = ask_in_browser(page, "Met welke organisatie zette de Vlaamse gemeenschap een bewustmakingscampagne over loverboys op?")
    marker = last_bot_message(page).locator("a.bq-cite").first
    marker.wait_for(state="visible")
    number = marker.inner_text().strip("[]")
    marker.click()
    card = page.locator(f"#src-{number}")
    card.wait_for(state="visible")
    page.wait_for_timeout(800)  # smooth scroll
    assert card.locator(".bq-para").first.is_visible() and card.locator(".bq-para").first.inner_text().strip()
    assert card.evaluate("e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }")
    assert "§" in card.locator(".bq-meta").inner_text()
    assert page.locator("#bq-lang-indicator").inner_text().strip().endswith("Nederlands")
    screenshot = tmp_path / "ui-answer.png"
    page.screenshot(path=str(screenshot), full_page=False)
    OUTPUT.mkdir(exist_ok=True)
    shutil.copyfile(screenshot, OUTPUT / "ui-answer.png")
    (OUTPUT / "ui-timing.json").write_text(json.dumps(timing, indent=2))
    print(f"browser: first streamed text after {timing['first_text_s']:.2f} s, whole answer after {timing['answer_s']:.2f} s")
    assert not page.dialogs


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Jaarverslag meldpunt Zeehaven-Noord", level=1)
    document.add_paragraph(
        "Het fictieve meldpunt Zeehaven-Noord in Terneuzen ontving in 2023 in totaal 417 meldingen over "
        "arbeidsuitbuiting in de havensector. De meeste meldingen kwamen van havenarbeiders zelf."
    )
    document.add_paragraph(
        "Het meldpunt werkt samen met de arbeidsinspectie en de politie om slachtoffers van mensenhandel "
        "sneller door te verwijzen naar de opvang."
    )
    document.save(path)
    return path


def test_uploaded_docx_becomes_answerable(real, page, tmp_path):
    from gradio_client import Client

    before = {r.info.doc_id for r in real.library.documents()}
    docx_file = make_docx(tmp_path / "Meldpunt Zeehaven.docx")
    not_a_pdf = tmp_path / "report.pdf"
    not_a_pdf.write_text("this is not a PDF")
    open_app(page, real.url)
    status = upload_in_browser(page, [docx_file, not_a_pdf])
    assert "Meldpunt_Zeehaven.docx" in status and "report.pdf: it is not a PDF" in status
    after = {r.info.doc_id for r in real.library.documents()}
    assert after == before | {"Meldpunt_Zeehaven.docx"}  # the bad file is refused, nothing is lost
    result = Client(real.url, verbose=False).predict(
        question="Hoeveel meldingen ontving het meldpunt Zeehaven-Noord in 2023?", mode="extractive", api_name="/ask"
    )
    assert "Meldpunt_Zeehaven.docx" in {c["doc_id"] for c in result["citations"]}
    assert "417" in result["text"]


def test_an_english_question_about_a_dutch_only_document_shows_the_labelled_machine_translation(real, page):
    deadline = time.monotonic() + 600  # the background thread embeds the shipped translations after the first start
    while any(r.translation != "done" for r in real.library.documents() if r.info.doc_id in DUTCH_ONLY) and time.monotonic() < deadline:
        time.sleep(2)
    open_app(page, real.url)
    ask_in_browser(page, "Which Belgian minister of Justice is quoted in the press release?", mode="Extractive")
    card = page.locator("#bq-sources-panel .bq-card").first
    card.wait_for(state="visible")
    assert "NL" in card.locator(".bq-meta").inner_text()
    translation = card.locator(".bq-machine-translation")
    assert translation.count() == 1 and "machine translation; the original is authoritative" in translation.inner_text()
    assert "Geens" in translation.inner_text()
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_function("() => document.body.innerText.includes('Machine translations')")


def test_document_markup_renders_as_text(real, page, tmp_path):
    xss_file = tmp_path / "harbour-watch.txt"
    xss_file.write_text(
        "Harbour Watch pilot report\n\n"
        f"The fictional Harbour Watch pilot in Vlissingen trained 73 port inspectors to recognise signs of human "
        f"trafficking in 2024. {XSS} <script>alert(2)</script>\n\n"
        "The inspectors reported their findings to the regional expertise centre every month.\n",
        encoding="utf-8",
    )
    open_app(page, real.url)
    assert "harbour-watch.txt" in upload_in_browser(page, [xss_file])
    ask_in_browser(page, "How many port inspectors did the Harbour Watch pilot train?", mode="Extractive")
    panel = page.locator("#bq-sources-panel")
    assert XSS in panel.inner_text()  # the literal text is shown...
    assert panel.locator("img").count() == 0 and panel.locator("script").count() == 0  # ...and nothing runs
    assert page.locator("img[onerror]").count() == 0
    page.wait_for_timeout(500)
    assert not page.dialogs
    assert "harbour-watch.txt" in panel.inner_text()


# --- the UI's own behaviour, with a fake assistant -----------------------------------------------


class FakeLibrary:
    def documents(self):
        return []

    def translation_status(self, record):
        return "done"

    def add(self, paths):
        raise AssertionError("not used")

    def remove(self, doc_id):
        raise AssertionError("not used")


class FakeAssistant:
    """Answers "Antwoord [1]." citing one paragraph; records calls; can fail or wait on request."""

    calibrated = True

    def __init__(self):
        self.calls = []
        self.fail = False
        self.release = threading.Event()
        self.release.set()

    def _answer(self, question, lang, evidence):
        citation = Citation(marker=1, chunk_id="c", doc_id="fake.txt", title="Fake", date=None, paragraph=1,
                            lang="nl", quote="Een bron.", supporting=["Een bron."])
        return Answer(question=question, text="Antwoord [1].", lang=lang or "nl", question_lang="nl",
                      mode=Mode.GENERATIVE, citations=[citation], evidence=evidence)

    def stream(self, question, history=None, lang=None, mode=None):
        self.calls.append({"question": question, "history": history, "lang": lang, "mode": mode})
        evidence = "" if mode is Mode.EXTRACTIVE else "Volgens de documenten: “Een bron.” [1]"
        if evidence:
            yield Evidence(evidence)
        yield "Antwoord "
        self.release.wait(60)
        if self.fail:
            raise RuntimeError("internal detail /secret/path")
        yield "[1]."
        yield self._answer(question, lang, evidence)

    def ask(self, question, history=None, lang=None, mode=None):
        *_, answer = self.stream(question, history, lang, mode)
        return answer


@pytest.fixture
def fake(tmp_path):
    from ui.app import build_app

    assistant = FakeAssistant()
    with serving(build_app(assistant, FakeLibrary()), Settings(data_dir=tmp_path)) as url:
        yield SimpleNamespace(url=url, assistant=assistant)


def test_follow_ups_use_the_history_and_new_conversation_clears_it(fake, page):
    open_app(page, fake.url)
    ask_in_browser(page, "Eerste vraag?")
    ask_in_browser(page, "En de tweede?", language="FR", mode="Extractive")
    first, second = fake.assistant.calls
    assert first["history"] is None
    assert second["history"] == [{"role": "user", "content": "Eerste vraag?"}, {"role": "assistant", "content": "Antwoord [1]."}]
    assert second["lang"] == "fr" and second["mode"] == Mode.EXTRACTIVE
    assert last_bot_message(page).locator("a.bq-cite").count() == 1
    assert page.locator("#bq-chat a.bq-cite").count() == 1  # earlier answers' markers are no longer links
    page.locator("#bq-new").click()
    page.wait_for_function("() => document.querySelectorAll('#bq-chat [data-testid=\"bot\"]').length === 0")
    ask_in_browser(page, "Nieuwe vraag?", language="Auto")
    assert fake.assistant.calls[-1]["history"] is None and fake.assistant.calls[-1]["lang"] is None


def test_a_failure_shows_a_friendly_message_and_no_traceback(fake, page):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    fake.assistant.fail = True
    open_app(page, fake.url)
    ask_in_browser(page, "Waarom faalt dit?", sources=False)
    text = page.locator("body").inner_text()
    assert "Er ging iets mis" in last_bot_message(page).inner_text()
    assert "Traceback" not in text and "secret" not in text and "RuntimeError" not in text
    with pytest.raises(AppError) as error:
        Client(fake.url, verbose=False).predict(question="Why does this fail?", language="en", api_name="/ask")
    assert "went wrong" in str(error.value) and "secret" not in str(error.value)


def test_a_slow_answer_does_not_block_other_users(fake, browser):
    fake.assistant.release.clear()  # answers hang until released
    first, second = browser.new_page(), browser.new_page()
    try:
        open_app(first, fake.url)
        first.locator("#bq-question textarea").fill("Trage vraag?")
        first.locator("#bq-question textarea").press("Enter")
        first.wait_for_function("() => document.querySelector('#bq-chat').innerText.includes('Antwoord')")
        started = time.perf_counter()
        open_app(second, fake.url)  # another user, while the only answer slot is busy
        second.locator("#bq-question textarea").fill("Tweede vraag?")
        second.locator("#bq-question textarea").press("Enter")
        second.wait_for_function("() => document.querySelector('#bq-chat').innerText.includes('Tweede vraag?')", timeout=5_000)
        second.get_by_role("tab", name="Documents").click()
        second.wait_for_selector("#bq-documents", timeout=5_000)
        assert time.perf_counter() - started < 15
        assert len(fake.assistant.calls) == 1  # the second question waits in the queue
    finally:
        fake.assistant.release.set()
    first.wait_for_selector("#bq-sources-panel .bq-card", timeout=30_000)
    second.get_by_role("tab", name="Ask").click()
    second.wait_for_selector("#bq-sources-panel .bq-card", timeout=30_000)
    assert len(fake.assistant.calls) == 2
    first.close()
    second.close()


def test_the_quoted_evidence_shows_before_the_generated_answer(fake, page):
    fake.assistant.release.clear()  # the generated answer hangs after its first words
    open_app(page, fake.url)
    page.locator("#bq-question textarea").fill("Welke bron?")
    page.locator("#bq-question textarea").press("Enter")
    page.wait_for_function("() => (document.querySelector('#bq-chat .bq-evidence') || {}).innerText?.includes('Een bron')")
    assert "[1]." not in last_bot_message(page).inner_text()  # still being generated
    fake.assistant.release.set()
    page.wait_for_function("() => !document.querySelector('#bq-question textarea').disabled", timeout=CHAT_TIMEOUT_MS)
    text = last_bot_message(page).inner_text()
    assert "Een bron" in text and "Antwoord" in text and text.index("Een bron") < text.index("Antwoord")
    assert last_bot_message(page).locator(".bq-evidence a.bq-cite").count() == 1  # the quote's marker links to its source


def test_new_conversation_stops_an_answer_under_way(fake, page):
    fake.assistant.release.clear()
    open_app(page, fake.url)
    page.locator("#bq-question textarea").fill("Vraag die blijft hangen?")
    page.locator("#bq-question textarea").press("Enter")
    page.wait_for_function("() => document.querySelector('#bq-chat').innerText.includes('Antwoord')")
    page.locator("#bq-new").click()
    page.wait_for_function("() => !document.querySelector('#bq-chat').innerText.includes('Antwoord')")
    fake.assistant.release.set()
    page.wait_for_timeout(1500)
    assert "Antwoord" not in page.locator("#bq-chat").inner_text()  # the stopped answer does not come back
    ask_in_browser(page, "Nieuwe vraag?")
    assert fake.assistant.calls[-1]["history"] is None


def test_an_answer_stopped_under_way_ends_on_an_update_that_changes_nothing():
    """Gradio re-sends a streamed run's last output when the run ends, so a stopped answer whose cancel came too
    late (the browser test above, when the cancel loses the race) must end on no-change updates."""
    from ui.app import build_app

    assistant = FakeAssistant()
    assistant.release.clear()
    app = build_app(assistant, FakeLibrary())
    handler = {f.fn.__name__: f.fn for f in app.fns.values() if hasattr(f.fn, "__name__")}
    _, _, state, _ = handler["start_turn"]("Vraag die blijft hangen?", {}, "auto")
    answering = handler["answer_turn"](state, "auto", "generative")
    while "Antwoord" not in str(next(answering)[0]):
        pass
    handler["new_conversation"](state)
    assistant.release.set()
    rest = list(answering)
    assert rest and all(value == {"__type__": "update"} for update in rest for value in update)
