"""Answer types, statements, evidence choice and the answerability model (fast: no models)."""

import numpy as np
import pytest

from assistant.answer import Passage
from assistant.answer_types import AnswerType, answer_type, holds, is_statement, question_parts
from assistant.answerability import (
    DEFAULT_PARAMETERS, EXTRACTIVE_FEATURES, Signals, fit_fallback_threshold, fit_model, load_model,
)
from assistant.evidence import ScoredSentence, choose_sentences, holders_first
from core.text import content_terms


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Wanneer werd de tweede intentieverklaring ondertekend?", AnswerType.DATE),
        ("Quand la déclaration a-t-elle été signée ?", AnswerType.DATE),
        ("Who signed the declaration for Luxembourg?", AnswerType.ENTITY),
        ("Qui a signé la déclaration ?", AnswerType.ENTITY),
        ("Waar vond de eerste bijeenkomst plaats?", AnswerType.PLACE),
        ("Dans quelle ville la réunion a-t-elle eu lieu ?", AnswerType.PLACE),
        ("Hoeveel meldingen ontving het meldpunt?", AnswerType.QUANTITY),
        ("Combien de temps les données sont-elles conservées ?", AnswerType.QUANTITY),
        ("How long did the contacts exist?", AnswerType.QUANTITY),
        ("Why does the app use Bluetooth?", AnswerType.OTHER),
        ("Wat is het e-mailadres van de helpdesk?", AnswerType.EMAIL),
        ("À quelle adresse e-mail peut-on écrire ?", AnswerType.EMAIL),
        ("Quel numéro faut-il appeler pour de l'aide ?", AnswerType.PHONE),
        ("Op welk telefoonnummer kun je misbruik melden?", AnswerType.PHONE),
        ("What number of victims was identified?", AnswerType.QUANTITY),
        ("Quel pourcentage de la population a installé l'application ?", AnswerType.PERCENTAGE),
        ("Hoeveel heeft de ontwikkeling van de app gekost?", AnswerType.MONEY),
        ("How much EU funding did the project receive?", AnswerType.MONEY),
        ("On which website can you look up your test result?", AnswerType.WEBSITE),
        ("Hoe kun je ongewenste datakosten voorkomen?", AnswerType.OTHER),
        ("In welke maand is versie 2.0 uitgebracht?", AnswerType.DATE),
        ("Quelle entreprise a réalisé l'audit ?", AnswerType.ENTITY),
        ("What was the budget of the awareness campaign?", AnswerType.MONEY),
        ("Tot hoe laat is de helpdesk elke dag bereikbaar?", AnswerType.TIME_OF_DAY),
        ("Jusqu'à quelle heure le service est-il joignable ?", AnswerType.TIME_OF_DAY),
        ("What time of year is the report published?", AnswerType.OTHER),
        # "qui", "when", "wanneer", ... ask only where they open the question or its second part
        ("Quels types d'informations trouve la brochure pour les intervenants qui rencontrent des victimes ?", AnswerType.OTHER),
        ("Is a DPIA always required when an organisation processes criminal records data?", AnswerType.OTHER),
        ("Hoe noem je het wanneer een chatbot verkeerde informatie geeft?", AnswerType.OTHER),
        ("Door wie is het Impact Assessment opgesteld?", AnswerType.ENTITY),
        ("Jusqu'à quand la mesure s'applique-t-elle ?", AnswerType.DATE),
        ("D'où vient le financement ?", AnswerType.PLACE),
        ("What did the partners agree to produce, and when was it expected?", AnswerType.DATE),
        ("Selon le communiqué, qui a signé pour le Luxembourg ?", AnswerType.ENTITY),
        # the kind of body asked for can come after an adjective or two, and end a Dutch compound
        ("Bij de activiteiten van welke Europese opleidingsinstantie zouden trainingen kunnen aanhaken?", AnswerType.ENTITY),
        ("Which European training agency could joint courses build on?", AnswerType.ENTITY),
        ("À quelle agence européenne les formations pourraient-elles se rattacher ?", AnswerType.ENTITY),
        ("Welke Europese landen doen mee?", AnswerType.OTHER),
        # a service, ministry, committee, court or unit asked for is an organisation too
        ("Welke Luxemburgse politiedienst heeft een eenheid voor cybercriminaliteit?", AnswerType.ENTITY),
        ("Welk ministerie beheert het Algoritmekader?", AnswerType.ENTITY),
        ("Which Dutch court ruled on the temporary law?", AnswerType.ENTITY),
        ("Quel service de police recueille des preuves en ligne ?", AnswerType.ENTITY),
        ("Between which types of services should cooperation grow?", AnswerType.OTHER),  # kinds of services, not one
    ],
)
def test_answer_types(question, kind):
    assert answer_type(question) is kind


