"""Parsing the real seeds: paragraphs, languages, page-break repair, headings, chunks, metadata."""

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer_types import is_statement
from core.records import Paragraph
from core.sentences import heading_contexts, is_heading_in, split_headed, split_sentences
from core.text import find_date, months_named
from ingest.chunking import chunk_paragraphs, chunk_sentences
from ingest.headings import merge_headings
from ingest.lists import keep_lists_whole
from ingest.parse import parse_document, parse_paragraphs
from ingest.repair import _continuation_index, ends_mid_sentence
from tests.conftest import BILINGUAL, CORPUS, DUTCH_ONLY


@pytest.fixture(scope="module")
def parsed():
    return {path.name: parse_document(path) for path in sorted(CORPUS.glob("*.txt"))}


def paragraph_with(doc, needle):
    found = [p for p in doc.paragraphs if needle in p.text]
    assert len(found) == 1, f"{needle!r} found in {len(found)} paragraphs"
    return found[0]


def test_french_paragraph_cut_by_page_break_is_joined(parsed):
    p = paragraph_with(parsed["000_8155b968e599ee5e.txt"], "La communication interne est donc")
    assert "bien balisée" in p.text
    assert p.lang == "fr" and p.repaired and len(p.spans) == 2


@pytest.mark.parametrize(
    "head, tail, lang",
    [
        ("grensoverschrijdende samenwerking", "makkelijker te maken", "nl"),
        ("Ce protocole vise à faciliter la coopération", "transfrontalière et comprend", "fr"),
        ("via het Cybersecurity Competence Center", "dat opleidingen aanbiedt", "nl"),
        ("Vooral waar het gaat", "om het signaleren", "nl"),
        ("et de bonnes pratiques en matière", "d'approche de la traite", "fr"),
    ],
)
def test_bilingual_splits_in_002_are_joined(parsed, head, tail, lang):
    p = paragraph_with(parsed["002_42a1812e0558ab74.txt"], head)
    assert tail in p.text and p.lang == lang


def test_split_in_single_language_document_is_joined(parsed):
    p = paragraph_with(parsed["001_29f7b3141a8d4611.txt"], "internationaalrechtelijke")
    assert "in het leven te roepen" in p.text


def test_no_paragraph_ends_mid_sentence_where_its_continuation_exists(parsed):
    for doc in parsed.values():
        for i, p in enumerate(doc.paragraphs):
            if ends_mid_sentence(p):
                assert _continuation_index(doc.paragraphs, i) is None, (doc.info.doc_id, p.text[-60:])


def test_offsets_point_into_the_source_text(parsed):
    for doc in parsed.values():
        for p in doc.paragraphs:
            first_words = " ".join(doc.text[p.start : p.end].split()).replace("*", "")[:30]
            assert first_words.split()[0] in p.text


def test_languages(parsed):
    for name in BILINGUAL:
        langs = [p.lang for p in parsed[name].paragraphs]
        assert abs(langs.count("nl") - langs.count("fr")) <= 3, name
        assert set(langs) == {"nl", "fr"}
    for name in DUTCH_ONLY:
        assert {p.lang for p in parsed[name].paragraphs} == {"nl"}, name


def test_other_languages_are_marked_not_forced():
    paragraphs = parse_paragraphs(
        "Menschenhandel ist eine schwere Verletzung der Menschenrechte und muss gemeinsam bekämpft werden.\n\n"
        "Mensenhandel is een ernstige schending van de mensenrechten en moet samen worden bestreden."
    )
    assert [p.lang for p in paragraphs] == ["de", "nl"]


