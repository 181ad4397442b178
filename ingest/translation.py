"""Machine translation of sentences by the configured LLM, checked by code, cached on disk.

The small local model translates Dutch into French poorly ("mensenhandel" → "vente de biens") but
Dutch and French into English well, and English into French or Dutch well: a translation between two
languages other than English goes through the English one (which is made anyway).

A sentence is translated line by line (a title, a date line, a dateline's "Luxemburg, 2-12-2016 | ..." each on
their own: the small model given several lines at once tended to describe them instead). Each translation must keep
the original's facts: every number and name kept, none added (`changed_facts`), each glossary term in the line
translated as the glossary says (`ingest.glossary`; the prompt names them), in the target language, of a
plausible length, with no more lines than the original; a line like "Here is the translation:" before it is
dropped first. One that fails is asked for again once, with what it changed; a long one that fails again is
translated in two halves (split at the comma nearest its middle); if that fails too, the line is left out (the
sentence's translation is the lines that passed; none: no translation). Results (and rejections, with the
rejected text) are cached by the original text, the two languages, the model and the prompt version, so
re-ingesting never translates twice; a cached text is checked again when read, so a check made fairer
takes a rejected one without asking the LLM again, and one made stricter has an accepted one made again.
A copy of the cache can ship with a corpus (`translation_seed`); it is only read.
"""

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from core.guard import changed_facts
from core.languages import UNKNOWN, detect_language, language_name
from core.settings import Settings
from core.text import WORD, fold_accents
from ingest.glossary import Glossary, Term
from models.generator import model_id

log = logging.getLogger(__name__)

PROMPT_VERSION = "1"
PIVOT = "en"
_SYSTEM = (
    "You are a professional translator of official documents. Translate the {source} text the user sends into "
    "{target}. Keep every number, date, name and abbreviation exactly as written. Reply with the translation only."
)
_TERMS = " Translate {pairs}."  # the glossary's terms found in the text
_AGAIN = " Reply with the {target} translation of the whole text only, on one line."  # added for the second attempt
_KEEP = " Write these exactly as in the text: {facts}."
_MIN_WORDS_TO_CHECK_LANGUAGE = 4
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_SEGMENT_BREAK = re.compile(r"(\s*\n\s*|\s+\|\s+)")  # line breaks and " | " (kept, to join the translations with)
_PREAMBLE = re.compile(r"\A[^\n]*:[ \t]*\n\s*\n")  # "The Dutch text translates to English as follows:" and a blank line
_HALVE_FROM = 240  # characters: a failed unit at least this long is tried again in two halves


class TranslationUnavailable(Exception):
    """The LLM cannot be used (not configured, missing or failing): no new translations can be made."""


@dataclass
class Translation:
    text: str | None  # None: rejected by the checks
    problems: list[str]  # why it, or some of its lines (then left out of `text`), failed them
    rejected: str | None = None  # the text the checks rejected


def check(
    original: str, translation: str, target: str, common_words: set[str] = frozenset(), source: str | None = None,
    terms: Sequence[Term] = (),
) -> list[str]:
    """Why `translation` is not an acceptable `target`-language rendering of `original` (in `source`; empty: it is);
    `common_words` are the document's lower-case words (see `changed_facts`); `terms` the glossary's terms it must
    translate as given."""
    if not translation.strip():
        return ["empty"]
    problems = []
    if translation.strip().count("\n") > original.strip().count("\n"):
        problems.append("more than a translation")  # e.g. "Here is the translation:" before it
    if not 0.4 * len(original) - 10 <= len(translation) <= 2.5 * len(original) + 20:
        problems.append("length")
    if len(_LETTERS.findall(translation)) >= _MIN_WORDS_TO_CHECK_LANGUAGE:
        detected = detect_language(translation)
        if detected not in (target, UNKNOWN):
            problems.append(f"language {detected}")
    problems += [f"term {term.source} not translated as {term.target}" for term in terms if not term.kept_in(translation)]
    # the words of a glossary term translated as the glossary says are no names ("Human Trafficking": "traite des êtres humains")
    translated_terms = {fold_accents(w.lower()) for term in terms if term.kept_in(translation) for w in WORD.findall(term.source)}
    return problems + changed_facts(original, translation, set(common_words) | translated_terms, source)