@pytest.mark.parametrize(
    "question, parts",
    [
        ("In welke stad vond de bijeenkomst plaats, en waarover ging de rondetafel?",
         ["In welke stad vond de bijeenkomst plaats", "waarover ging de rondetafel?"]),
        ("On what date was the seminar held, and on which day was the declaration signed?",
         ["On what date was the seminar held", "on which day was the declaration signed?"]),
        ("Quel pays a pris la tête d'EMPACT, et quel service a renforcé ses effectifs ?",
         ["Quel pays a pris la tête d'EMPACT", "quel service a renforcé ses effectifs ?"]),
        ("Hoeveel landen deden mee, en hoeveel experts waren er?", ["Hoeveel landen deden mee", "hoeveel experts waren er?"]),
        ("Waar vond het overleg plaats en waarschijnlijk ook de opleiding?",  # "waar..." that asks nothing
         ["Waar vond het overleg plaats en waarschijnlijk ook de opleiding?"]),
        ("Which ministers signed and when?", ["Which ministers signed and when?"]),  # too short to be a question of its own
        ("Wie werkten samen en wisselden informatie uit?", ["Wie werkten samen en wisselden informatie uit?"]),
    ],
)
def test_a_compound_question_is_cut_into_the_questions_it_asks(question, parts):
    assert question_parts(question) == parts


def test_holds_looks_beyond_what_the_question_says():
    assert holds("Les données sont supprimées après trois ans.", AnswerType.QUANTITY, "Combien de temps ?")
    assert not holds("Les données sont supprimées après un délai.", AnswerType.QUANTITY, "Combien de temps ?")
    assert holds("De verklaring werd op 19 maart 2016 ondertekend.", AnswerType.DATE)
    assert not holds("De verklaring werd ondertekend door de ministers.", AnswerType.DATE)
    assert holds("Namens Luxemburg tekende Félix Braz.", AnswerType.ENTITY, "Wie tekende namens Luxemburg?")
    assert not holds("Namens Luxemburg werd getekend.", AnswerType.ENTITY, "Wie tekende namens Luxemburg?")
    assert not holds("En Suisse, l'application est désactivée.", AnswerType.ENTITY, "Qui gère l'application suisse ?")
    assert not holds("De app werd in 2020 gelanceerd.", AnswerType.DATE, "Wat gebeurde er in 2020?")


def test_numbers_that_count_nothing_do_not_answer_how_many():
    question = "Hoeveel mensen hebben de hulplijn gebeld?"
    assert not holds("Bel de hulplijn op 0800-1508 (gratis), maandag tot vrijdag 8.00 - 20.00 uur.", AnswerType.QUANTITY, question)
    assert not holds("Eindverslag Onderzoek CoronaMelder (24 maart 2021).", AnswerType.QUANTITY, question)
    assert holds("Tot nu toe belden 1200 mensen de hulplijn.", AnswerType.QUANTITY, question)
    assert holds("Er zijn twee experts betrokken.", AnswerType.QUANTITY, "Combien d'experts ont participé ?")
    assert not holds("De drie landen werken samen.", AnswerType.QUANTITY, "Combien d'experts ont participé ?")


@pytest.mark.parametrize(
    "kind, holder, other",
    [
        (AnswerType.EMAIL, "Stuur een e-mail naar helpdesk@coronamelder.nl.", "Stuur ons een e-mail via het formulier."),
        (AnswerType.PHONE, "Bel de Digi-hulplijn op 0800-1508 (gratis).", "Bel de Digi-hulplijn op werkdagen."),
        (AnswerType.PERCENTAGE, "L'application fonctionne sur 99 % des téléphones.", "L'application fonctionne sur la plupart des téléphones."),
        (AnswerType.MONEY, "The project received 2 million euros.", "The project received 2 grants."),
        (AnswerType.WEBSITE, "Look it up on GGD.nl with your postcode.", "Look it up on the website with your postcode."),
        (AnswerType.TIME_OF_DAY, "Openingstijden maandag t/m zondag 08.00 – 20.00 uur.", "Bel de helpdesk op 0800-1280 (gratis)."),
        (AnswerType.TIME_OF_DAY, "Le service est ouvert de 8h à 20h.", "Le service est ouvert tous les jours, sauf les jours fériés."),
    ],
)
def test_a_fixed_form_is_held_only_when_it_is_written_out(kind, holder, other):
    assert holds(holder, kind) and not holds(other, kind)


