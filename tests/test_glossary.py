"""The glossary of key terms: which terms a text holds, and whether a translation kept them."""

import json

from core.settings import REPO_ROOT
from ingest.glossary import Glossary

GLOSSARY = "nl\tfr\ten\nmensenhandel\ttraite des êtres humains|traite d'êtres humains\thuman trafficking|trafficking in persons\n" \
    "mensenhandelaars\ttrafiquants d'êtres humains\thuman traffickers|traffickers\nwerkgroep\t\tworking group\n"


def _glossary(tmp_path, text=GLOSSARY):
    path = tmp_path / "glossary.tsv"
    path.write_text(text, encoding="utf-8")
    return Glossary.load(path)


def test_a_term_is_found_in_any_case_and_given_with_its_preferred_translation(tmp_path):
    terms = _glossary(tmp_path).terms("Werelddag tegen Mensenhandel", "nl", "en")
    assert [(t.source, t.target) for t in terms] == [("mensenhandel", "human trafficking")]


def test_terms_are_whole_words_not_parts_of_longer_ones(tmp_path):
    terms = _glossary(tmp_path).terms("De mensenhandelaars werden vervolgd.", "nl", "fr")
    assert [t.target for t in terms] == ["trafiquants d'êtres humains"]


def test_any_listed_variant_keeps_a_term_whatever_its_accents_apostrophes_and_case(tmp_path):
    (term,) = _glossary(tmp_path).terms("the fight against trafficking in persons", "en", "fr")
    assert term.source == "trafficking in persons" and term.target == "traite des êtres humains"
    assert term.kept_in("La lutte contre la Traite d’etres humains.")
    assert not term.kept_in("La lutte contre la trafficking humaine.")


def test_a_concept_without_a_form_in_the_target_language_gives_no_term(tmp_path):
    assert _glossary(tmp_path).terms("De werkgroep vergaderde.", "nl", "fr") == []


def test_no_glossary_file_means_no_terms(tmp_path):
    assert Glossary.load(tmp_path / "missing.tsv").terms("mensenhandel", "nl", "en") == []
    assert Glossary.load(None).terms("mensenhandel", "nl", "en") == []


def test_an_unreadable_glossary_is_skipped_with_a_warning(tmp_path, caplog):
    path = tmp_path / "glossary.tsv"
    path.write_bytes(b"nl\tfr\n\xff\xfe mensenhandel\n")
    assert Glossary.load(path).terms("mensenhandel", "nl", "fr") == []
    assert "cannot be read" in caplog.text


def test_every_shipped_translation_renders_the_shipped_glossarys_terms_as_it_says():
    """data/translations.jsonl is made with data/glossary.tsv: a term added to the glossary without making the
    shipped translations again (the old ones render it freely) fails here, before a newcomer's first start would."""
    glossary = Glossary.load(REPO_ROOT / "data" / "glossary.tsv")
    entries = [json.loads(line) for line in (REPO_ROOT / "data" / "translations.jsonl").read_text(encoding="utf-8").splitlines()]
    accepted = [e for e in entries if e["text"]]
    assert accepted
    for entry in accepted:
        for term in glossary.terms(entry["source"], entry["from"], entry["to"]):
            assert term.kept_in(entry["text"]), (term.source, entry["text"])
