"""Generated answers that reach the user only sentence by sentence, each checked by code first.

Every finished sentence is checked before it is shown: its language must be the asker's, each
number, date and name in it must occur in the passage it is linked to (either language version; a capitalised
common word, "Council" for "Raad", may come from its checked machine translation; a name, from the question), and
it must say something that passage says beyond the question's own words (not "Yes, the text gives the answer."),
and it must not be a question (the small model sometimes restates the one asked), one word alone, or a run of names.
When the question asks for a date, a name, a place or a quantity (`answer_types`) and the quoted evidence holds one,
sentences are held back until the answer holds one too: "Yes, the Flemish community ran a campaign." does not say
with which organisation.
The link (the citation) is chosen by code — the passage whose sentences are most similar and that
holds the sentence's facts — never taken from the model. A sentence that fails stops generation, and so does
an answer that never says what is asked: the caller then falls back to the extractive answer.
"""

import re
import time
from collections.abc import Iterator
from itertools import combinations

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.answer import Passage
from assistant.answer_types import AnswerType, answer_type, holds
from assistant.citations import MARKERS, CitationList
from assistant.evidence import ScoredSentence
from core.guard import unsupported
from assistant.prompts import NO_ANSWER, answer_after_judgement_prompt, answer_prompt, judge_prompt, question_block
from core.languages import UNKNOWN, detect_language
from core.sentences import split_sentences
from core.text import content_terms
from models.embeddings import ParagraphEmbeddings

# What the model carries over from the judgement it has just given (the answer continues that conversation), although
# told not to: an opening "Yes," and remarks that the text answers ("Yes, the text provides the answer to the question.",
# "Le texte donne l'information demandée.")
_YES = re.compile(r"^(?:yes|ja|oui)\s*[,.!:]\s*", re.IGNORECASE)
_TEXT_ANSWERS = re.compile(
    r"^(?:the text|(?:de|het) te(?:ks|x)t|le texte)\s+"
    r"(?:(?:(?:does\s+)?(?:provides?|gives?|contains?)|geeft|bevat|donne|contient|fournit)\s+"
    r"(?:the|an|het|een|de|la|une|l')\s*(?:(?:requested|gevraagde)\s+)?(?:answer|antwoord|réponse|information|informatie)"
    r"(?:\s+(?:requested|demandée))?(?:\s+(?:to|op|à)\s+(?:the|this|de|deze|la|cette)\s+(?:question|vraag))?"
    r"|(?:answers|beantwoordt|répond\s+à)\s+(?:the|this|de|deze|la|cette)\s+(?:question|vraag)(?:\s+en\s+question)?)"
    r"(?:\s+(?:in english|in het nederlands|en français))?\s*(?:[.:]\s*|$)",
    re.IGNORECASE,
)
# ... and "The text states that ..." before what it says (not in Dutch, where the clause after "dat" ends on its verb)
_TEXT_SAYS = re.compile(
    r"^(?:the|this) (?:text|document|passage|source)s? (?:mentions|states|says|indicates|explains|notes|specifies"
    r"|(?:provides|gives) the (?:answer|information)) that\s+"
    r"|^(?:le|ce) (?:texte|document|passage) (?:mentionne|indique|précise|dit|explique|affirme"
    r"|(?:donne|fournit) (?:l'information|la réponse)) (?:que\s+|qu['’])",
    re.IGNORECASE,
)
# ... and what it says, in words, instead of NO_ANSWER when the prompt after its judgement does not offer it: "The text does
# not provide the answer to the question.", "De tekst geeft geen informatie over ...", "Le texte ne mentionne pas ..."
_TEXT_LACKS = re.compile(
    r"^(?:the|this) (?:text|document|passage|sources?) (?:does not|doesn't|do not|don't) (?:provide|give|contain|mention"
    r"|say|state|specify|include|answer)\b"
    r"|^(?:de|het|deze|dit) (?:tekst|document|passage|bronn?e?n?) (?:geeft|bevat|noemt|vermeldt|zegt|beantwoordt|geven"
    r"|bevatten|noemen|vermelden) (?:geen|niet)\b"
    r"|^(?:le|ce|les|ces) (?:texte|document|passage|sources?) n(?:e |')(?:\w+ ){0,2}?(?:pas|aucune?)\b",
    re.IGNORECASE,
)
_MIN_WORDS_TO_CHECK_LANGUAGE = 4


