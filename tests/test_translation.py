"""Machine translation at ingest: the fact check, the cache, the retry, and which twins a document needs.

Fast tests with a scripted chat model; tests/test_twins.py runs the real LLM, Chroma and e5.
"""

import json

import pytest
from langchain_core.language_models import FakeListChatModel

from core.guard import changed_facts
from core.records import StoredChunk
from ingest.translation import TranslationCache, TranslationUnavailable, Translator, check
from ingest.twins import plan

DUTCH = "Het Benelux Secretariaat-Generaal organiseerde op 17 oktober 2016 een brainstormdag met Payoke."
ENGLISH = "On 17 October 2016 the Benelux Secretariat-General organised a brainstorming day with Payoke."


def test_a_faithful_translation_passes_the_check():
    assert check(DUTCH, ENGLISH, "en") == []


@pytest.mark.parametrize("bad, problem", [
    ("On 17 October 2019 the Benelux Secretariat-General organised a brainstorming day with Payoke.", "number 2016 lost"),
    ("On 17 October 2016 the Benelux Secretariat-General organised a brainstorming day.", "name payoke lost"),
    ("On 17 October 2016 the Secretariat-General in Belgium organised a day with Payoke and Benelux.", "name belgium added"),
    ("Le 17 octobre 2016, le Secrétariat général Benelux a organisé une journée de réflexion avec Payoke.", "language fr"),
    ("Here is the translation:\nOn 17 October 2016 the Benelux Secretariat-General met Payoke.", "more than a translation"),
    ("", "empty"),
])
def test_the_check_names_what_a_translation_changed(bad, problem):
    assert problem in check(DUTCH, bad, "en")


def test_names_the_document_also_writes_in_lower_case_may_be_translated():
    original = "De werkgroep Mensenhandel stelt het rapport vast."
    translated = "The Human Trafficking working group adopts the report."
    assert changed_facts(original, translated) == ["name mensenhandel lost"]
    assert changed_facts(original, translated, common_words={"mensenhandel"}) == []


def test_common_words_of_the_original_language_written_with_a_capital_may_be_translated_but_names_not():
    original = "Selon Félix Braz, le Comité de Ministres a pris note."
    translated = "According to the minister, the Committee of Ministers took note."
    assert changed_facts(original, translated, lang="fr") == ["name braz lost", "name felix lost"]
    assert "name comite lost" in changed_facts(original, translated)  # without the language, every capital counts


def test_a_translation_may_keep_the_line_breaks_of_its_original_but_add_none():
    original = "Recommandation 2\nDe nombreuses mesures ont déjà été prises."
    assert check(original, "Recommendation 2\nMany measures have already been taken.", "en", source="fr") == []
    assert "more than a translation" in check(original, "Translation:\nRecommendation 2\nMany measures have been taken.", "en", source="fr")


def test_a_cached_rejection_that_passes_todays_check_is_taken_without_asking_again(tmp_path):
    from ingest.translation import cache_key

    original, rejected = "Le Comité de Ministres a pris note de la recommandation.", "The Committee of Ministers took note of the recommendation."
    translator, _ = _translator(tmp_path, ["must not be asked"])
    key = cache_key(original, "fr", "en", translator.model)
    translator.cache.put(key, {"key": key, "text": None, "problems": ["name comite lost"], "rejected": rejected})
    assert translator.translate(original, "fr", "en").text == rejected and translator.made == 0


def test_a_place_added_at_the_start_of_a_line_is_caught():
    assert changed_facts("Benelux", "Belgium") == ["name belgium added"]
    assert changed_facts("Belgische minister", "Belgian Minister") == []


def test_a_capitalised_glossary_term_translated_as_the_glossary_says_is_no_lost_name():
    from ingest.glossary import Term

    original, translated = "Declaration on Human Trafficking", "Déclaration sur la traite des êtres humains"
    assert "name trafficking lost" in check(original, translated, "fr", source="en")
    assert check(original, translated, "fr", source="en", terms=[Term("human trafficking", ("traite des êtres humains",))]) == []


def test_a_cached_translation_that_fails_todays_check_is_made_again(tmp_path):
    from ingest.translation import cache_key

    translator, _ = _translator(tmp_path, ["Benelux"])
    key = cache_key("Benelux", "nl", "en", translator.model)
    translator.cache.put(key, {"key": key, "text": "Belgium", "problems": [], "rejected": None})
    assert translator.translate("Benelux", "nl", "en").text == "Benelux" and translator.made == 1


def test_place_names_match_across_languages_both_ways():
    assert changed_facts("Zij vergaderden in Nederland en Luxemburg.", "They met in the Netherlands and Luxembourg.") == []
    assert changed_facts("They met in the Netherlands.", "Zij vergaderden in Nederland.") == []


