"""Answering benchmark over a fixed list of nl/fr/en questions (a report, not a test).

Reports p50/p95 of retrieval latency, extractive answer latency, generative time to the quoted evidence
(streamed first), to the first token the LLM generates, to the first text shown as the answer and to the end,
generated tokens per second, and peak RSS with both models loaded. The first shown text is a checked generated
sentence, or the quotes again when the generated answer fails a check (then it comes when the check fails), or the
refusal: so it is reported for all answers and for the generated (checked, not refused) ones apart, with how many
of each there were.
Usage: .venv/bin/python benchmarks/bench_answer.py [--limit N] [--order grouped|interleaved] [--out FILE.json]
(uses the current index). `--order grouped` asks the questions language by language, as one user does:
llama.cpp then reuses the KV cache of the constant system prompt from the previous question;
`interleaved` alternates nl/fr/en, so every prompt starts from scratch (what mixed traffic costs).
"""

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from assistant.answer import Answer, Mode
from assistant.assistant import Assistant
from core.settings import Settings

QUESTIONS = [
    "Wanneer werd de tweede intentieverklaring ondertekend?",
    "Waar vond de eerste bijeenkomst over bestuurlijk toezicht op de prostitutiesector plaats?",
    "Welke diensten zullen inventariseren of er behoefte is aan gezamenlijke opleidingen?",
    "Welk land was trekker van EMPACT in 2019?",
    "Quand la première déclaration d'intention Benelux a-t-elle été signée ?",
    "Quel ministre belge de la Justice est cité dans le communiqué de presse ?",
    "Quels centres d'accueil spécialisés font partie de la Cellule interdépartementale de coordination ?",
    "Sous quelle présidence la thématique de l'exploitation des enfants a-t-elle été abordée ?",
    "Who signed the Benelux declaration of intent on behalf of Luxembourg?",
    "What did the Benelux publish in 2021 for professionals who meet victims?",
    "Which Belgian police service uses social media as an investigation tool?",
    "How can municipalities help in the fight against human trafficking?",
]


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 3), "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=len(QUESTIONS), help="ask only this many questions (spread over the languages)")
    parser.add_argument("--order", choices=["grouped", "interleaved"], default="grouped", help="language by language, or alternating")
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    by_lang = [QUESTIONS[i : i + 4] for i in range(0, len(QUESTIONS), 4)]  # nl, fr, en
    interleaved = [q for group in zip(*by_lang) for q in group][: args.limit]
    questions = interleaved if args.order == "interleaved" else [q for q in QUESTIONS if q in interleaved]
    assistant = Assistant(Settings())
    assistant.ask(questions[0], mode=Mode.EXTRACTIVE)  # warm-up: embedding model, store, keyword index
    retrieval, extractive, evidence, first_token, total, rates = [], [], [], [], [], []
    generated_token, generated_sentence, outcomes = [], [], []
    for question in questions:
        started = time.perf_counter()
        assistant.retrieve(question)
        retrieval.append(time.perf_counter() - started)
        extractive.append(assistant.ask(question, mode=Mode.EXTRACTIVE).timings["total_s"])
    chat = assistant.chat_model()
    for question in questions:
        answer = next(i for i in assistant.stream(question, mode=Mode.GENERATIVE) if isinstance(i, Answer))
        first_token.append(answer.timings["first_token_s"])
        if "first_evidence_s" in answer.timings:
            evidence.append(answer.timings["first_evidence_s"])
        total.append(answer.timings["total_s"])
        if "first_generated_token_s" in answer.timings:
            generated_token.append(answer.timings["first_generated_token_s"])
        outcomes.append("refused" if answer.refused else "fallback" if answer.fallback else "generated")
        if outcomes[-1] == "generated":
            generated_sentence.append(answer.timings["first_token_s"])
            tokens = len(chat._llama.tokenize(answer.text.encode())) if hasattr(chat, "_llama") else 0
            rates.append(tokens / max(answer.timings["total_s"] - answer.timings["retrieval_s"], 1e-6))
    numbers = {
        "questions": len(questions),
        "order": args.order,
        "generative_first_token_each_s": [round(t, 2) for t in first_token],
        "retrieval_s": percentiles(retrieval),
        "extractive_answer_s": percentiles(extractive),
        "generative_first_evidence_s": percentiles(evidence) if evidence else None,
        "generative_outcomes": {o: outcomes.count(o) for o in ("generated", "fallback", "refused")},
        "generative_first_generated_token_s": percentiles(generated_token) if generated_token else None,
        "generative_first_token_s": percentiles(first_token),
        "generative_first_checked_sentence_s": percentiles(generated_sentence) if generated_sentence else None,
        "generative_total_s": percentiles(total),
        "answer_tokens_per_s_incl_prompt": round(statistics.median(rates), 1) if rates else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(numbers, indent=2))
    if args.out:
        args.out.write_text(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