def without_judgement(sentence: str) -> str:
    """`sentence` without an opening "Yes,", "the text provides the answer:" and "the text states that" (capitalised
    again); empty when that is all it says."""
    rest = _YES.sub("", sentence, count=1)
    rest = rest[remark.end() :] if (remark := _TEXT_ANSWERS.match(rest)) else rest
    rest = rest[remark.end() :] if (remark := _TEXT_SAYS.match(rest)) else rest
    return rest[:1].upper() + rest[1:] if rest != sentence else sentence


def says_no_answer(sentence: str) -> bool:
    """Whether `sentence` is the model's NO_ANSWER, or says in words that the text lacks the answer."""
    return NO_ANSWER.replace("_", "") in sentence.replace("_", "").upper() or bool(_TEXT_LACKS.match(sentence))


def not_a_sentence(sentence: str) -> bool:
    """A run of names and figures ("Pag-Asa, Sürya, Payoke 2019 2016") says nothing checkable, and one word alone is
    no answer (the model once answered "OUIANS." to a yes/no question, which its sources in another language could
    not contradict); "14 dagen" is."""
    words = re.findall(r"\w+", sentence)
    return len(words) < 2 or len(words) > 3 and not any(w[0].islower() for w in words)


def context_lines(context: list[ScoredSentence]) -> str:
    """The chosen source sentences, one line per passage in rank order, in the asker's language where a
    machine translation exists (the small model answers better from it; facts are checked against the
    originals and their human translations, never against a machine translation). Unnumbered: a small model
    given "[1]" labels tends to answer with a label instead of the fact (code cites anyway)."""
    by_passage: dict[int, list[ScoredSentence]] = {}
    for sentence in context:
        by_passage.setdefault(sentence.passage.rank, []).append(sentence)
    return "\n".join(
        "- " + " ".join(s.translation or s.text for s in sorted(group, key=lambda s: s.position))
        for _, group in sorted(by_passage.items())
    )


def judge_messages(context: list[ScoredSentence], question: str, previous: str | None) -> list[BaseMessage]:
    """The LLM's question whether `context` answers `question` (see `judge_prompt`)."""
    return judge_prompt().format_messages(sources=context_lines(context), question=question_block("en", question, previous))


