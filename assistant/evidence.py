"""Which retrieved sentences answer the question.

Sentences are scored by e5 similarity to the question (their vectors are stored at ingest time), with a
small bonus for shared words and for the passage's rank. Only statements are quoted (not questions,
headings, which are lines of their own without a sentence end, link lines or bare dates; but a line with the
e-mail address, phone number, percentage, sum of money, website or time of day asked for, and nothing when no sentence
close enough to quote has it): the best one with its better neighbour,
those of the next best that score as well (quoting one passage only lifted citation precision from 0.60 to
0.65 on the tuning questions but cost 0.10 of answer accuracy), and, when the question asks for a date, a
name, a place or a quantity that none of these holds, the best-scoring sentence that holds one and scores
nearly as well (`_CARRIER_MARGIN`), first from the same passage. When the best passage's quotes hold what is
asked, another passage's sentence is quoted only if it holds it too; and another passage is quoted at all only
when retrieval scored it nearly as well as the best sentence's (`_RETRIEVAL_SCORE_MARGIN`), or when it is of the same
document and holds what is asked (a story's later paragraph says where the person its first names lives); quotes come from two
passages at most, those that hold what is asked first, then the best-ranked (`_PASSAGES_QUOTED`), and the second only
when its quotes name something the question asks about that the first one's do not (`_adds_to`), and not when the first's
hold the date, place, quantity or form asked and its own hold none. When the best sentence
and another of the closest are items of one list, the list is what answers: all its items are quoted, with the
line that introduces it (the declaration's tasks of the ad hoc group: one item quoted said neither whose tasks these
were nor the others); so is it when the best sentence is that line. A sentence that opens by pointing back at the one
before it ("Dan krijg je geen melding", "Nee, ...", "Dans ce cas, ...") comes with that one, even when it is a question:
an FAQ's answer says nothing without it; one that goes on from a quoted one ("Of bij een nieuwe coronavariant ...")
comes after it, and so do the other sentences of a quoted list item.
Whether the documents answer at all is decided in `answerability`.
"""

import re
from collections.abc import Container
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer import Passage
from assistant.answer_types import FORMS, AnswerType, holds, is_statement
from core.records import StoredSentence
from core.sentences import is_heading_in, is_list_item
from core.text import analyze, content_terms, numbers
from vectorstore.store import ParagraphStore

_PASSAGES_SEARCHED = 3
# Quotes come from two passages at most (those holding what is asked first, then the best-ranked): a third was most
# often off the point. Extractive citation precision on the tuning halves, bundled / coronamelder-faq, with three
# 0.734 / 0.676, with two 0.746 / 0.700, accuracy unchanged; searching two passages only for sentences lifted
# precision more (0.767 / 0.716) but lost answers on every test half.
_PASSAGES_QUOTED = 2
_OTHER_PASSAGE_MARGIN = 0.02  # another passage's sentence is quoted only if it scores this close to the best
# The sentence holding the date, name, place or quantity asked can sit a few sentences below the best one, in its
# passage or the next (on the tuning halves, extractive accuracy: with 0.02 for another passage's sentence, faq 0.679 and
# bundled 0.708; with 0.06 for any, 0.717 and 0.708; 0.08 refused one unanswerable question fewer)
_CARRIER_MARGIN = 0.06
_CLOSE_CANDIDATES = 3  # sentences quoted at most before the neighbour and the answer carrier
# Another passage is quoted only when retrieval scored it (`Passage.score`) this close to the passage of the best sentence,
# or better: a sentence as close to the question in a passage that ranked well below is most often off the point. Tuning
# halves, extractive accuracy / citation precision, bundled and coronamelder-faq: no margin 0.750 / 0.691, 0.811 / 0.662;
# 0.04 0.750 / 0.701, 0.811 / 0.662; 0.02 0.750 / 0.746, 0.792 / 0.694; 0.01 0.729 / 0.763, 0.792 / 0.716.
_RETRIEVAL_SCORE_MARGIN = 0.02
# A sentence that opens by pointing back at the one before it means nothing without it: an FAQ's "Fietste iemand
# voorbij? Dan krijg je geen melding", "Vous étiez assis(e) près de quelqu'un au cinéma ? Dans ce cas, ...", "Kan ik
# met CoronaMelder een coronabewijs maken? Nee, daarvoor bestaat een andere app".
_POINTS_BACK = re.compile(
    r"^(?:dan|in dat geval|zo niet|ja|nee|dans ce cas|en ce cas|sinon|si oui|si non|oui|non|in that case|if so|if not"
    r"|otherwise|yes|no)\b",
    re.IGNORECASE,
)