def test_text_in_our_languages_is_told_without_loading_every_language_model():
    probe = (  # in a fresh interpreter: lingua's models, once loaded, stay loaded
        "from core import languages as l\n"
        "assert l.detect_language('De app werkt zonder je locatie, naam of telefoonnummer.') == 'nl'\n"
        "assert l._detector.cache_info().currsize == 0\n"
        "assert l.detect_language('La cooperación entre los países se reforzó en 2016 con una declaración.') == 'es'\n"
        "assert l._detector.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).parents[1])


def test_heading_is_kept_with_the_text_it_heads(parsed):
    p = paragraph_with(parsed["002_42a1812e0558ab74.txt"], "Aanbeveling 2\n")
    assert p.text.startswith("Aanbeveling 2\nTal van maatregelen")


def test_a_lead_in_ending_with_a_colon_stays_with_what_it_introduces(parsed):
    """The press contacts at the end of 003 are short lines without a sentence end; the last contact's lines,
    told apart by language, once started a paragraph of their own without the line naming whom it is for."""
    contact = paragraph_with(parsed[DUTCH_ONLY[1]], "n.vanhaver@benelux.int")
    assert contact.text.startswith("Voor het Secretariaat-Generaal van de Benelux :\nDe heer Nick Van Haver")
    heading = lambda text, lang: Paragraph(text=text, spans=[(0, len(text))], lang=lang)  # noqa: E731
    merged = merge_headings([heading("Contact presse", "fr"), heading("Pour le ministère :", "fr"), heading("Mr Jan Peeters, Tel 123", "en")])
    assert [p.text for p in merged] == ["Contact presse", "Pour le ministère :\nMr Jan Peeters, Tel 123"]


def test_lines_after_an_answer_that_a_colon_introduced_end_that_answer_not_head_the_next_question():
    """An FAQ gives the opening hours under its answer, then asks its next question: the hours belong to the answer
    about the reporting centre, not to the question about the law."""
    faq = Path(__file__).parents[1] / "eval" / "corpora" / "coronamelder-faq" / "documents"
    doc = parse_document(faq / "doc17_desactivation-faq-fr.txt")
    centre = paragraph_with(doc, "088-1205 100")
    assert centre.text.endswith("(tarif local)\nHeures d'ouverture :\nDu lundi au vendredi 9h - 17h")
    assert paragraph_with(doc, "Que prescrit la loi").text.startswith("Que prescrit la loi relative à l'application ?\n")
    line = lambda text, lang: Paragraph(text=text, spans=[(0, len(text))], lang=lang)  # noqa: E731
    titled = merge_headings([line("Veelgestelde vragen", "nl"), line("Contact:", "nl"), line("Waar bel ik?", "nl"), line("Bel 0800.", "nl")])
    assert [p.text for p in titled] == ["Veelgestelde vragen\nContact:\nWaar bel ik?\nBel 0800."]  # nothing before: all heads on


def test_a_closing_dateline_ends_the_text_it_dates(parsed):
    """"Luxemburg, 2 december 2016" closes the declaration: alone, a passage of a place and a date ranked first for
    questions naming the month (who signed, what the press release said)."""
    last = parsed[DUTCH_ONLY[0]].paragraphs[-1]
    assert last.text.startswith("Deze intentieverklaring strekt er niet toe") and last.text.endswith("\nLuxemburg, 2 december 2016")
    line = lambda text: Paragraph(text=text, spans=[(0, len(text))], lang="nl")  # noqa: E731
    signed = merge_headings([line("Het verdrag wordt vandaag ondertekend."), line("Voor België"), line("Jan Peeters")])
    assert [p.text for p in signed] == ["Het verdrag wordt vandaag ondertekend.", "Voor België\nJan Peeters"]  # no date: no dateline


def test_bilingual_title_page_stays_one_paragraph_per_language(parsed):
    doc = parsed["000_8155b968e599ee5e.txt"]
    dutch_title = paragraph_with(doc, "ANTWOORD")
    french_title = paragraph_with(doc, "RÉPONSE")
    assert dutch_title.lang == "nl" and "19 maart 2016" in dutch_title.text and "RÉPONSE" not in dutch_title.text
    assert french_title.lang == "fr" and "19 mars 2016" in french_title.text


def test_page_furniture_is_dropped(parsed):
    texts = [p.text for doc in parsed.values() for p in doc.paragraphs]
    assert not any(t.strip() in {"865/3", "< terug", "meer nieuwsberichten"} for t in texts)


def test_paragraph_numbers_are_consecutive(parsed):
    for doc in parsed.values():
        assert [p.number for p in doc.paragraphs] == list(range(1, len(doc.paragraphs) + 1))


def test_long_paragraphs_are_split_at_sentence_boundaries(parsed):
    doc = parsed["004_5b854e4566e864c9.txt"]
    chunks = chunk_paragraphs(doc.info.doc_id, doc.paragraphs, max_chars=1000)
    for paragraph in doc.paragraphs:
        parts = [c for c in chunks if c.paragraph == paragraph.number]
        assert " ".join(c.text for c in parts) == paragraph.text
        assert all(len(c.text) <= 1300 for c in parts)
        assert all(c.text[-1] in ".!?" for c in parts[:-1]), "cut inside a sentence"
    assert max(c.part for c in chunks) >= 3, "the 2,600-character list of actions should be split"


def test_no_sentence_ends_inside_parentheses():
    titles = ("- Evaluatie CoronaMelder: een overzicht na 9 maanden (28 mei 2021) - Samenvatting evaluatie CoronaMelder: een "
              "overzicht na 9 maanden (28 mei 2021) - Grip op de CoronaMelder - Kwalitatief Onderzoek (24 maart 2021)")
    assert split_sentences(titles, "nl") == [titles]  # sentencex alone cuts after "(28 mei"
    text = "Een zin (28 mei 2021) over iets. Een tweede zin (met haakjes). Een derde zin."
    assert [s.strip() for s in split_sentences(text, "nl")] == ["Een zin (28 mei 2021) over iets.", "Een tweede zin (met haakjes).", "Een derde zin."]


def test_a_cut_after_an_unknown_abbreviation_is_mended():
    contact = "De heer Jeannot Berg E-mail : jeannot.berg@mj.etat.lu Tel. : +352 247-84516"
    assert split_sentences(contact, "nl") == [contact]  # sentencex alone cuts after "Tel."
    text = "De app is gratis. Ze werkt overal; ook in het buitenland."
    assert [s.strip() for s in split_sentences(text, "nl")] == ["De app is gratis.", "Ze werkt overal; ook in het buitenland."]
    text = "Dat kan via o.a. het organiseren van opleidingen. iOS 13.5 kan op de iPhone 6s."
    assert [s.strip() for s in split_sentences(text, "nl")] == [  # sentencex alone cuts after "o.a."
        "Dat kan via o.a. het organiseren van opleidingen.", "iOS 13.5 kan op de iPhone 6s."]
    answer = "The press contact was Gerda Vrieling, the plv. ambassador of the Netherlands. She signed."
    assert len(split_sentences(answer, "en")) == 2  # a Dutch abbreviation in an English answer


def test_a_web_address_stays_in_its_sentence():
    text = "Op www.GGD.nl kunt u vinden onder welke GGD u valt. Sur le site www.GGD.nl, découvrez-le."
    assert [s.strip() for s in split_sentences(text, "nl")] == [  # sentencex alone cuts after "www."
        "Op www.GGD.nl kunt u vinden onder welke GGD u valt.", "Sur le site www.GGD.nl, découvrez-le."]
    quoted = 'zegt de secretaris-generaal. "Mensenhandel is een misdaad."'
    assert len(split_sentences(quoted, "nl")) == 2  # a quotation mark after the full stop is no address
    closing = "het bepaalde in artikel 12 van het Verdrag tot instelling van de Benelux Unie.\nLuxemburg, 2 december 2016"
    assert len(split_sentences(closing, "nl")) == 2  # a line break after the full stop is no address either


def test_the_number_of_a_numbered_item_opens_the_item():
    text = "De werkgroep heeft twee taken:\n1. Het opstellen van een verslag.\n2. Het organiseren van opleidingen."
    sentences = [s.strip() for p in parse_paragraphs(text) for s in split_sentences(p.text, p.lang)]
    assert sentences == ["De werkgroep heeft twee taken:", "1. Het opstellen van een verslag.", "2. Het organiseren van opleidingen."]
    text = "Zie artikel 2. Het verslag volgt later."
    assert [s.strip() for s in split_sentences(text, "nl")] == ["Zie artikel 2.", "Het verslag volgt later."]


def test_list_items_are_sentences_and_short_items_stay_with_their_introduction():
    text = ("Gebruik van de app is veilig. Daar zorgen we voor:\n- De app wordt voortdurend getest.\n- De app kent niet jouw naam.\n\n"
            "Vanaf 30 november werkt de app samen met de apps uit:\n- Duitsland\n- Italië\n- Slovenië\n\nWaarom deze samenwerking?\n\n"
            "Je kunt een buitenlandse gebruiker van een corona-app tegenkomen in Nederland.")
    sentences = [[s.strip() for s in split_sentences(p.text, "nl")] for p in parse_paragraphs(text)]
    assert sentences[0] == [
        "Gebruik van de app is veilig.", "Daar zorgen we voor:", "• De app wordt voortdurend getest.", "• De app kent niet jouw naam."
    ]
    assert "Vanaf 30 november werkt de app samen met de apps uit: • Duitsland • Italië • Slovenië" in sentences[1]
    assert "Waarom deze samenwerking?" in sum(sentences, [])


def test_a_list_set_out_one_item_per_block_is_one_passage_with_its_lead_in(parsed):
    """The 2016 declaration gives the ad hoc group's tasks one per block, the last ending with a full stop: each item
    alone said neither whose task it was nor read as a passage. Now one paragraph, an item a sentence, none a heading
    (the items end with ";"), each embedded with the lead-in that says what the list is."""
    tasks = paragraph_with(parsed[DUTCH_ONLY[0]], "met de volgende taken wordt belast:")
    lines = tasks.text.split("\n")
    assert len(lines) == 7 and all(line.startswith("• ") for line in lines[1:])
    assert lines[-1].startswith("• opstellen van een concept-voortgangsrapport")
    headed = split_headed(tasks.text, "nl")
    assert [heading for _, heading in headed] == [True] + [False] * 6
    assert not any(is_heading_in(sentence, tasks.text) for sentence, _ in headed[1:])
    contexts = heading_contexts([s for s, _ in headed], [h for _, h in headed])
    assert all(context == headed[0][0] + "\n" for context in contexts[1:])
    after = paragraph_with(parsed[DUTCH_ONLY[0]], "zal het voortgangsrapport vaststellen")
    assert after.text.startswith("De werkgroep Mensenhandel")  # a paragraph after the list is not an item of it


def test_list_items_join_only_a_lead_in_or_list_of_their_language():
    line = lambda text, lang: Paragraph(text=text, spans=[(0, len(text))], lang=lang)  # noqa: E731
    joined = keep_lists_whole([
        line("De taken zijn:", "nl"), line("- uitwisselen van praktijken;", "nl"), line("— opstellen van een rapport.", "nl"),
        line("- un élément en français", "fr"), line("Een gewone zin.", "nl"), line("- geen lijst na een zin", "nl"),
    ])
    assert [p.text for p in joined] == [
        "De taken zijn:\n• uitwisselen van praktijken;\n• opstellen van een rapport.", "- un élément en français",
        "Een gewone zin.", "- geen lijst na een zin",
    ]
    assert joined[0].spans == [(0, 14), (0, 29), (0, 28)]


def test_a_heading_merged_into_its_paragraph_is_a_sentence_of_its_own_never_quoted_but_embedded_with_the_next():
    text = ("Broncode\n\nDe broncode van de app en de systemen erachter zijn volledig openbaar. Iedereen kan meekijken.\n\n"
            "Vanaf 30 november werkt de app samen met de apps uit:\n\n- Duitsland\n- Italië")
    paragraphs = parse_paragraphs(text)
    assert paragraphs[0].text.startswith("Broncode\nDe broncode")  # the heading stays with its text (ingest.headings)
    sentences = [[s.strip() for s in split_sentences(p.text, "nl")] for p in paragraphs]
    assert sentences[0] == ["Broncode", "De broncode van de app en de systemen erachter zijn volledig openbaar.", "Iedereen kan meekijken."]
    assert not is_statement(sentences[0][0]) and is_statement(sentences[0][1])
    assert sentences[1] == ["Vanaf 30 november werkt de app samen met de apps uit:\n• Duitsland • Italië"]  # an introduction and its list
    stored = chunk_sentences(chunk_paragraphs("faq.txt", paragraphs, 1000)[0])
    assert [s.text for s in stored] == sentences[0]  # what is quoted
    assert [s.embedded for s in stored] == ["Broncode", "Broncode\n" + sentences[0][1], sentences[0][2]]  # what is embedded


def test_chunk_ids_are_stable_and_content_derived(parsed):
    doc = parsed["002_42a1812e0558ab74.txt"]
    first = chunk_paragraphs(doc.info.doc_id, doc.paragraphs, 1000)
    again = chunk_paragraphs(doc.info.doc_id, parse_document(CORPUS / doc.info.doc_id).paragraphs, 1000)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    assert all(c.chunk_id.startswith(doc.info.doc_id + ":") for c in first)


def test_document_metadata(parsed):
    assert parsed["000_8155b968e599ee5e.txt"].info.date == "2016-03-19"
    assert parsed["003_0cd5a18808cb444d.txt"].info.kind == "press release"
    assert parsed["002_42a1812e0558ab74.txt"].info.languages == ["nl", "fr"]
    assert parsed["004_5b854e4566e864c9.txt"].info.languages == ["nl"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Luxemburg, 2 december 2016", "2016-12-02"),
        ("Bruxelles, le 1er mars 2019", "2019-03-01"),
        ("Published 30-07-2021 589", "2021-07-30"),
        ("on 11 June 2020 the Committee", "2020-06-11"),
        ("no date here, only 865/2", None),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Qui a signé la déclaration de décembre 2016 ?", {"2016-12"}),
        ("According to the July 2021 message and the release of 2 December 2016", {"2021-07", "2016-12"}),
        ("Wat gebeurde er in mei 2019?", {"2019-05"}),
        ("Wat besliste de 2016 intentieverklaring?", set()),  # a bare year names no month
    ],
)
def test_months_named(text, expected):
    assert months_named(text) == expected


def test_derived_metadata_without_sidecar(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text("Nota over samenwerking\n\nBrussel, 5 mei 2022. De werkgroep komt twee keer per jaar samen om ervaringen uit te wisselen.\n")
    info = parse_document(path).info
    assert (info.title, info.date, info.kind, info.languages) == ("Nota over samenwerking", "2022-05-05", "document", ["nl"])


def test_a_title_in_two_languages_gives_each_chunk_its_own():
    from ingest.chunking import title_in

    title = "Antwoord van het Comité van Ministers over mensenhandel / Réponse du Comité de Ministres sur la traite"
    assert title_in(title, "fr") == "Réponse du Comité de Ministres sur la traite"
    assert title_in(title, "nl") == "Antwoord van het Comité van Ministers over mensenhandel"
    assert title_in(title, "en") == title  # no English part: the whole title
    assert title_in("Persbericht: Benelux-ministers van Justitie", "fr") == "Persbericht: Benelux-ministers van Justitie"