@pytest.mark.parametrize(
    "sentence",
    [
        "En savoir plus : https://www.coronamelder.nl/fr/faq",
        "Wat moet ik doen als ik een melding krijg?",
        "Samenwerking met andere landen",
        "19 maart 2016",
        "Home > Veelgestelde vragen > Privacy",
        "Zie ook: Waarom moeten mijn locatie-instellingen aan staan op mijn Android-telefoon?.",
        "Lire aussi : Que dois-je faire si je reçois une notification de CoronaMelder",
    ],
)
def test_what_is_not_a_statement(sentence):
    assert not is_statement(sentence)


def test_statements():
    assert is_statement("De app werkt op 98% van alle telefoons.")
    assert is_statement("Les données sont supprimées après trois ans.")


def scored(passage, text, score, position):
    return ScoredSentence(passage, text, score, score, np.zeros(2), position)


def passage(rank, chunk_id):
    return Passage(chunk_id=chunk_id, doc_id="d.txt", title="T", date=None, kind="faq", lang="fr", paragraph=rank,
                   text="…", score=0.9, rank=rank, dense_score=0.9)


def test_the_answer_lower_in_the_best_passage_is_found():
    first, second = passage(1, "a"), passage(2, "b")
    ranked = [
        scored(first, "Vos données sont conservées pendant une durée limitée.", 0.90, 0),
        scored(second, "La conservation des données est encadrée par la loi.", 0.87, 0),
        scored(first, "Elles sont ensuite effacées de façon sûre.", 0.87, 1),
        scored(first, "Cette durée est de trois ans au maximum.", 0.86, 3),
        scored(first, "Combien de temps gardez-vous mes données ?", 0.95, 4),
    ]
    chosen = choose_sentences(ranked, AnswerType.QUANTITY, "Combien de temps gardez-vous mes données ?")
    assert [s.text for s in chosen] == [
        "Vos données sont conservées pendant une durée limitée.", "Elles sont ensuite effacées de façon sûre.",
        "Cette durée est de trois ans au maximum.",
    ]
    assert all(s.passage is first for s in chosen)  # the other passage scores lower and adds no answer


def test_a_question_about_an_address_is_answered_from_its_line_or_not_at_all():
    first = passage(1, "a")
    link = scored(first, "Meer informatie: www.coronatest.nl", 0.86, 3)
    ranked = [scored(first, "Je kunt je testuitslag online bekijken.", 0.90, 0), link]
    assert link in choose_sentences(ranked, AnswerType.WEBSITE)  # a link line, quoted because it holds the answer
    assert choose_sentences(ranked[:1], AnswerType.WEBSITE) == []  # no website anywhere: nothing to quote
    far = scored(first, "Meer informatie: www.coronatest.nl", 0.70, 3)  # a website, but far from the question
    assert choose_sentences([ranked[0], far], AnswerType.WEBSITE) == []
    assert link not in choose_sentences(ranked, AnswerType.OTHER)


def test_passages_that_hold_the_asked_form_come_first():
    first, second, third = passage(1, "a"), passage(2, "b"), passage(3, "c")
    second.text = "Bel 0800-1280 als je hulp nodig hebt."
    reordered = holders_first([first, second, third], AnswerType.PHONE)
    assert [(p.chunk_id, p.rank) for p in reordered] == [("b", 1), ("a", 2), ("c", 3)]
    assert holders_first([first, second, third], AnswerType.OTHER) == [first, second, third]


def test_passages_that_hold_the_date_asked_come_first_among_those_searched_for_sentences():
    """bundled tune nl-003: "Wanneer zou de brochure verschijnen?" ranked the passage saying "eind november" third,
    below two about the brochure's contents, and the answer quoted those."""
    first, second, third, fourth = passage(1, "a"), passage(2, "b"), passage(3, "c"), passage(4, "d")
    third.text = "La brochure sera disponible fin novembre 2016."
    fourth.text = "La réunion a eu lieu le 2 décembre 2016."
    reordered = holders_first([first, second, third, fourth], AnswerType.DATE)
    assert [(p.chunk_id, p.rank) for p in reordered] == [("c", 1), ("a", 2), ("b", 3), ("d", 4)]
    undated = passage(3, "e")
    assert holders_first([first, second, undated, fourth], AnswerType.DATE) == [first, second, undated, fourth]  # 4th: not searched