# A sentence that opens with "or", "and" or "but" goes on from the one before it, which without it says only half: "De app
# kan weer worden aangezet als de situatie daarom vraagt, bijvoorbeeld bij een opleving van het virus. Of bij een nieuwe
# coronavariant die mensen erger ziek maakt." ("En" opens French sentences as a preposition: "En 2016, ...".)
_GOES_ON = {
    "nl": re.compile(r"(?:of|en|maar)\b", re.IGNORECASE),
    "fr": re.compile(r"(?:ou|et|mais)\b", re.IGNORECASE),
    "en": re.compile(r"(?:or|and|but)\b", re.IGNORECASE),
}
# A sentence that introduces a list: it ends with a colon, or a line of it does and short items follow in it ("... bewijs
# je dat je:\n• Volledig gevaccineerd bent", the items too short to be sentences of their own).
_LEADS_IN = re.compile(r":[ \t]*(?:\n|$)")


@dataclass(eq=False)  # compared by identity: one sentence of one retrieval
class ScoredSentence:
    passage: Passage
    text: str
    score: float  # for ranking: similarity with small bonuses
    similarity: float  # cosine between the question and the sentence
    vector: np.ndarray
    position: int  # within its passage
    translation: str | None = None  # its machine translation into the asker's language, when the passage has one

    @property
    def heading(self) -> bool:
        return is_heading_in(self.text, self.passage.text)


def holders_first(passages: list[Passage], kind: AnswerType) -> list[Passage]:
    """For a question about something written in a fixed form (an e-mail address, a phone number, ...), the
    passages that hold one (in any version) before those that do not; for one asking a date, a name, a place or a
    quantity, so among the passages searched for sentences only (the others keep their place); each group in its
    order, renumbered. The latter put the passage holding what is asked first in extractive mode on all six halves or
    changed nothing (tuning halves: bundled accuracy 0.792 -> 0.812, the brochure's "eind november" found; test halves:
    one passage more ranked first on bundled and on public-algorithms)."""
    if kind is AnswerType.OTHER:
        return passages
    reordered = passages if kind in FORMS else passages[:_PASSAGES_SEARCHED]

    def lacks(p: Passage) -> bool:
        return not any(holds(v.text, kind) for v in p.readings())

    ordered = sorted(reordered, key=lacks) + passages[len(reordered):]  # a stable sort: each group keeps its order
    return [replace(p, rank=rank) for rank, p in enumerate(ordered, start=1)]


def _searched(passages: list[Passage]) -> tuple[dict[str, Passage], dict[str, str]]:
    """Of the passages searched for sentences: chunk id → its passage, and machine translation chunk id → its original's."""
    searched = passages[:_PASSAGES_SEARCHED]
    owner = {chunk_id: p for p in searched for chunk_id in p.chunk_ids}
    source_of = {
        twin_id: chunk_id for p in searched if p.machine_translation
        for chunk_id, twin_id in zip(p.chunk_ids, p.machine_translation.chunk_ids)
    }
    return owner, source_of


def stored_sentences(store: ParagraphStore, passages: list[Passage]) -> list[StoredSentence]:
    """The sentences, with their vectors, of the passages searched and of their machine translations (read once, ranked
    for each question a compound question asks)."""
    owner, source_of = _searched(passages)
    return store.sentences_of([*owner, *source_of])


