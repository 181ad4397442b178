"""Evidence chosen by code, on hand-made passages (fast, no models)."""

from dataclasses import replace

import numpy as np

from assistant.answer import Passage
from assistant.answer_types import AnswerType, holds
from assistant.evidence import ScoredSentence, choose_sentences, unknown_numbers


def passage(text: str, dense: float = 0.86, rank: int = 1) -> Passage:
    return Passage(chunk_id=f"d:{rank}", doc_id="d", title="t", date=None, kind="k", lang="nl", paragraph=rank,
                   text=text, score=dense, rank=rank, dense_score=dense)


def sentence(p: Passage, text: str, score: float, position: int = 0) -> ScoredSentence:
    return ScoredSentence(p, text, score, score, np.zeros(3), position)


TERMS = {"2016", "2019", "12"}


def test_a_year_that_occurs_nowhere_in_the_documents_is_caught():
    assert unknown_numbers("Wat gebeurde er in 2022?", TERMS) == ["2022"]
    assert not unknown_numbers("Wat gebeurde er in 2019?", TERMS)


def test_a_quantity_is_a_number_that_is_not_a_year_nor_the_three_countries():
    question = "Hoeveel slachtoffers werden in 2019 geïdentificeerd?"
    assert not holds("In 2019 hebben onze drie landen een verklaring ondertekend.", AnswerType.QUANTITY, question)
    assert holds("Er werden 12 gezamenlijke opleidingen georganiseerd.", AnswerType.QUANTITY, question)
    assert holds("De burgemeester kan een zaak voor zes maanden sluiten.", AnswerType.QUANTITY, "Hoe lang mag dat?")


def test_the_best_sentence_comes_with_its_better_neighbour_in_reading_order():
    p, other = passage("A. B. C.", rank=1), passage("D.", rank=2)
    ranked = [
        sentence(p, "Het tweede zinnetje staat hier.", 0.90, 1), sentence(other, "Een andere passage zegt iets.", 0.85),
        sentence(p, "Het derde zinnetje volgt daarna.", 0.84, 2), sentence(p, "Het eerste zinnetje komt eerst.", 0.80, 0),
    ]
    assert [s.text for s in choose_sentences(ranked)] == ["Het tweede zinnetje staat hier.", "Het derde zinnetje volgt daarna."]


def test_a_close_sentence_of_a_passage_that_retrieval_scored_well_below_is_not_quoted():
    best, close, far = passage("A.", dense=0.88, rank=1), passage("B.", dense=0.87, rank=2), passage("C.", dense=0.84, rank=3)
    ranked = [
        sentence(best, "De werkgroep stelt het voortgangsrapport vast.", 0.90),
        sentence(far, "Het rapport gaat naar het Comité van Ministers.", 0.895),
        sentence(close, "Het voortgangsrapport wordt eind 2017 opgesteld.", 0.89),
    ]
    chosen = [s.text for s in choose_sentences(ranked)]
    assert chosen == ["De werkgroep stelt het voortgangsrapport vast.", "Het voortgangsrapport wordt eind 2017 opgesteld."]


def test_quotes_come_from_the_two_best_ranked_passages_only():
    """The best sentence can be in the third passage (nl-010 of coronamelder-faq: "CoronaMelder wordt tijdelijk
    stopgezet." outscored the answer, "Je moet CoronaMelder handmatig weer aanzetten.", in the second)."""
    first, second, third = (passage(f"{n}.", dense=0.88, rank=n) for n in (1, 2, 3))
    ranked = [
        sentence(third, "CoronaMelder wordt tijdelijk stopgezet.", 0.901),
        sentence(second, "Je moet CoronaMelder handmatig weer aanzetten.", 0.900),
        sentence(first, "Als je de pauzefunctie gebruikt, krijg je geen meldingen.", 0.898),
    ]
    chosen = choose_sentences(ranked)
    assert [s.passage.rank for s in chosen] == [1, 2] and "handmatig" in chosen[1].text


