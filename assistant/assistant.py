"""The assistant's one entry point: a question in, a checked answer with citations out.

question → language → retrieval (dense + BM25) → evidence sentences → refuse, quote (extractive)
or generate sentence by sentence with checks (generative) → Answer.
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np

from assistant.answer import Answer, Evidence, Mode, Passage
from assistant.citations import CitationList
from assistant.answer_types import FORMS, AnswerType, answer_type, question_parts
from assistant.answerability import DEFAULT_PARAMETERS, Signals, generative_path, load_model, signals
from assistant.evidence import ScoredSentence, choose_sentences, holders_first, rank_sentences, stored_sentences, unknown_numbers
from assistant.extractive import extractive_text
from assistant.generative import VerifiedGeneration, judge_messages
from assistant.prompts import JUDGE_CHOICES, NO_ANSWER
from models.chat import make_chat_model
from assistant.messages import message
from assistant.question import InvalidQuestion, QueryVersion, Question, prepare_question
from assistant.question_translation import translated_question, untranslated_languages
from assistant.retrieval import HybridRetriever
from core.records import DocumentRecord
from core.settings import Settings
from ingest.translation import TranslationUnavailable, Translator
from models.embeddings import ParagraphEmbeddings
from vectorstore.store import ParagraphStore

log = logging.getLogger(__name__)


class IndexMissing(InvalidQuestion):
    """No documents are indexed yet."""


@dataclass
class _Found:
    passages: list[Passage]  # retrieved, best first
    chosen: list[ScoredSentence]  # the evidence to quote, and the sentences the LLM answers from
    observed: Signals | None  # None: refused before any signal
    unanswered: str | None = None  # why it is refused before any signal
    translation_s: float | None = None  # spent translating the question (`assistant.question_translation`), if it was


class Assistant:
    def __init__(self, settings: Settings, chat_model=None, store: ParagraphStore | None = None):
        """`chat_model` replaces the configured generator (any LangChain chat model); `store` the one
        the settings open (pass it to share one store with a `DocumentLibrary`)."""
        self.settings = settings
        self.store = store or ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
        self.embeddings = self.store.embeddings
        self.retriever = HybridRetriever(self.store, settings)
        self.answerability, self.calibrated = load_model(settings.calibration_path)
        self.generative_answerability, _ = load_model(
            generative_path(settings.calibration_path), generative_path(DEFAULT_PARAMETERS)
        )
        self._chat = chat_model
        self._chat_error: str | None = None
        self._translator: Translator | None = None  # of questions, with the chat model (loaded on first use)

    def chat_model(self):
        """The generator, loaded on first use; None (with the reason kept) when it cannot be loaded."""
        if self._chat is None and self._chat_error is None:
            try:
                self._chat = make_chat_model(self.settings)
            except Exception as error:  # a missing file, a broken build, a bad server URL: fall back, say why
                log.exception("the LLM could not be loaded")
                self._chat_error = str(error) or type(error).__name__
        return self._chat

    def documents(self) -> dict[str, DocumentRecord]:
        """The indexed documents by id (their languages, titles and dates)."""
        return self.store.documents()

    def retrieve(self, question: str, lang: str | None = None, k: int | None = None) -> list[Passage]:
        prepared = prepare_question(question, lang=lang)
        return self.retriever.retrieve(prepared.search_text, prepared.lang, k or self.settings.top_k).passages

    def ask(self, question: str, history: list[dict] | None = None, lang: str | None = None, mode: Mode | None = None) -> Answer:
        return next(item for item in self.stream(question, history, lang, mode) if isinstance(item, Answer))

    def stream(
        self, question: str, history: list[dict] | None = None, lang: str | None = None, mode: Mode | None = None,
    ) -> Iterator[Evidence | str | Answer]:
        """In generative mode the quoted Evidence first; then verified text pieces as they are produced; then the
        final Answer (whose text is authoritative).

        Raises InvalidQuestion (e.g. empty) and IndexMissing before any model is called.
        """
        started = time.perf_counter()
        prepared = prepare_question(question, history, lang)
        mode = Mode(mode or self._default_mode())
        found = self._find(prepared, translate=self._translates(mode))
        answer = Answer(
            question=prepared.text, text="", lang=prepared.lang, question_lang=prepared.detected_lang,
            mode=mode, passages=found.passages, notices=list(prepared.notices),
            timings={"retrieval_s": time.perf_counter() - started}, answerability=0.0,
        )
        if found.translation_s is not None:
            answer.timings["question_translation_s"] = found.translation_s
        judged = self._judged(found, answer.mode)
        if found.observed is not None:
            answer.signals, answer.answerability = asdict(found.observed), self.answerability.probability(found.observed)
        if found.observed is None:
            _refuse(answer, found.unanswered)
        elif not judged and answer.answerability < self.answerability.threshold:
            _refuse(answer, f"answerability {answer.answerability:.2f} below {self.answerability.threshold:.2f}")
        elif answer.mode is Mode.GENERATIVE and self.chat_model() is not None:
            yield from self._generate(answer, prepared, history, found, judged, started)
        else:
            if answer.mode is Mode.GENERATIVE:
                answer.notices.append(message(prepared.lang, "llm_unavailable", reason=self._chat_error))
                answer.fallback_reason = f"no LLM ({self._chat_error or 'none configured'})"
            self._quote(answer, found.chosen)
        if not answer.timings.get("first_token_s"):
            answer.timings["first_token_s"] = time.perf_counter() - started
            yield answer.text
        answer.timings["total_s"] = time.perf_counter() - started
        yield answer

    def assess(self, question: str, mode: Mode) -> Signals | None:
        """The answerability signals of `question` (in generative mode with the LLM's judgement, when the LLM gives
        one), without answering it; None when it is refused before any signal (nothing to quote, an unknown number)."""
        prepared = prepare_question(question)
        found = self._find(prepared, translate=self._translates(mode))
        if self._judged(found, mode):
            found.observed.declines = self._declines(prepared, None, found)
        return found.observed

    def _translates(self, mode: Mode) -> bool:
        """Whether questions are translated for retrieval (`assistant.question_translation`): in generative mode, with
        an LLM, when the settings ask for it (extractive mode stays LLM-free)."""
        return mode is Mode.GENERATIVE and self.settings.question_translation and self.chat_model() is not None

    def _question_versions(self, prepared: Question) -> list[QueryVersion]:
        """The question in the languages of documents not machine-translated into its own yet, embedded; none when the
        LLM fails (the question is then searched as asked)."""
        targets = untranslated_languages(self.retriever.documents, prepared.lang)
        if not targets:
            return []
        self._translator = self._translator or Translator(self.settings, chat=self.chat_model())
        try:
            texts = translated_question(self._translator, prepared.search_text, prepared.lang, targets)
        except TranslationUnavailable as error:  # a server down for now: the next question asks again
            log.warning("the question could not be translated (%s): searched as asked", error)
            self._translator = None
            return []
        return [QueryVersion(text, target, np.asarray(self.embeddings.embed_query(text))) for target, text in texts.items()]

    def _find(self, prepared: Question, translate: bool = False) -> "_Found":
        """Retrieval (with the question's versions in other languages when `translate`), the ranked and chosen evidence
        sentences, and the answerability signals."""
        if self.store.count() == 0:
            raise IndexMissing(message(prepared.lang, "no_index"))
        started = time.perf_counter()
        versions = self._question_versions(prepared) if translate else []
        translation_s = time.perf_counter() - started if versions else None
        vector = np.asarray(self.embeddings.embed_query(prepared.search_text))
        retrieved = self.retriever.retrieve(prepared.search_text, prepared.lang, self.settings.top_k, vector, versions)
        kind = answer_type(prepared.text)
        passages = holders_first(retrieved.passages, kind)
        chosen = self._evidence(passages, prepared, vector, kind)
        if not chosen:
            missing = f"no passage close enough to quote holds what is asked ({kind.value})" if kind in FORMS else "no statement to quote"
            return _Found(passages, chosen, None, missing, translation_s)
        if unknown := unknown_numbers(prepared.text, self.retriever.corpus_terms):
            return _Found(passages, chosen, None, f"names a number the documents never mention ({', '.join(unknown)})", translation_s)
        observed = signals(  # of the passages in retrieval order: how far the best stands out
            prepared.text, prepared.lang, retrieved.passages, retrieved.background, chosen, kind, self.retriever.corpus_terms
        )
        return _Found(passages, chosen, observed, translation_s=translation_s)

    def _evidence(self, passages: list[Passage], prepared: Question, vector: np.ndarray, kind: AnswerType) -> list[ScoredSentence]:
        """The sentences to quote: for a compound question, those each of its questions finds as well."""
        stored = stored_sentences(self.store, passages)
        ranked = rank_sentences(stored, passages, prepared.text, prepared.lang, vector)
        chosen = {(s.passage.rank, s.position): s for s in choose_sentences(ranked, kind, prepared.text, prepared.lang)}
        parts = question_parts(prepared.text)
        if len(parts) > 1:
            for part in parts:
                ranked = rank_sentences(stored, passages, part, prepared.lang, np.asarray(self.embeddings.embed_query(part)))
                for s in choose_sentences(ranked, answer_type(part), part, prepared.lang):
                    chosen.setdefault((s.passage.rank, s.position), s)
        return sorted(chosen.values(), key=lambda s: (s.passage.rank, s.position))

    def _judged(self, found: "_Found", mode: Mode) -> bool:
        """Whether the LLM's judgement joins the signals: generative mode, signals to join, a judge."""
        return found.observed is not None and mode is Mode.GENERATIVE and self._judge() is not None

    def _judge(self):
        """The chat model when it can tell how likely each reply is (the local llama.cpp one) and the settings ask for
        its judgement, else None."""
        if not self.settings.llm_judgement:
            return None
        chat = self.chat_model()
        return chat if hasattr(chat, "choice_probabilities") else None

    def _declines(self, prepared: Question, history, found: "_Found") -> float:
        """The LLM's probability that the sources it would answer from do not give the answer."""
        messages = judge_messages(found.chosen, prepared.text, _previous(history))
        return self._judge().choice_probabilities(messages, JUDGE_CHOICES)[JUDGE_CHOICES.index("no")]

    def _default_mode(self) -> Mode:
        return Mode.EXTRACTIVE if self.settings.llm_backend == "extractive" else Mode.GENERATIVE

    def _quote(self, answer: Answer, chosen) -> None:
        citations = CitationList()
        answer.text = extractive_text(chosen, answer.lang, citations)
        answer.citations = citations.all()

    def _generation(self, prepared: Question, history, found: "_Found", citations: CitationList, judged: bool) -> VerifiedGeneration:
        return VerifiedGeneration(
            self.chat_model(), prepared.lang, prepared.text, _previous(history), found.chosen, self.embeddings,
            citations, after_judgement=judged,
        )

    def _generate(self, answer: Answer, prepared: Question, history, found: "_Found", judged: bool, started: float) -> Iterator[Evidence | str]:
        """Streams the quotes of the chosen evidence (no model needed, so they come at once); then, when `judged`, lets
        the generative answerability model (the signals plus the LLM's own judgement) refuse; then the checked
        generated answer. If the generation fails a check, the quotes stand as the answer, unless the model's
        probability is below its `fallback_threshold`: then it is a refusal (a failed answer to a doubtful question was
        most often to an unanswerable one)."""
        citations = CitationList()
        answer.evidence = extractive_text(found.chosen, prepared.lang, citations)
        answer.timings["first_evidence_s"] = time.perf_counter() - started
        yield Evidence(answer.evidence)
        if judged:
            found.observed.declines = self._declines(prepared, history, found)
            answer.signals = asdict(found.observed)
            answer.answerability = self.generative_answerability.probability(found.observed)
            if answer.answerability < self.generative_answerability.threshold:
                _refuse(answer, f"answerability with the LLM's judgement {answer.answerability:.2f} below "
                                f"{self.generative_answerability.threshold:.2f}")
                return
        generation = self._generation(prepared, history, found, citations, judged)
        for piece in generation:
            answer.timings.setdefault("first_token_s", time.perf_counter() - started)
            yield piece
        if generation.first_token_at is not None:
            answer.timings["first_generated_token_s"] = generation.first_token_at - started
        if generation.refused:  # the model finds no answer in the quotes: a refusal, listing the closest passages
            _refuse(answer, f"the LLM replied {NO_ANSWER}")
            return
        if generation.failure:
            fallback_threshold = self.generative_answerability.fallback_threshold
            if judged and fallback_threshold is not None and answer.answerability < fallback_threshold:
                _refuse(answer, f"generated answer rejected ({generation.failure}) and answerability {answer.answerability:.2f} "
                                f"below the fallback threshold {fallback_threshold:.2f}")
                return
            log.info("generated answer rejected (%s); the quotes stand", generation.failure)  # already shown, they answer
            answer.fallback_reason = generation.failure
            answer.notices.append(message(prepared.lang, "fallback"))
            answer.text, answer.evidence = answer.evidence, ""
            answer.timings.setdefault("first_token_s", time.perf_counter() - started)
        else:
            answer.text = " ".join(generation.sentences)
        answer.citations = [c for c in citations.all() if f"[{c.marker}]" in answer.evidence + answer.text]


def _refuse(answer: Answer, reason: str) -> None:
    """Makes `answer` a refusal in its language (the quotes streamed before it withdrawn), for `reason`."""
    log.info("refused: %s", reason)
    answer.refused, answer.refusal_reason = True, reason
    answer.text, answer.evidence = message(answer.lang, "refusal"), ""


def _previous(history: list[dict] | None) -> str | None:
    """The asker's previous question in the conversation, if any."""
    return next((m["content"] for m in reversed(history or []) if m.get("role") == "user"), None)