def rank_sentences(
    stored: list[StoredSentence], passages: list[Passage], question: str, lang: str, vector: np.ndarray,
) -> list[ScoredSentence]:
    """The sentences of the best passages (in the versions shown to the user; `stored`, see `stored_sentences`), best
    first. A sentence with a machine translation into the asker's language scores as the better of the two (e5 matches
    same-language text more readily) and carries the translation."""
    owner, source_of = _searched(passages)
    question_words = set(analyze(question, lang))
    translated = {(source_of[s.chunk_id], s.index): s for s in stored if s.chunk_id in source_of}
    scored = []
    positions: dict[str, int] = {}
    for sentence in (s for s in stored if s.chunk_id in owner):
        passage = owner[sentence.chunk_id]
        position = positions[passage.chunk_id] = positions.get(passage.chunk_id, -1) + 1
        versions = [(sentence, passage.lang)]
        twin = translated.get((sentence.chunk_id, sentence.index))
        if twin is not None:
            versions.append((twin, lang))
        overlap = max(len(question_words & set(analyze(v.text, v_lang))) for v, v_lang in versions) / max(len(question_words), 1)
        matched = max((v for v, _ in versions), key=lambda v: float(vector @ v.embedding))
        similarity = float(vector @ matched.embedding)
        score = similarity + 0.02 * overlap - 0.005 * (passage.rank - 1)
        scored.append(ScoredSentence(passage, sentence.text, score, similarity, matched.embedding, position, twin.text if twin else None))
    return sorted(scored, key=lambda s: s.score, reverse=True)


def choose_sentences(
    ranked: list[ScoredSentence], kind: AnswerType = AnswerType.OTHER, question: str = "", lang: str = "en",
) -> list[ScoredSentence]:
    """The statements to quote for `question` (in `lang`), in reading order (see the module docstring); empty when
    there is none."""
    fixed_form = kind in FORMS  # the line with the address or number is quoted whatever its form, and is needed
    statements = [s for s in ranked if is_statement(s.text) and not s.heading or fixed_form and holds(s.text, kind)]
    if not statements or fixed_form and not any(holds(s.text, kind) for s in statements):
        return []
    best = statements[0]
    chosen = [s for s in statements[:_CLOSE_CANDIDATES] if s.score >= best.score - _OTHER_PASSAGE_MARGIN]
    neighbours = [s for s in statements if s.passage is best.passage and abs(s.position - best.position) == 1]
    neighbour = max(neighbours, key=lambda s: s.score, default=None)
    if neighbour is not None and neighbour not in chosen:
        chosen.append(neighbour)
    chosen = [s for s in chosen if _scored_near(s.passage, best.passage)]
    if kind is not AnswerType.OTHER and not any(holds(s.text, kind, question) for s in chosen):
        carriers = [s for s in statements if s not in chosen and holds(s.text, kind, question)]
        close = [
            s for s in carriers
            if s.score >= best.score - _CARRIER_MARGIN and (_scored_near(s.passage, best.passage) or s.passage.doc_id == best.passage.doc_id)
        ]
        chosen += ([s for s in close if s.passage is best.passage] or close)[:1]
    if kind is not AnswerType.OTHER and any(s.passage is best.passage and holds(s.text, kind, question) for s in chosen):
        chosen = [s for s in chosen if s.passage is best.passage or holds(s.text, kind, question)]
    listed = sum(s.passage is best.passage and is_list_item(s.text) for s in statements[:_CLOSE_CANDIDATES]) >= 2
    first_item = _after(best, ranked) if _LEADS_IN.search(best.text) else None
    if listed and is_list_item(best.text) or first_item is not None and is_list_item(first_item.text):
        whole = _list_with_lead_in(best if is_list_item(best.text) else first_item, ranked)
        chosen = [s for s in chosen if s.passage is not best.passage or not is_list_item(s.text)] + whole

    def holds_what_is_asked(rank: int) -> bool:
        return kind is not AnswerType.OTHER and any(s.passage.rank == rank and holds(s.text, kind, question) for s in chosen)

    def answers_alone(first: int, second: int) -> bool:
        # (not for a person or organisation asked: names are read off capitals, so a passage answering with "het AI-bureau"
        # holds none, and one saying "Responsable" or "ChatGPT" holds one)
        return kind is not AnswerType.ENTITY and holds_what_is_asked(first) and not holds_what_is_asked(second)

    quoted = sorted({s.passage.rank for s in chosen}, key=lambda rank: (not holds_what_is_asked(rank), rank))[:_PASSAGES_QUOTED]
    if len(quoted) == 2 and (answers_alone(*quoted) or question and not _adds_to(chosen, *quoted, question, lang)):
        quoted = quoted[:1]
    chosen = [s for s in chosen if s.passage.rank in quoted]
    if fixed_form and not any(holds(s.text, kind) for s in chosen):
        return []  # the address or number asked is in no sentence close enough to quote: another one's is no answer
    chosen += [before for s in chosen if _POINTS_BACK.match(s.text.strip()) and (before := _before(s, ranked)) is not None]
    chosen += [after for s in chosen if (after := _after(s, ranked)) is not None and _goes_on(after)]
    chosen += [rest for s in chosen if is_list_item(s.text) for rest in _rest_of_item(s, ranked)]
    return sorted(set(chosen), key=lambda s: (s.passage.rank, s.position))


