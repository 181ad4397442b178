"""Answerability decided by code, on hand-made passages (fast, no models)."""

import numpy as np

from assistant.answer import Passage
from assistant.evidence import ScoredSentence, choose_sentences, unanswered


def passage(text: str, dense: float = 0.86, rank: int = 1) -> Passage:
    return Passage(chunk_id=f"d:{rank}", doc_id="d", title="t", date=None, kind="k", lang="nl", paragraph=rank,
                   text=text, score=dense, rank=rank, dense_score=dense)


def sentence(p: Passage, text: str, score: float, position: int = 0) -> ScoredSentence:
    return ScoredSentence(p, text, score, np.zeros(3), position)


TERMS = {"2016", "2019", "12"}


def test_an_off_topic_question_is_unanswered():
    p = passage("De werkgroep komt samen.", dense=0.78)
    assert unanswered("Wie won de Tour?", [p], [sentence(p, p.text, 0.8)], TERMS)


def test_a_year_that_occurs_nowhere_in_the_documents_is_unanswered():
    p = passage("In 2019 werd een verklaring ondertekend.")
    assert unanswered("Wat gebeurde er in 2022?", [p], [sentence(p, p.text, 0.9)], TERMS)
    assert not unanswered("Wat gebeurde er in 2019?", [p], [sentence(p, p.text, 0.9)], TERMS)


def test_a_quantity_needs_a_number_that_is_not_a_year_nor_the_three_countries():
    p = passage("In 2019 hebben onze drie landen een verklaring ondertekend.")
    assert unanswered("Hoeveel slachtoffers werden in 2019 geïdentificeerd?", [p], [sentence(p, p.text, 0.9)], TERMS)
    q = passage("Er werden 12 gezamenlijke opleidingen georganiseerd.")
    assert not unanswered("Hoeveel opleidingen werden georganiseerd?", [q], [sentence(q, q.text, 0.9)], TERMS)
    r = passage("De burgemeester kan een zaak voor zes maanden sluiten.")
    assert not unanswered("Hoe lang mag een burgemeester een zaak sluiten?", [r], [sentence(r, r.text, 0.9)], TERMS)


def test_the_best_sentence_comes_with_its_better_neighbour_in_reading_order():
    p, other = passage("A. B. C.", rank=1), passage("D.", rank=2)
    ranked = [sentence(p, "B.", 0.90, 1), sentence(other, "D.", 0.85), sentence(p, "C.", 0.84, 2), sentence(p, "A.", 0.80, 0)]
    assert [s.text for s in choose_sentences(ranked)] == ["B.", "C."]
