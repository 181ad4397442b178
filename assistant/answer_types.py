"""What a question asks for (a date, a person or organisation, a place, a quantity, or something written in
a fixed form: an e-mail address, a phone number, a percentage, a sum of money, a website, a time of day) and whether a
sentence can answer it; and which sentences are statements at all.

No offline named-entity or date model ships in a package (see ../shared/MODELS.md): dates, numbers and
names are found with the ground floor's text utilities, which is enough to tell "holds a date" apart
from "holds none".
"""

import re
from enum import Enum

from core.languages import LANGUAGES
from core.text import JOINED_WORD, PHONE_NUMBER, PREFIX, WORD, counted_things, fold_accents, names, quantities, times


class AnswerType(str, Enum):
    EMAIL = "email"
    PHONE = "phone"
    PERCENTAGE = "percentage"
    MONEY = "money"
    WEBSITE = "website"
    TIME_OF_DAY = "time of day"
    DATE = "date"
    ENTITY = "entity"  # a person or an organisation
    PLACE = "place"
    QUANTITY = "quantity"
    OTHER = "other"


# Checked in this order: "which phone number" asks for a phone number, "what percentage" for a percentage
# before a quantity, "how long" for a quantity, "in which year" for a date.
_CUES = {
    AnswerType.EMAIL: r"e-?mail ?(?:adres|address)|adresse (?:e-?mail|électronique|mail)|courriel",
    AnswerType.PHONE: r"(?:tele)?(?:foon|phone)[ -]?(?:nummer|number)|numéro de téléphone|(?:which|what) number(?! of)"
    r"|welk (?:tele)?(?:foon)?nummer|quel numéro",
    AnswerType.PERCENTAGE: r"(?:what|which|welk|quel(?:le)?) (?:percentage|pourcentage|share|proportion|part)|hoeveel procent",
    AnswerType.MONEY: r"how much (?:money|funding|did|does|will)|hoeveel (?:geld|kost|heeft|kostte)|wat (?:kost|kostte)|gekost"
    r"|combien (?:d'argent|coûte|a coûté)|(?:what|which|welk|quel) (?:bedrag|montant|price|prijs|prix)|funding|budget",
    AnswerType.WEBSITE: r"(?:which|what|welke?|quel|sur quel) (?:website|site|web ?page|webpagina|url)|op welke (?:website|site)",
    AnswerType.TIME_OF_DAY: r"hoe laat|what time(?! of)|(?:à|de|dès) quelle heure|openingstijden|opening (?:hours|times)"
    r"|heures d'ouverture",
    AnswerType.QUANTITY: r"how (?:many|much|long|often)|what (?:amount|number|percentage|share)|hoeveel|hoe (?:lang|vaak|groot)"
    r"|welk (?:bedrag|aantal|percentage)|combien|quel(?:le)? (?:montant|nombre|pourcentage|budget|durée)|pendant combien",
    AnswerType.DATE: r"when|(?:what|which) (?:date|year|month)|since when|wanneer|welke datum|in welk jaar|in welke maand"
    r"|sinds wanneer|quand|quelle date|en quelle année|(?:en|de) quel mois|depuis quand|à quelle date",
    AnswerType.PLACE: r"where|in which (?:city|country|town)|waar|in welke (?:stad|plaats|gemeente)|welk land|où"
    r"|dans quelle (?:ville|commune)|quel pays",
    # "which (European training) body": up to two words before the kind of body, which ends a Dutch compound ("opleidingsinstantie")
    AnswerType.ENTITY: r"who|whom|whose|which (?:\w+ ){0,2}(?:organi[sz]ations?|agency|body|institution|minister|ministry|authority"
    r"|company|service|committee|commission|department|court|unit|office)"
    r"|wie|welke (?:\w+ ){0,2}\w*(?:organisatie|minister|instantie|instelling|autoriteit|dienst|commissie|rechtbank|eenheid|afdeling)"
    r"|welk (?:\w+ ){0,2}\w*(?:bedrijf|ministerie|comité|bureau|agentschap)|qui"
    r"|quel(?:le)?s? (?:\w+ ){0,2}(?:organisations?|organismes?|agences?|institutions?|ministres?|autorités?|entreprises?|sociétés?"
    r"|service|ministère|comité|commission|tribunal|unité|bureau|juridiction)",
}
_PATTERNS = {kind: re.compile(rf"\b(?:{cue})\b", re.IGNORECASE) for kind, cue in _CUES.items()}
# "who", "qui", "where", "waar", "when", "quand", ... also open relative and other clauses ("les intervenants qui
# rencontrent des victimes", "a notification when several contacts"): alone, they ask only where a question or its
# second part opens with them, after a preposition at most ("Door wie", "Jusqu'à quand", "..., and when was it").
_CLAUSE_WORDS = re.compile(r"\b(?:who|whom|whose|wie|qui|where|waar|où|when|wanneer|quand)\b", re.IGNORECASE)
_OPENS_CLAUSE = re.compile(r"(?:^|[,;:]|\b(?:and|or|en|et|ou))\W*(?:[^\W\d_]+['’])?(?:[^\W\d_]+\s+)?$", re.IGNORECASE)
# What a sentence must hold to answer a question about something written in a fixed form.
FORMS = {
    AnswerType.EMAIL: re.compile(r"[\w.+-]+@[\w-]+\.\w"),
    AnswerType.PHONE: PHONE_NUMBER,
    AnswerType.PERCENTAGE: re.compile(r"%|\b(?:procent|pour ?cent|per ?cent)\b", re.IGNORECASE),
    AnswerType.MONEY: re.compile(r"[€$£]|\b(?:euros?|EUR|dollars?|gratis|kosteloos|gratuite?s?|free of charge)\b", re.IGNORECASE),
    AnswerType.WEBSITE: re.compile(r"https?://|www\.|\b[\w-]+\.(?:nl|be|lu|fr|eu|int|org|com|net)\b", re.IGNORECASE),
    AnswerType.TIME_OF_DAY: re.compile(r"\b(?:[01]?\d|2[0-3])[:.h][0-5]\d\b|\b(?:[01]?\d|2[0-3]) ?(?:uur|heures?|h|[ap]\.?m\.?)(?!\w)", re.IGNORECASE),
}