def test_the_date_asked_is_found_in_the_next_passage_when_the_best_holds_none():
    """"Vanaf welke datum wordt de app stopgezet?": the best passage says that it stops, the next one from when."""
    best, next_one, far = passage("A. B.", rank=1), passage("C.", rank=2), passage("D.", rank=3)
    ranked = [
        sentence(best, "De app wordt tijdelijk stopgezet.", 0.90, 0),
        sentence(best, "De app kan later weer worden aangezet.", 0.89, 1),
        sentence(next_one, "Vanaf 22 april 2022 wordt de app tijdelijk stopgezet.", 0.86),
        sentence(far, "Sinds 1 januari 2021 is de app minder gebruikt.", 0.80),
    ]
    chosen = [s.text for s in choose_sentences(ranked, AnswerType.DATE, "Vanaf welke datum wordt de app stopgezet?")]
    assert "Vanaf 22 april 2022 wordt de app tijdelijk stopgezet." in chosen
    assert "Sinds 1 januari 2021 is de app minder gebruikt." not in chosen  # too far below the best to be its answer


def test_the_passage_holding_the_date_asked_is_quoted_alone_when_the_best_holds_none_but_not_so_for_a_name():
    """coronamelder-faq tune nl-039: the best passage says that the app stops, the next one from when; the first's quotes
    were a second citation that did not answer. Names are read off capitals: a passage without one may still answer
    ("het AI-bureau", public-algorithms tune nl-007), so for a person or organisation asked both stay."""
    best, next_one = passage("A. B.", rank=1), passage("C.", rank=2)
    ranked = [
        sentence(best, "CoronaMelder wordt tijdelijk stopgezet.", 0.90, 0),
        sentence(next_one, "Vanaf 22 april 2022 wordt de app tijdelijk stopgezet.", 0.88),
    ]
    chosen = choose_sentences(ranked, AnswerType.DATE, "Vanaf welke datum wordt CoronaMelder tijdelijk stopgezet?", "nl")
    assert [s.text for s in chosen] == ["Vanaf 22 april 2022 wordt de app tijdelijk stopgezet."]
    ranked = [
        sentence(best, "• AI-bureau: houdt toezicht op de bepalingen voor modellen voor algemene doeleinden", 0.90, 0),
        sentence(next_one, "Zo'n model is onderdeel van systemen zoals ChatGPT of Microsoft Copilot.", 0.88),
    ]
    chosen = choose_sentences(ranked, AnswerType.ENTITY, "Welke instantie houdt toezicht op de modellen?", "nl")
    assert [s.passage.rank for s in chosen] == [1, 2]


def test_the_place_asked_is_found_in_a_passage_of_the_same_document_that_retrieval_scored_well_below():
    """coronamelder-faq tune fr-019, "Dans quelle ville habite Esther van Gorkum ?": her story's first passage names her
    in full and ranks first; "Esther woont ... in Arnhem." is in its third. Another document's passage scored as low
    gives no answer carrier."""
    story, answer = passage("A. B.", dense=0.88, rank=1), passage("C.", dense=0.84, rank=2)
    ranked = [
        sentence(story, "Daarom liet lerares Esther van Gorkum zich testen op corona.", 0.90, 0),
        sentence(answer, "Esther woont samen met haar vriend en twee kinderen in Arnhem.", 0.89),
        sentence(story, "Ze was een beetje verkouden en had last van haar keel.", 0.87, 1),
    ]
    question = "Dans quelle ville habite Esther van Gorkum ?"
    assert ranked[1].text in [s.text for s in choose_sentences(ranked, AnswerType.PLACE, question, "fr")]
    ranked[1].passage = replace(answer, doc_id="other", chunk_id="other:2")
    assert ranked[1].text not in [s.text for s in choose_sentences(ranked, AnswerType.PLACE, question, "fr")]


def test_when_the_best_passage_holds_the_date_asked_another_passage_is_quoted_only_if_it_holds_one_too():
    best, second, third = passage("A.", rank=1), passage("B.", rank=2), passage("C.", rank=3)
    question = "Wanneer werden de verklaringen van de ministers ondertekend?"
    ranked = [
        sentence(best, "De verklaring werd op 2 december 2016 ondertekend.", 0.90),
        sentence(second, "De verklaring werd door de drie ministers ondertekend.", 0.89),
        sentence(third, "Een nieuwe verklaring van de ministers volgde op 30 september 2019.", 0.89),
    ]
    chosen = [s.text for s in choose_sentences(ranked, AnswerType.DATE, question, "nl")]
    assert chosen == ["De verklaring werd op 2 december 2016 ondertekend.", ranked[2].text]
    undated = [sentence(best, "De verklaring werd plechtig ondertekend.", 0.90), *ranked[1:]]
    # the best holds no date: the sentence that does is quoted, alone
    assert [s.passage.rank for s in choose_sentences(undated, AnswerType.DATE, question)] == [3]


