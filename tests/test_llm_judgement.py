"""The local LLM's own judgement of whether the sources answer a question (real model): the probability of each
one-word reply, read from one prompt evaluation."""

import pytest

from assistant.prompts import JUDGE_CHOICES, answer_after_judgement_prompt, answer_prompt, judge_prompt, question_block
from core.languages import UNKNOWN, detect_language
from core.settings import Settings
from models.chat import make_chat_model

SOURCES = "- Voor Luxemburg ondertekende minister Félix Braz de intentieverklaring op 2 december 2016."


def judged(chat, question: str) -> float:
    """P(no): the sources do not give the answer."""
    messages = judge_prompt().format_messages(sources=SOURCES, question=question_block("en", question, None))
    return chat.choice_probabilities(messages, JUDGE_CHOICES)[1]


@pytest.fixture(scope="module")
def chat(models_dir):
    return make_chat_model(Settings(models_dir=models_dir, llm_backend="local"))


def test_the_model_says_no_when_the_sources_lack_the_answer(chat):
    answered = [judged(chat, q) for q in ("Wie ondertekende de verklaring voor Luxemburg?", "Who signed the declaration for Luxembourg?")]
    lacking = [judged(chat, q) for q in ("Hoeveel slachtoffers werden in 2022 in Luxemburg geïdentificeerd?",
                                         "Combien de victimes ont été identifiées au Luxembourg en 2022 ?")]
    assert max(answered) < 0.5 < min(lacking) <= 1.0


def test_the_reply_after_a_judgement_is_the_reply_without_it(chat):
    question = answer_prompt("nl").format_messages(sources=SOURCES, question=question_block("nl", "Wanneer werd de verklaring ondertekend?", None))
    alone = "".join(piece.content for piece in chat.stream(question))
    judged(chat, "Wanneer werd de verklaring ondertekend?")  # another prompt in llama.cpp's cache
    assert "".join(piece.content for piece in chat.stream(question)) == alone
    assert "2016" in alone


SIGNED = {  # the passage as the assistant gives it: in the asker's language (a translation where one exists)
    "nl": ("Wie ondertekende de verklaring voor Luxemburg?", SOURCES),
    "fr": ("Qui a signé la déclaration pour le Luxembourg ?",
           "- Pour le Luxembourg, le ministre Félix Braz a signé la déclaration d'intention le 2 décembre 2016."),
    "en": ("Who signed the declaration for Luxembourg?",
           "- For Luxembourg, minister Félix Braz signed the declaration of intent on 2 December 2016."),
}


@pytest.mark.parametrize("lang", sorted(SIGNED))
def test_the_answer_after_the_judgement_gives_the_fact_in_the_askers_language(chat, lang):
    question, sources = SIGNED[lang]
    variables = {"sources": sources, "question": question_block("en", question, None)}
    assert chat.choice_probabilities(judge_prompt().format_messages(**variables), JUDGE_CHOICES)[1] < 0.5
    reply = "".join(piece.content for piece in chat.stream(answer_after_judgement_prompt(lang).format_messages(**variables)))
    assert "Braz" in reply and detect_language(reply) in (lang, UNKNOWN)
    assert reply.split()[0].strip(",.!").lower() not in {"ja", "oui", "yes"}  # an answer, not the judgement again