def _translator(tmp_path, replies, seed=None):
    chat = FakeListChatModel(responses=replies)
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", translation_seed=seed)
    return Translator(settings, chat=chat), chat


def test_a_bad_translation_is_asked_for_again_once_then_dropped(tmp_path):
    translator, chat = _translator(tmp_path, ["On 17 October 2019 ...", "Still 2019 with Payoke and Benelux."])
    result = translator.translate(DUTCH, "nl", "en")
    assert result.text is None and any("2016" in p for p in result.problems)
    assert chat.i == 0  # both scripted replies were used: one retry, no more (the list wrapped around)


def test_a_retried_translation_that_passes_is_kept(tmp_path):
    translator, _ = _translator(tmp_path, ["On 17 October 2019 ...", ENGLISH])
    assert translator.translate(DUTCH, "nl", "en").text == ENGLISH


class _RecordingChat(FakeListChatModel):
    """Scripted replies; remembers the system prompt of each request."""

    systems: list[str] = []

    def _call(self, messages, *args, **kwargs):
        self.systems.append(messages[0].content)
        return super()._call(messages, *args, **kwargs)


def _translator_with_glossary(tmp_path, replies):
    from core.settings import Settings

    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("nl\tfr\ten\nmensenhandel\ttraite des êtres humains\thuman trafficking\n", encoding="utf-8")
    chat = _RecordingChat(responses=replies, systems=[])
    settings = Settings(data_dir=tmp_path / "data", translation_seed=None, translation_glossary=glossary)
    return Translator(settings, chat=chat), chat


def test_the_prompt_names_the_glossary_translation_of_a_term_in_the_line(tmp_path):
    translator, chat = _translator_with_glossary(tmp_path, ["Human trafficking is a crime."])
    assert translator.translate("Mensenhandel is een misdaad.", "nl", "en").text == "Human trafficking is a crime."
    assert "“mensenhandel” as “human trafficking”" in chat.systems[0]
    translator.translate("Uitbuiting is een misdaad.", "nl", "en")
    assert "mensenhandel" not in chat.systems[1], "only the terms the line holds are named"


def test_a_translation_that_renders_a_term_otherwise_is_asked_for_again_then_left_out(tmp_path):
    translator, chat = _translator_with_glossary(tmp_path, ["People's trade is a crime.", "Consumer fraud is a crime."])
    result = translator.translate("Mensenhandel is een misdaad.", "nl", "en")
    assert result.text is None and result.problems == ["term mensenhandel not translated as human trafficking"]
    assert len(chat.systems) == 2


def test_a_line_without_glossary_terms_keeps_the_cache_key_it_had_without_a_glossary(tmp_path):
    translator, _ = _translator_with_glossary(tmp_path, [ENGLISH])
    translator.translate(DUTCH, "nl", "en")
    plain, _ = _translator(tmp_path, ["must not be asked"])
    assert plain.translate(DUTCH, "nl", "en").text == ENGLISH and plain.made == 0


def test_translations_are_cached_on_disk_and_never_made_twice(tmp_path):
    translator, chat = _translator(tmp_path, [ENGLISH])
    translator.translate(DUTCH, "nl", "en")
    again, _ = _translator(tmp_path, ["must not be asked"])
    assert again.translate(DUTCH, "nl", "en").text == ENGLISH and again.made == 0
    entry = json.loads((tmp_path / "data" / "translations.jsonl").read_text().splitlines()[0])
    assert entry["from"] == "nl" and entry["to"] == "en" and entry["model"].startswith("local:")


def test_a_torn_last_line_of_the_cache_is_skipped(tmp_path):
    translator, _ = _translator(tmp_path, [ENGLISH])
    translator.translate(DUTCH, "nl", "en")
    path = tmp_path / "data" / "translations.jsonl"
    path.write_text(path.read_text() + '{"key": "abc", "text": "half')
    assert len(TranslationCache(path).entries) == 1


def test_a_shipped_seed_is_read_but_never_written(tmp_path):
    seed = tmp_path / "seed.jsonl"
    maker, _ = _translator(tmp_path / "maker", [ENGLISH])
    maker.translate(DUTCH, "nl", "en")
    seed.write_text((tmp_path / "maker" / "data" / "translations.jsonl").read_text())
    translator, _ = _translator(tmp_path, ["must not be asked"], seed=seed)
    assert translator.translate(DUTCH, "nl", "en").text == ENGLISH
    assert not (tmp_path / "data" / "translations.jsonl").exists()