def test_a_second_passage_is_quoted_only_when_it_names_more_of_what_is_asked():
    """coronamelder-faq tune nl-005: the best passage says the codes are kept 14 days on the phone; the next one says it
    again about other codes, and its quote was a second citation that did not answer."""
    best, second = passage("A.", rank=1), passage("B.", rank=2)
    question = "Hoeveel dagen worden de via bluetooth uitgewisselde codes op je telefoon bewaard?"
    answer = sentence(best, "Die codes zijn dan 14 dagen op jouw telefoon bewaard.", 0.90)
    again = sentence(second, "TEKs worden 14 dagen op de telefoon van de gebruiker bewaard.", 0.89)
    assert choose_sentences([answer, again], AnswerType.QUANTITY, question, "nl") == [answer]
    more = sentence(second, "Via bluetooth worden 14 dagen lang codes uitgewisseld.", 0.89)  # bluetooth, asked about too
    assert choose_sentences([answer, more], AnswerType.QUANTITY, question, "nl") == [answer, more]
    # the quote's machine translation into the asker's language counts as well
    french = replace(second, lang="fr")
    translated = ScoredSentence(french, "Les codes sont échangés par ondes radio.", 0.89, 0.89, np.zeros(3), 0,
                                translation="De codes worden via bluetooth uitgewisseld.")
    assert choose_sentences([answer, replace(translated, translation=None)], AnswerType.OTHER, question, "nl") == [answer]
    assert choose_sentences([answer, translated], AnswerType.OTHER, question, "nl") == [answer, translated]


def test_a_heading_line_is_not_quoted_however_long_but_a_list_after_a_colon_is():
    title = "Dordts gezin: “Dankzij CoronaMelder hebben we geen anderen besmet”"
    story = passage(f"{title}\nVolkomen onverwachts kreeg Len Vliet uit Dordrecht een melding.")
    ranked = [sentence(story, title, 0.90, 0), sentence(story, "Volkomen onverwachts kreeg Len Vliet uit Dordrecht een melding.", 0.88, 1)]
    assert [s.text for s in choose_sentences(ranked)] == ["Volkomen onverwachts kreeg Len Vliet uit Dordrecht een melding."]
    countries = "Vanaf 30 november werkt CoronaMelder samen met de corona-apps uit:\n• Duitsland • Italië • Slovenië"
    listed = passage(f"{countries}\nJe kunt een buitenlandse gebruiker tegenkomen.")
    ranked = [sentence(listed, countries, 0.90, 0), sentence(listed, "Je kunt een buitenlandse gebruiker tegenkomen.", 0.80, 1)]
    assert countries in [s.text for s in choose_sentences(ranked, AnswerType.PLACE, "Met welke landen werkt de app samen?")]


def test_a_list_that_answers_is_quoted_whole_with_the_line_that_introduces_it():
    """Two of the closest sentences are items of one list: all its items are quoted, after its lead-in; an item
    alone that is the best does not bring in the others."""
    tasks = passage("Lead-in: • A • B • C. Na de lijst.")
    lead_in = "De werkgroep wordt belast met de volgende taken:"
    items = [
        "• uitwisselen van goede werkpraktijken tussen de drie landen;",
        "• organiseren van gezamenlijke opleidingen voor eerstelijnspartners;",
        "• instellen van contactpunten om de uitwisseling te vergemakkelijken.",
    ]
    ranked = [
        sentence(tasks, items[1], 0.90, 2), sentence(tasks, items[2], 0.89, 3), sentence(tasks, "Daarna volgt een rapport.", 0.85, 4),
        sentence(tasks, lead_in, 0.84, 0), sentence(tasks, items[0], 0.83, 1),
    ]
    assert [s.text for s in choose_sentences(ranked)][:4] == [lead_in, *items]
    alone = [ranked[0], sentence(tasks, "Daarna volgt een rapport.", 0.89, 4), ranked[3], ranked[4], sentence(tasks, items[2], 0.80, 3)]
    assert lead_in not in [s.text for s in choose_sentences(alone)]