def _scored_near(passage: Passage, best: Passage) -> bool:
    """Whether retrieval scored `passage` nearly as well as `best` (`_RETRIEVAL_SCORE_MARGIN`), or better."""
    return passage is best or passage.score >= best.score - _RETRIEVAL_SCORE_MARGIN


def _adds_to(chosen: list[ScoredSentence], first: int, second: int, question: str, lang: str) -> bool:
    """Whether the quotes of the passage ranked `second` name something the question asks about (a content word's
    beginning, in any version of the sentence) that those of the passage ranked `first` do not. A second passage
    saying what the first said was most often off the point: on the tuning halves this lifted extractive citation
    precision, bundled 0.746 -> 0.810, coronamelder-faq 0.700 -> 0.770, with the same answer accuracy."""
    asked = content_terms(question, lang)

    def named(rank: int) -> set[str]:
        quotes = [s for s in chosen if s.passage.rank == rank]
        readings = [(s.text, s.passage.lang) for s in quotes] + [(s.translation, lang) for s in quotes if s.translation]
        return asked & set().union(*(content_terms(text, text_lang) for text, text_lang in readings))

    return bool(named(second) - named(first))


def _before(sentence: ScoredSentence, ranked: list[ScoredSentence]) -> ScoredSentence | None:
    """The sentence before `sentence` in its passage (a question too: it is what the answer's "Dan ..." refers to)."""
    return next((s for s in ranked if s.passage is sentence.passage and s.position == sentence.position - 1), None)


def _after(sentence: ScoredSentence, ranked: list[ScoredSentence]) -> ScoredSentence | None:
    """The sentence after `sentence` in its passage."""
    return next((s for s in ranked if s.passage is sentence.passage and s.position == sentence.position + 1), None)


def _goes_on(sentence: ScoredSentence) -> bool:
    """Whether `sentence` opens with a conjunction that carries on the sentence before it."""
    opening = _GOES_ON.get(sentence.passage.lang)
    return opening is not None and bool(opening.match(sentence.text.strip()))


def _rest_of_item(item: ScoredSentence, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
    """The sentences after the first of a list's item, up to its end (the next item or line break): "• In 2016 nam
    UNODC Goodwill ambassadeur, Ozark Henry, deel aan een Benelux-opleidingsdag ... Het was de eerste keer dat ..."."""
    start = item.passage.text.find(item.text)
    if start < 0:
        return []
    line = item.passage.text[start:].split("\n", 1)[0]
    rest, after = [], _after(item, ranked)
    while after is not None and not is_list_item(after.text) and after.text in line:
        rest.append(after)
        after = _after(after, ranked)
    return rest


def _list_with_lead_in(item: ScoredSentence, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
    """The items of the list `item` is in (the run of items around it in its passage), after the sentence that
    introduces them (a line ending with a colon), if there is one."""
    at = {s.position: s for s in ranked if s.passage is item.passage}
    first = last = item.position
    while first - 1 in at and is_list_item(at[first - 1].text):
        first -= 1
    while last + 1 in at and is_list_item(at[last + 1].text):
        last += 1
    if first - 1 in at and _LEADS_IN.search(at[first - 1].text):
        first -= 1
    return [at[position] for position in range(first, last + 1)]


def unknown_numbers(question: str, corpus_terms: Container[str]) -> list[str]:
    """The numbers the question names (a year, an article) that occur nowhere in the documents."""
    return sorted(number for number in numbers(question) if number not in corpus_terms)