def test_a_translation_between_dutch_and_french_goes_through_english(tmp_path):
    translator, chat = _translator(tmp_path, ["Le 17 octobre 2016, le Secrétariat général Benelux a organisé une journée avec Payoke."])
    result = translator.translate(DUTCH, "nl", "fr", via=ENGLISH)
    assert result.text and result.text.startswith("Le 17 octobre")
    entry = json.loads((tmp_path / "data" / "translations.jsonl").read_text())
    assert entry["from"] == "en" and entry["source"] == ENGLISH


def test_a_sentence_is_translated_line_by_line_and_joined_as_written(tmp_path):
    original = "persbericht\nGroothertogdom Luxemburg, 2-12-2016 | Félix Braz ondertekende de verklaring."
    translator, chat = _translator(tmp_path, [
        "press release", "Grand Duchy of Luxembourg, 2-12-2016",
        'The Dutch text translates to English as follows:\n\n"Félix Braz signed the declaration."',  # the preamble goes
    ])
    result = translator.translate(original, "nl", "en")
    assert result.text == "press release\nGrand Duchy of Luxembourg, 2-12-2016 | Félix Braz signed the declaration."
    assert translator.made == 3


def test_a_line_that_fails_twice_is_left_out_of_the_sentences_translation(tmp_path):
    original = "Werelddag tegen mensenhandel\nDe Benelux publiceerde in 2021 een brochure."
    translator, _ = _translator(tmp_path, ["World Day against consumer fraud 2019", "World Day 2019", "In 2021 the Benelux published a brochure."])
    result = translator.translate(original, "nl", "en")
    assert result.text == "In 2021 the Benelux published a brochure." and "number 2019 added" in result.problems


def test_a_translation_never_opens_with_the_break_before_a_left_out_line(tmp_path):
    original = "Groothertogdom Luxemburg, 2-12-2016 | Félix Braz ondertekende de verklaring."
    translator, _ = _translator(tmp_path, ["Luxembourg, 2 December 2016", "Luxembourg, December 2016", "Félix Braz signed the declaration."])
    assert translator.translate(original, "nl", "en").text == "Félix Braz signed the declaration."


def test_french_is_made_from_the_english_lines_there_are_when_the_english_left_one_out(tmp_path):
    original = "Werelddag tegen mensenhandel\nDe Benelux publiceerde in 2021 een brochure."
    translator, _ = _translator(tmp_path, ["En 2021, le Benelux a publié une brochure."])
    result = translator.translate(original, "nl", "fr", via="In 2021 the Benelux published a brochure.")
    assert result.text == "En 2021, le Benelux a publié une brochure." and translator.made == 1


def test_a_long_line_that_fails_twice_is_translated_in_two_halves(tmp_path):
    first = "Onder Luxemburgs voorzitterschap van de Benelux ondertekenden de minister van Justitie Félix Braz en de minister Koen Geens, "
    second = "in aanwezigheid van de minister van Gelijke Kansen Lydia Mutsch, een intentieverklaring over de samenwerking tegen mensenhandel in 2016."
    translator, _ = _translator(tmp_path, [
        "The ministers signed a declaration.", "The ministers signed a declaration in 2016.",  # names lost, twice
        "Under the Luxembourg presidency of the Benelux, Justice Minister Félix Braz and Minister Koen Geens signed,",
        "in the presence of the Minister for Equal Opportunities Lydia Mutsch, a declaration of intent on cooperation against human trafficking in 2016.",
    ])
    result = translator.translate(first + second, "nl", "en", common_words={"gelijke", "kansen"})
    assert result.text and "Braz" in result.text and "Mutsch" in result.text and "2016" in result.text
    assert translator.made == 3  # the whole line (asked twice, cached as rejected), then each half


def test_without_an_llm_only_cached_translations_are_available(tmp_path):
    from core.settings import Settings

    translator = Translator(Settings(data_dir=tmp_path, llm_backend="extractive", translation_seed=None))
    with pytest.raises(TranslationUnavailable, match="no LLM"):
        translator.translate(DUTCH, "nl", "en")


def _chunk(chunk_id, lang, pair_id=None):
    return StoredChunk(chunk_id, "tekst", "doc", "title", None, "kind", lang, 1, 1, pair_id)


def test_a_dutch_only_paragraph_gets_english_first_then_french():
    nl = _chunk("a", "nl")
    assert [(c.chunk_id, lang) for c, lang in plan([nl])] == [("a", "en"), ("a", "fr")]


def test_a_paragraph_with_its_human_translation_gets_only_english_made_from_the_french():
    chunks = [_chunk("a-nl", "nl", "p1"), _chunk("a-fr", "fr", "p1")]
    assert [(c.chunk_id, lang) for c, lang in plan(chunks)] == [("a-fr", "en")]


def test_a_paragraph_in_an_unsupported_language_gets_no_twins():
    assert plan([_chunk("a", "unknown")]) == []