def test_a_sentence_that_points_back_comes_with_the_one_before_it_even_a_question():
    """An FAQ answers "Fietste iemand voorbij? Dan krijg je geen melding": "Dan ..." alone says when not."""
    p = passage("A? B. C.")
    ranked = [
        sentence(p, "Dan krijg je geen melding: jullie waren te kort bij elkaar.", 0.90, 1),
        sentence(p, "Staat er een muur tussen jullie in?", 0.86, 2),
        sentence(p, "Fietste iemand voorbij?", 0.80, 0),
    ]
    assert [s.text for s in choose_sentences(ranked)] == ["Fietste iemand voorbij?", "Dan krijg je geen melding: jullie waren te kort bij elkaar."]
    ranked[0].text = "Je krijgt geen melding: jullie waren te kort bij elkaar."
    assert [s.text for s in choose_sentences(ranked)] == ["Je krijgt geen melding: jullie waren te kort bij elkaar."]


def test_a_sentence_that_introduces_a_list_comes_with_the_list():
    """"Met de CoronaCheck-app bewijs je dat je:" with its first, short, item, then the others: the period asked
    ("Afgelopen 6 maanden") is in an item that alone ranked too low to quote."""
    p = passage("A: • B • C • D. E.")
    lead_in = "Met de CoronaCheck-app bewijs je dat je:\n• Volledig gevaccineerd bent"
    items = ["• Afgelopen 6 maanden hersteld bent van corona", "• Negatief op corona getest bent."]
    ranked = [
        sentence(p, lead_in, 0.90, 0), sentence(p, "Je kunt ook een QR-code aanmaken om mee te reizen.", 0.87, 3),
        sentence(p, items[0], 0.86, 1), sentence(p, items[1], 0.82, 2),
    ]
    assert [s.text for s in choose_sentences(ranked)][:3] == [lead_in, *items]
    ranked[0].text = "Met de CoronaCheck-app bewijs je dat je gevaccineerd bent."  # no lead-in: its neighbour only
    assert items[1] not in [s.text for s in choose_sentences(ranked)]


def test_a_sentence_that_opens_with_or_and_or_but_comes_after_the_one_it_goes_on_from():
    p = passage("A. B. C.")
    goes_on = "Of bij een nieuwe coronavariant die mensen erger ziek maakt."
    ranked = [
        sentence(p, "De app kan weer worden aangezet als de situatie daarom vraagt, bijvoorbeeld bij een opleving.", 0.90, 1),
        sentence(p, "CoronaMelder wordt tijdelijk stopgezet.", 0.86, 0), sentence(p, goes_on, 0.80, 2),
    ]
    assert [s.text for s in choose_sentences(ranked)][-1] == goes_on
    french = replace(p, lang="fr")
    en_2016 = "En 2016, une seconde table ronde fut organisée."  # "en" opens a French sentence as a preposition
    ranked = [
        sentence(french, "Une première réunion fut organisée à Anvers.", 0.90, 1),
        sentence(french, "Les partenaires se sont rencontrés.", 0.86, 0), sentence(french, en_2016, 0.70, 2),
    ]
    assert en_2016 not in [s.text for s in choose_sentences(ranked)]


def test_a_quoted_list_item_comes_whole_to_its_end():
    """bundled tune nl-032, "Wat was er nieuw aan de Benelux-trainingsdag van 2016?": the item's second sentence says."""
    first = "• In 2016 nam Ozark Henry deel aan een Benelux-opleidingsdag voor hulpverleners."
    rest = "Het was de eerste keer dat hulpverleners uit de drie landen samen ervaringen uitwisselden."
    after = "Hulpverleners willen elkaar vaker ontmoeten."
    before = "De Benelux organiseert sinds 2012 opleidingen."
    p = passage(f"{before}\n{first} {rest}\n{after}")
    ranked = [sentence(p, first, 0.90, 1), sentence(p, before, 0.85, 0), sentence(p, rest, 0.80, 2), sentence(p, after, 0.79, 3)]
    chosen = [s.text for s in choose_sentences(ranked)]
    assert rest in chosen and after not in chosen