_LINK_LINE = re.compile(
    r"https?://|www\.|\b(?:en savoir plus|lees meer|meer informatie|read more|more information|plus d'informations)\b"
    r"|^(?:zie ook|lees ook|voir aussi|lire aussi|see also)\b",  # a pointer to another question of the page
    re.I,
)
_CRUMB = re.compile(r"\s[>»/|]\s")
_MIN_STATEMENT_WORDS = 4
_INTERROGATIVE = "(?:" + "|".join(sorted({w for lang in LANGUAGES.values() for w in lang.question_words}, key=len, reverse=True)) + ")"
_PREPOSITION = r"(?:on|in|at|to|for|from|by|with|under|op|aan|van|voor|met|door|onder|bij|à|en|de|dans|sur|pour|par|avec|sous)"
# where a second question starts: after "and" ("en", "et") or a semicolon, an interrogative, a preposition before it at most
_SECOND_QUESTION = re.compile(rf"\s*(?:,?\s+(?:and|en|et)|;)\s+(?=(?:{_PREPOSITION}\s+)?{_INTERROGATIVE}\b)", re.IGNORECASE)
_MIN_PART_WORDS = 3
_MAX_HEADING_WORDS = 6  # a short line without a closing stop is a heading
_CLOSING = (".", "!", ":", ";", "»", "”", '"', ")")


def answer_type(question: str) -> AnswerType:
    for kind, pattern in _PATTERNS.items():
        if any(_asks(question, cue) for cue in pattern.finditer(question)):
            return kind
    return AnswerType.OTHER


def question_parts(question: str) -> list[str]:
    """The questions a compound question asks, each alone: "In welke stad vond de eerste bijeenkomst plaats, en
    waarover ging de rondetafel die een jaar later volgde?" asks two ("..., and on which day ...", "...; qui ...")."""
    parts = [part.strip() for part in _SECOND_QUESTION.split(question)]
    return parts if len(parts) > 1 and all(len(WORD.findall(part)) >= _MIN_PART_WORDS for part in parts) else [question]


def _asks(question: str, cue: re.Match) -> bool:
    """Whether `cue`, found in `question`, asks for something rather than opening a relative or other clause."""
    return not _CLAUSE_WORDS.fullmatch(cue.group()) or bool(_OPENS_CLAUSE.search(question[: cue.start()]))


def holds(sentence: str, kind: AnswerType, question: str = "") -> bool:
    """Whether `sentence` has the kind of content that answers a `kind` question (beyond what the question says)."""
    if kind in FORMS:
        return bool(FORMS[kind].search(sentence))
    if kind is AnswerType.DATE:
        return bool(times(sentence) - times(question))
    asked = {  # "pays-" as well as "pays" and "bas": `names` reads "Pays-Bas" as one name
        word[:PREFIX] for joined in JOINED_WORD.findall(fold_accents(question.lower())) for word in (joined, *joined.split("-"))
    }
    if kind is AnswerType.QUANTITY:  # a new number, or a number word counting what is asked: "twee experts" for "combien d'experts"
        return bool(quantities(sentence) - quantities(question) or counted_things(sentence) & asked)
    if kind in (AnswerType.ENTITY, AnswerType.PLACE):
        return any(name[:PREFIX] not in asked for name in names(sentence))  # "Suisse" does not answer "l'application suisse"
    return True


def is_statement(sentence: str) -> bool:
    """A sentence that can be quoted as evidence: not a question, a heading, a link line, a navigation
    crumb or a bare date."""
    text = sentence.strip()
    words = WORD.findall(text)
    if text.rstrip(".").endswith("?") or len(words) < _MIN_STATEMENT_WORDS or _LINK_LINE.search(text) and len(words) < 15:
        return False
    if len(_CRUMB.findall(text)) >= 2 or len(words) <= _MAX_HEADING_WORDS and not text.endswith(_CLOSING):
        return False
    return any(w[0].islower() for w in words if w.isalpha())  # headings and name lists are all capitals and figures