def _lost(original: str, problems: list[str]) -> list[str]:
    """The numbers and names of `original` (as written there) that the problems say a translation lost."""
    lost = {p.split()[1] for p in problems if p.endswith(" lost")}
    return list(dict.fromkeys(w for w in WORD.findall(original) if fold_accents(w.lower()) in lost))


class TranslationCache:
    """Translations by key, read from the shipped seed and the data dir's file; new ones appended to the latter
    (a line per entry, flushed and synced: a crash loses at most the line being written)."""

    def __init__(self, path: Path, seed: Path | None = None):
        self.path = path
        self.seed = seed

    @cached_property
    def entries(self) -> dict[str, dict]:
        """Read on first use: an ingest with nothing to translate never reads the files."""
        entries: dict[str, dict] = {}
        for file in (self.seed, self.path):
            if file and file.is_file():
                for line in file.read_text(encoding="utf-8").splitlines():
                    try:
                        entry = json.loads(line)
                        entries[entry["key"]] = entry
                    except (json.JSONDecodeError, KeyError, TypeError):
                        log.warning("skipping a damaged line in %s", file)
        return entries

    def get(self, key: str) -> Translation | None:
        entry = self.entries.get(key)
        return Translation(entry["text"], entry["problems"], entry.get("rejected")) if entry else None

    def put(self, key: str, entry: dict) -> None:
        self.entries[key] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def cache_key(text: str, source: str, target: str, model: str, terms: Sequence[Term] = ()) -> str:
    """The key of a translation; the glossary terms the prompt names are part of it (a line without any keeps its key)."""
    asked = [PROMPT_VERSION, model, source, target, text] + ([[t.source, t.target] for t in terms] if terms else [])
    return hashlib.sha256(json.dumps(asked).encode()).hexdigest()[:32]


