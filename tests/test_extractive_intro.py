"""The extractive answer says in which language its quotes are, and says "only" only when it is true."""

import numpy as np

from assistant.answer import Passage
from assistant.citations import CitationList
from assistant.evidence import ScoredSentence
from assistant.extractive import extractive_text


def _quote(text, lang, versions, translation=None, rank=1):
    passage = Passage(f"c{rank}", "doc", "Title", None, "kind", lang, rank, text, 1.0, rank, versions=versions)
    return ScoredSentence(passage, text, 1.0, 0.9, np.zeros(2), 0, translation)


def test_quotes_from_a_dutch_only_passage_say_only_in_dutch_and_carry_their_machine_translation():
    text = extractive_text([_quote("De werkgroep vergadert maandelijks.", "nl", ["nl"], "Le groupe se réunit chaque mois.")], "fr", CitationList())
    assert text.startswith("Cette information ne figure qu'en néerlandais")
    assert "(traduction automatique : « Le groupe se réunit chaque mois. »)" in text


def test_a_passage_the_documents_also_have_in_french_is_not_only_in_dutch():
    text = extractive_text([_quote("De werkgroep vergadert maandelijks.", "nl", ["fr", "nl"])], "en", CitationList())
    assert "only" not in text and text.startswith("The documents say this in")


def test_a_french_quote_beside_a_dutch_one_is_not_called_dutch():
    chosen = [_quote("Une conférence a eu lieu en 2019.", "fr", ["fr", "nl"]), _quote("De werkgroep vergadert.", "nl", ["nl"], rank=2)]
    text = extractive_text(chosen, "fr", CitationList())
    assert "ne figure qu'en" not in text and text.startswith("Selon les documents (en partie en néerlandais)")