def test_other_passages_are_quoted_only_when_they_score_as_well():
    first, second, third = passage(1, "a"), passage(2, "b"), passage(3, "c")
    ranked = [scored(first, "Het meldpunt werkt samen met de politie.", 0.90, 0),
              scored(second, "Het meldpunt is opgericht door de gemeente.", 0.895, 0),
              scored(third, "De gemeente financiert de opvang van slachtoffers.", 0.87, 0)]
    assert [s.passage for s in choose_sentences(ranked)] == [first, second]


def test_the_shipped_model_loads_and_a_fit_separates_what_it_was_given(tmp_path):
    model, calibrated = load_model(tmp_path / "none.json")
    assert not calibrated and model.features == EXTRACTIVE_FEATURES
    assert load_model(DEFAULT_PARAMETERS)[0].threshold == model.threshold
    rng = np.random.default_rng(0)

    def signals(answerable):
        shift = 0.04 if answerable else 0.0
        return Signals(standout=0.03 + shift + rng.normal(0, 0.01), gap=rng.normal(0.01, 0.005), cross_lingual=0.0,
                       coverage=0.3 + 5 * shift + rng.normal(0, 0.05), evidence=0.85 + rng.normal(0, 0.01),
                       type_missing=float(not answerable and rng.random() < 0.5), unknown_terms=0.0)

    labels = [True] * 60 + [False] * 20
    fitted = fit_model([signals(a) for a in labels], labels, 0.05, "synthetic")
    fitted.save(tmp_path / "answerability.json")
    again, calibrated = load_model(tmp_path / "answerability.json")
    assert calibrated and again == fitted
    test = [signals(a) for a in labels]
    false_refusals = sum(again.probability(s) < again.threshold for s, a in zip(test, labels) if a) / 60
    refusals = sum(again.probability(s) < again.threshold for s, a in zip(test, labels) if not a) / 20
    assert false_refusals <= 0.15 and refusals >= 0.7


def test_a_fit_keeps_each_signal_to_its_direction():
    """A missing date or name that happens to go with answerable questions in the set fitted on does not make
    an answer more likely: its weight stays at zero or below; a signal that does point the right way keeps its weight."""
    rng = np.random.default_rng(1)
    labels = [True] * 40 + [False] * 20
    observed = [Signals(standout=0.05 + 0.03 * a + rng.normal(0, 0.01), gap=0.01, cross_lingual=0.0, coverage=0.5,
                        evidence=0.85, type_missing=float(a and rng.random() < 0.6), unknown_terms=0.0) for a in labels]
    fitted = fit_model(observed, labels, 0.05, "synthetic")
    weight = dict(zip(fitted.features, fitted.weights))
    assert weight["type_missing"] <= 0 < weight["standout"]


def test_a_damaged_calibration_file_is_a_clear_error(tmp_path):
    (tmp_path / "answerability.json").write_text("{}")
    with pytest.raises(ValueError, match="calibrate"):
        load_model(tmp_path / "answerability.json")


def test_a_model_needs_both_kinds_of_questions():
    with pytest.raises(ValueError, match="unanswerable"):
        fit_model([Signals(0, 0, 0, 0, 0, 0, 0)] * 3, [True] * 3, 0.05, "x")


def test_question_words_are_not_content_terms():
    """"Quelle" is no sign the documents know the subject, even when a translated heading asks "Quelles sont ...?"."""
    assert content_terms("Quelle est la capitale de l'Australie ?", "fr") == content_terms("la capitale de l'Australie", "fr")
    assert not content_terms("Wie, wat, waar, wanneer en hoeveel?", "nl")
    assert content_terms("Which minister signed, and when?", "en") == content_terms("minister signed", "en")


def test_the_fallback_threshold_refuses_failed_answers_where_more_of_them_were_unanswerable():
    failed = [(0.1, False), (0.2, True), (0.3, False), (0.35, False), (0.6, True), (0.7, True), (0.9, False)]
    cut = fit_fallback_threshold(failed)
    assert 0.35 < cut < 0.6  # below it 3 unanswerable and 1 answerable: the most more
    assert 0.1 < fit_fallback_threshold([(0.1, False), (0.2, True), (0.3, False)]) < 0.2  # of equal cuts the lowest
    assert fit_fallback_threshold([(0.1, True), (0.2, False), (0.8, True)]) is None  # no cut refuses more of them
    assert fit_fallback_threshold([]) is None