class Translator:
    """Translates sentences with the settings' LLM (loaded on the first cache miss)."""

    def __init__(self, settings: Settings, cache: TranslationCache | None = None, chat=None):
        self.settings = settings
        self.model = model_id(settings)
        self.cache = cache or TranslationCache(settings.translation_cache_path, settings.translation_seed)
        self.glossary = Glossary.load(settings.translation_glossary)
        self._chat = chat
        self.unavailable: str | None = None if chat or settings.llm_backend != "extractive" else "no LLM is configured"
        self.made = 0  # translations asked of the LLM in this run (not from the cache)

    def _model(self):
        if self._chat is None and self.unavailable is None:
            from models.chat import make_chat_model  # LangChain and llama.cpp load only when a translation is made

            try:
                self._chat = make_chat_model(self.settings, log=log.info)
            except Exception as error:  # a missing file, a broken build, an unreachable server
                log.exception("the LLM could not be loaded for translation")
                self.unavailable = str(error) or type(error).__name__
        if self.unavailable:
            raise TranslationUnavailable(self.unavailable)
        return self._chat

    def translate(
        self, original: str, source: str, target: str, via: str | None = None, common_words: set[str] = frozenset(),
    ) -> Translation:
        """`original` (in `source`) in `target`, line by line; `via` is its English translation to translate from instead;
        `common_words` as for `check`. Raises TranslationUnavailable on a cache miss when the LLM cannot be used."""
        text, lang = (via, PIVOT) if via else (original, source)
        originals, texts, checked_in = _SEGMENT_BREAK.split(original), _SEGMENT_BREAK.split(text), source
        if len(originals) != len(texts):  # the English version left a line out: its lines are checked against themselves
            originals, checked_in = texts, PIVOT
        parts = [self._unit(o, t, lang, checked_in, target, common_words) for o, t in zip(originals[::2], texts[::2])]
        problems = [problem for part in parts for problem in part.problems]
        kept = [(separator, part.text) for separator, part in zip(["", *texts[1::2]], parts) if part.text is not None]
        if not kept:
            return Translation(None, problems)
        # a line that fails is left out, as a sentence that fails is left out of a passage's translation; the first
        # line kept opens the translation without the break that came before it
        return Translation(kept[0][1] + "".join(separator + text for separator, text in kept[1:]), problems)

    def _unit(self, original: str, text: str, lang: str, source: str, target: str, common_words: set[str]) -> Translation:
        """One line `text` (in `lang`; `original` is the same line in `source`) in `target`, from the cache or the LLM,
        with one retry and, for a long line, halves."""
        terms = self.glossary.terms(text, lang, target)
        key = cache_key(text, lang, target, self.model, terms)
        found = self.cache.get(key)
        if found is not None and found.text is not None and check(original, found.text, target, common_words, source, terms):
            found = None  # accepted by an earlier, more lenient check: made again
        if found is not None and found.rejected is not None:
            cleaned = _without_preamble(found.rejected)
            if not check(original, cleaned, target, common_words, source, terms):
                return Translation(cleaned, [])  # rejected by an earlier, stricter check
        result = found if found is not None else self._made(original, text, lang, source, target, common_words, terms, key)
        if result.text is None and len(text) >= _HALVE_FROM and (halves := _halves(text)):
            parts = [self._unit(half, half, lang, lang, target, common_words) for half in halves]
            if all(part.text for part in parts):
                return Translation(" ".join(part.text for part in parts), [])
        return result

    def _made(
        self, original: str, text: str, lang: str, source: str, target: str, common_words: set[str], terms: Sequence[Term], key: str,
    ) -> Translation:
        """`text` translated by the LLM (asked twice at most), checked against `original`, and cached."""
        from langchain_core.messages import HumanMessage, SystemMessage

        system = _SYSTEM.format(source=language_name(lang, "en"), target=language_name(target, "en"))
        if terms:
            system += _TERMS.format(pairs=", ".join(f"“{t.source}” as “{t.target}”" for t in terms))
        messages = [SystemMessage(system), HumanMessage(text)]
        attempt = self._ask(messages, text)
        problems = check(original, attempt, target, common_words, source, terms)
        if problems:
            facts = _lost(original, problems)
            hint = _AGAIN.format(target=language_name(target, "en")) + (_KEEP.format(facts=", ".join(facts)) if facts else "")
            messages[0] = SystemMessage(messages[0].content + hint)
            attempt = self._ask(messages, text)
            problems = check(original, attempt, target, common_words, source, terms)
        result = Translation(None if problems else attempt, problems)
        self.cache.put(key, {
            "key": key, "model": self.model, "prompt": PROMPT_VERSION, "from": lang, "to": target,
            "source": text, "text": result.text, "problems": problems, "rejected": attempt if problems else None,
        })
        self.made += 1
        return result

    def _ask(self, messages, text: str) -> str:
        chat = self._model()
        try:
            reply = chat.invoke(messages, max_tokens=2 * len(text) // 3 + 64)  # ~3 characters a token, room to spare
        except Exception as error:  # a server gone, a model failing mid-run: no more translations in this run
            self.unavailable = str(error) or type(error).__name__
            raise TranslationUnavailable(self.unavailable) from error
        return _without_preamble(str(reply.content))


def _without_preamble(reply: str) -> str:
    """`reply` without a first line announcing the translation, and without the quotes around it."""
    return _PREAMBLE.sub("", reply.strip()).strip().strip('"“”«» ').strip()


def _halves(text: str) -> list[str] | None:
    """`text` split at the comma or semicolon nearest its middle, or None when it has none."""
    cuts = [m.end() for m in re.finditer(r"[,;]\s", text)]
    if not cuts:
        return None
    cut = min(cuts, key=lambda c: abs(c - len(text) / 2))
    return [text[:cut].strip(), text[cut:].strip()]
