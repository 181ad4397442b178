"""Consecutive questions reuse the processed system prompt: llama.cpp keeps the KV cache of the
previous prompt and re-evaluates only what follows the longest common token prefix. That holds only
if the rendered prompts of two questions in one language start with the same tokens, system prompt
first — checked here with the GGUF's own chat template and tokenizer (vocabulary only, no weights)."""

import pytest

from assistant.generative import VerifiedGeneration, judge_messages
from models.chat import chat_messages
from assistant.prompts import answer_after_judgement_prompt, answer_prompt, judge_prompt, question_block

QUESTIONS = {
    "nl": [("Wanneer werd de tweede intentieverklaring ondertekend?", "- De verklaring werd op 2 december 2016 ondertekend."),
           ("Welk land was trekker van EMPACT in 2019?", "- In 2019 was Nederland trekker van EMPACT.\n- Een tweede bron.")],
    "fr": [("Quand la déclaration a-t-elle été signée ?", "- La déclaration a été signée le 2 décembre 2016."),
           ("Quel ministre est cité ?", "- Le ministre Koen Geens est cité.")],
    "en": [("Who signed for Luxembourg?", "- Félix Braz signed for Luxembourg."),
           ("What did the Benelux publish in 2021?", "- A brochure for professionals.")],
}


@pytest.fixture(scope="module")
def template(models_dir):
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from models.generator import provision_gguf

    llm = Llama(model_path=str(provision_gguf(models_dir, log=lambda *_: None)), vocab_only=True, verbose=False)
    tokens = {
        "eos_token": llm._model.token_get_text(llm.token_eos()),
        "bos_token": llm._model.token_get_text(llm.token_bos()) if llm.token_bos() != -1 else "",
    }
    chat = llm.metadata["tokenizer.chat_template"]
    # As llama.cpp renders a request; and without the assistant turn opener, for the system block alone.
    return llm, Jinja2ChatFormatter(template=chat, **tokens), Jinja2ChatFormatter(template=chat, add_generation_prompt=False, **tokens)


def _tokens(template, lang, question, sources):
    llm, formatter, _ = template
    messages = answer_prompt(lang).format_messages(sources=sources, question=question_block(lang, question, None))
    return llm.tokenize(formatter(messages=chat_messages(messages)).prompt.encode(), add_bos=False, special=True)


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_two_questions_share_the_whole_system_prompt(template, lang):
    llm, _, block = template
    first, second = (_tokens(template, lang, q, s) for q, s in QUESTIONS[lang])
    shared = next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))
    system_only = block(messages=chat_messages(answer_prompt(lang).format_messages(sources="", question="")[:1])).prompt
    system_tokens = llm.tokenize(system_only.encode(), add_bos=False, special=True)
    assert first[: len(system_tokens)] == system_tokens  # nothing comes before the system prompt
    assert shared >= len(system_tokens) > 50  # ...and all of it is reused by the next question


def test_the_generator_sends_the_system_prompt_first(template):
    generation = VerifiedGeneration(None, "nl", "Wie tekende?", None, [], None, None)
    assert chat_messages(generation.messages)[0] == {"role": "system", "content": answer_prompt("nl").messages[0].prompt.template}


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_the_answer_after_a_judgement_reuses_the_whole_judged_prompt(template, lang):
    """The judge's prompt, up to the opener of its one-word reply, is where the answer's tokens begin: llama.cpp
    evaluates only the answer's last turn after the judgement."""
    llm, formatter, _ = template
    question, sources = QUESTIONS[lang][0]
    variables = {"sources": sources, "question": question_block("en", question, None)}
    rendered = (formatter(messages=chat_messages(prompt.format_messages(**variables))).prompt
                for prompt in (judge_prompt(), answer_after_judgement_prompt(lang)))
    judged, answer = (llm.tokenize(text.encode(), add_bos=False, special=True) for text in rendered)
    assert answer[: len(judged)] == judged and len(answer) - len(judged) < 70


def test_the_generator_after_a_judgement_continues_the_judges_conversation():
    generation = VerifiedGeneration(None, "fr", "Qui a signé ?", "Quand ?", [], None, None, after_judgement=True)
    judged = judge_messages([], "Qui a signé ?", "Quand ?")
    assert generation.messages[: len(judged)] == judged
    assert "français" in generation.messages[-1].content