class VerifiedGeneration:
    """Iterate to receive verified sentences (with citation markers); then read `refused` / `failure`."""

    def __init__(
        self, chat: BaseChatModel, lang: str, question: str, previous: str | None, context: list[ScoredSentence],
        embeddings: ParagraphEmbeddings, citations: CitationList, after_judgement: bool = False,
    ):
        """`after_judgement`: the LLM has just judged (`judge_messages`) that `context` answers `question`; the
        answer continues that conversation."""
        self.chat = chat
        self.lang = lang
        self.asked = content_terms(question, lang)  # what a sentence must go beyond (see `_carries_sources`)
        self.question = question
        self.kind = answer_type(question)
        sources = context_lines(context)
        alone = answer_prompt(lang).format_messages(sources=sources, question=question_block(lang, question, previous))
        self.messages, self._retry = alone, None
        if after_judgement:  # after its "yes" the model sometimes only echoes its judgement ("Ja, het text geeft de
            # antwoord."): then it is asked once more, with the answer's own prompt
            self.messages = answer_after_judgement_prompt(lang).format_messages(
                sources=sources, question=question_block("en", question, previous)
            )
            self._retry = alone
        self._remarks = 0  # replies that were only a remark about the text
        self.context = context
        self.embeddings = embeddings
        self.citations = citations
        self.sentences: list[str] = []
        self.refused = False
        self.failure: str | None = None
        self.first_token_at: float | None = None  # perf_counter() when the model gave its first token
        self._shown = 0  # sentences passed on so far (none until one holds what is asked, when the quotes hold it)
        self._asked_is_quoted = self.kind is not AnswerType.OTHER and any(
            holds(text, self.kind, question) for s in context for text in (s.text, s.translation) if text
        )

    def __iter__(self) -> Iterator[str]:
        yield from self._answer(self.messages)
        if self._retry is not None and self._remarks and not self.sentences and not self.refused and not self.failure:
            yield from self._answer(self._retry)
            if self.refused:  # the judgement has found the answer in the sources: the quotes stand
                self.refused, self.failure = False, f"{NO_ANSWER} when asked again"
        if not self.sentences and not self.refused and not self.failure:
            self.failure = "empty answer"
        elif not self.refused and not self.failure and self._shown < len(self.sentences):
            self.failure = f"no {self.kind.value} in the answer, while the quotes hold one"

    def _answer(self, messages: list[BaseMessage]) -> Iterator[str]:
        """The checked sentences of the model's reply to `messages`, until one fails."""
        buffer = ""
        for chunk in self.chat.stream(messages):
            if self.first_token_at is None:
                self.first_token_at = time.perf_counter()
            buffer += chunk.content
            pieces = split_sentences(buffer, self.lang)
            for sentence in pieces[:-1]:
                yield from self._checked(sentence)
                if self.refused or self.failure:
                    return
            buffer = pieces[-1] if pieces else ""
        if buffer.strip():
            yield from self._checked(buffer)

    def _checked(self, raw: str) -> Iterator[str]:
        sentence = without_judgement(MARKERS.sub("", raw).strip())
        if says_no_answer(sentence):
            self.refused = not self.sentences
            if self.sentences:
                self.failure = "the model gave up halfway"
            return
        if not sentence:
            self._remarks += 1
            return
        if "?" in sentence:
            self.failure = f"a question, not an answer: {sentence}"
            return
        if not_a_sentence(sentence):
            self.failure = f"not a sentence: {sentence}"
            return
        lang = detect_language(sentence) if len(sentence.split()) >= _MIN_WORDS_TO_CHECK_LANGUAGE else UNKNOWN
        if lang not in (self.lang, UNKNOWN):
            self.failure = f"answer in {lang}, not {self.lang}"
            return
        sources = self._supporting_passages(sentence)
        if sources is None:
            self.failure = f"unsupported ({', '.join(self._in_no_source(sentence)) or 'not in one or two passages'}): {sentence}"
            return
        if not self._carries_sources(sentence, [passage for passage, _ in sources]):
            self.failure = f"nothing from its sources beyond the question: {sentence}"
            return
        markers = "".join(f" [{self.citations.cite(p, s)}]" for p, s in sources)
        self.sentences.append(sentence + markers)
        if self._shown or not self._asked_is_quoted or holds(sentence, self.kind, self.question):
            yield ("" if self._shown == 0 else " ") + " ".join(self.sentences[self._shown:])
            self._shown = len(self.sentences)

    def _carries_sources(self, sentence: str, passages: list[Passage]) -> bool:
        """Whether `sentence` holds a content word or number, not in the question, that a version of `passages` in the
        answer's language holds too: a restated question or a remark about "the text" does not. When no version is in
        that language (words cannot be compared across languages), it must still add a word or number to the question's:
        "The Dutch court ruled on the temporary law." says nothing to "Which Dutch court ruled on the temporary law?"."""
        added = content_terms(sentence, self.lang) - self.asked
        readings = [v.text for p in passages for v in p.readings() if v.lang == self.lang]
        return bool(added & content_terms(" ".join(readings), self.lang)) if readings else bool(added)

    def _in_no_source(self, sentence: str) -> list[str]:
        """The numbers and names of `sentence` that none of the passages answered from holds (for the failure's reason)."""
        return self._unsupported_by(sentence, list({s.passage.chunk_id: s.passage for s in self.context}.values()))

    def _unsupported_by(self, sentence: str, passages: list[Passage]) -> list[str]:
        """What `sentence` states that `passages` (with their human translations) do not, a capitalised common word
        of their machine translations and the question's names aside (`core.guard.unsupported`)."""
        texts = [v.text for p in passages for v in (p, p.translation) if v is not None]
        machine = [p.machine_translation.text for p in passages if p.machine_translation]
        return unsupported(sentence, texts, machine, self.lang, self.question)

    def _supporting_passages(self, sentence: str) -> list[tuple[Passage, str]] | None:
        """The passage(s) that hold every fact of `sentence`, most similar first, each with its closest
        source sentence; None when no one or two passages do."""
        vector = self.embeddings.embed_passages([sentence])[0]
        best: dict[str, tuple[float, ScoredSentence]] = {}
        for source in self.context:
            similarity = float(vector @ source.vector)
            key = source.passage.chunk_id
            if key not in best or similarity > best[key][0]:
                best[key] = (similarity, source)
        ranked = sorted(best.values(), key=lambda item: item[0], reverse=True)
        for size in (1, 2):
            for group in combinations(ranked, size):
                if not self._unsupported_by(sentence, [s.passage for _, s in group]):
                    return [(s.passage, s.text) for _, s in group]
        return None



