"""What the small model says about the text instead of answering: remarks are dropped, a lacking answer is a refusal."""

import pytest

from assistant.generative import not_a_sentence, says_no_answer, without_judgement


@pytest.mark.parametrize("sentence", [
    "NO_ANSWER", "NO_ANSWER.",
    "The text does not provide the answer to the question.",
    "The text does not provide information about chambers of the Dutch parliament where motions were raised.",
    "De tekst geeft geen antwoord op de vraag.",
    "Le texte ne mentionne pas la date de la mise à jour.",
    "Les sources n'indiquent pas qui a signé la déclaration.",
])
def test_saying_the_text_lacks_the_answer_is_no_answer(sentence):
    assert says_no_answer(sentence)


@pytest.mark.parametrize("sentence", [
    "The AI Act does not apply to private companies.",
    "The document does not apply to private companies.",  # what the document is, not whether it answers
    "Le texte mentionne des échanges d'expérience avec des pays situés hors du Benelux.",
    "De wet geeft geen recht op inzage.",
])
def test_an_answer_that_says_no_is_an_answer(sentence):
    assert not says_no_answer(sentence)


@pytest.mark.parametrize("remark", [
    "Le texte répond à la question en question.", "The text answers the question.", "De tekst beantwoordt de vraag.",
    "Le texte donne l'information demandée.", "Yes, the text provides the answer to the question.",
    "The text does give the answer to the question.",
])
def test_a_remark_that_the_text_answers_says_nothing(remark):
    assert without_judgement(remark) == ""


def test_what_follows_a_remark_is_kept():
    assert without_judgement("Le texte indique que la réunion a eu lieu à Anvers.") == "La réunion a eu lieu à Anvers."
    assert without_judgement("Le texte répond à la question de savoir qui signe.") == "Le texte répond à la question de savoir qui signe."


@pytest.mark.parametrize("sentence", ["OUIANS.", "Zwitserland.", "Pag-Asa, Sürya, Payoke 2019 2016."])
def test_one_word_or_a_run_of_names_is_not_a_sentence(sentence):
    assert not_a_sentence(sentence)


@pytest.mark.parametrize("sentence", ["14 dagen", "Het duurt 14 dagen.", "Koen Geens signed it."])
def test_a_short_statement_is_a_sentence(sentence):
    assert not not_a_sentence(sentence)
