"""Prompt-prefix reuse in llama.cpp (a report, not a test): time to the first token of the same prompt
when the previous prompt was in the same language (the system prompt's KV cache is reused) and when it
was in another language (the whole prompt is evaluated). Raw model, no retrieval, 2 tokens generated.
Usage: PYTHONPATH=. .venv/bin/python benchmarks/bench_prompt_prefix.py [--rounds 3]
"""

import argparse
import json
import statistics
import time

from models.chat import chat_messages
from assistant.prompts import answer_prompt, question_block
from core.settings import Settings
from models.generator import provision_gguf

SOURCES = {
    "nl": "- Gemeenten kunnen signalen van uitbuiting herkennen bij vergunningen en controles, en die doorgeven aan de politie en de arbeidsinspectie in de drie landen.",
    "nl2": "- In 2019 was Nederland trekker van de EMPACT-prioriteit mensenhandel. De politiediensten wisselen informatie uit over uitbuiting in de bouw en de landbouw.",
    "fr": "- La première déclaration d'intention a été signée en 2009 à Bruxelles par les ministres de la Justice. Elle prévoit des échanges réguliers entre les services d'inspection.",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    from llama_cpp import Llama

    llm = Llama(model_path=str(settings.llm_path or provision_gguf(settings.resolved_models_dir)), n_ctx=2048,
                n_threads=settings.llm_threads, verbose=False)

    def first_token(lang: str, question: str, sources: str) -> float:
        messages = chat_messages(answer_prompt(lang).format_messages(sources=sources, question=question_block(lang, question, None)))
        started = time.perf_counter()
        for _ in llm.create_chat_completion(messages=messages, max_tokens=2, temperature=0, stream=True):
            pass
        return time.perf_counter() - started

    target = ("nl", "Hoe kunnen gemeenten helpen?", SOURCES["nl"])
    first_token("en", "Warm-up?", SOURCES["fr"])  # pages the weights in
    same, switched = [], []
    for _ in range(args.rounds):
        first_token("nl", "Welk land was trekker van EMPACT in 2019?", SOURCES["nl2"])
        same.append(first_token(*target))  # after a Dutch prompt: the system prompt is reused
        first_token("fr", "Quand la première déclaration a-t-elle été signée ?", SOURCES["fr"])
        switched.append(first_token(*target))  # after a French prompt: evaluated from the start
    print(json.dumps({
        "after_same_language_s": [round(s, 2) for s in same], "after_language_switch_s": [round(s, 2) for s in switched],
        "median_same_s": round(statistics.median(same), 2), "median_switch_s": round(statistics.median(switched), 2),
    }, indent=2))


if __name__ == "__main__":
    main()
