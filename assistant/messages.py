"""What the assistant says to users, in Dutch, French and English."""

MESSAGES = {
    "nl": {
        "refusal": "De documenten geven hierop geen antwoord. Dit zijn de passages die er het dichtst bij komen:",
        "empty": "Stel een vraag over de documenten.",
        "not_a_question": "Stel een vraag over de documenten, in gewone woorden.",
        "unsupported_language": "Vragen in het {language} worden niet ondersteund: stel uw vraag in het Nederlands, Frans of Engels.",
        "truncated": "Uw vraag was te lang en is ingekort tot de eerste {n} tekens.",
        "fallback": "Antwoord letterlijk overgenomen uit de bronnen: het gegenereerde antwoord kon niet worden gecontroleerd.",
        "llm_unavailable": "Het taalmodel is niet beschikbaar ({reason}); het antwoord is letterlijk uit de bronnen overgenomen.",
        "only_in": "Deze informatie staat alleen in het {source} in de documenten:",
        "in_languages": "De documenten zeggen dit in het {source}:",
        "partly_in": "Volgens de documenten (deels in het {source}):",
        "intro": "Volgens de documenten:",
        "machine_translation": "machinevertaling:",
        "no_index": "Er zijn nog geen documenten geïndexeerd: voer eerst `benelux-qa ingest` uit.",
    },
    "fr": {
        "refusal": "Les documents ne répondent pas à cette question. Voici les passages les plus proches :",
        "empty": "Posez une question sur les documents.",
        "not_a_question": "Posez une question sur les documents, avec des mots.",
        "unsupported_language": "Les questions en {language} ne sont pas prises en charge : posez votre question en néerlandais, en français ou en anglais.",
        "truncated": "Votre question était trop longue et a été raccourcie aux {n} premiers caractères.",
        "fallback": "Réponse reprise telle quelle des sources : la réponse générée n'a pas pu être vérifiée.",
        "llm_unavailable": "Le modèle de langue n'est pas disponible ({reason}) ; la réponse est reprise telle quelle des sources.",
        "only_in": "Cette information ne figure qu'en {source} dans les documents :",
        "in_languages": "Les documents le disent en {source} :",
        "partly_in": "Selon les documents (en partie en {source}) :",
        "intro": "Selon les documents :",
        "machine_translation": "traduction automatique :",
        "no_index": "Aucun document n'est encore indexé : lancez d'abord `benelux-qa ingest`.",
    },
    "en": {
        "refusal": "The documents don't answer this question. These are the closest passages:",
        "empty": "Please ask a question about the documents.",
        "not_a_question": "Please ask a question about the documents, in words.",
        "unsupported_language": "Questions in {language} are not supported: please ask in Dutch, French or English.",
        "truncated": "Your question was too long and was shortened to its first {n} characters.",
        "fallback": "Answer taken verbatim from the sources: the generated one could not be verified.",
        "llm_unavailable": "The language model is not available ({reason}); the answer is taken verbatim from the sources.",
        "only_in": "This information exists only in {source} in the documents:",
        "in_languages": "The documents say this in {source}:",
        "partly_in": "According to the documents (partly in {source}):",
        "intro": "According to the documents:",
        "machine_translation": "machine translation:",
        "no_index": "No documents are indexed yet: run `benelux-qa ingest` first.",
    },
}

QUOTES = {"fr": ("« ", " »"), "nl": ("“", "”"), "en": ("“", "”")}


def message(lang: str, key: str, **values) -> str:
    return MESSAGES.get(lang, MESSAGES["en"])[key].format(**values)
