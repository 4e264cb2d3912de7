"""Language pipelines: spaCy blank models (no downloads) with the sentencizer and the lookup
lemmatizer from spacy-lookups-data, plus NLTK's Snowball stemmer for the words it misses."""

from __future__ import annotations

from functools import lru_cache

# spaCy and NLTK are imported where they are used: together they take seconds to import, and
# the app's pages should not wait for them before a passage is selected.

_STEMMERS = {"nl": "dutch", "en": "english", "de": "german", "fr": "french"}


@lru_cache(maxsize=8)
def pipeline(lang: str | None):
    """A blank spaCy pipeline for ``lang`` (multi-language 'xx' when unknown)."""
    import spacy

    try:
        nlp = spacy.blank(lang or "xx")
    except Exception:  # unknown language code
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception:  # no lookup table for this language: sentences still work
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
        nlp.initialize()
    return nlp


@lru_cache(maxsize=8)
def sentencizer(lang: str | None):
    """A blank spaCy pipeline with only the sentencizer: the same sentence boundaries as
    ``pipeline`` without loading the lemma tables (seconds), for callers that need only
    sentences."""
    import spacy

    try:
        nlp = spacy.blank(lang or "xx")
    except Exception:  # unknown language code
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


@lru_cache(maxsize=8)
def _stemmer(lang: str | None):
    from nltk.stem.snowball import SnowballStemmer

    name = _STEMMERS.get(lang or "")
    return SnowballStemmer(name) if name else None


def terms(text: str, lang: str | None) -> list[str]:
    """Content words of ``text`` as lemma stems, without stop words, numbers and punctuation."""
    nlp = pipeline(lang)
    stemmer = _stemmer(lang)
    out = []
    for token in nlp(text):
        if token.is_stop or token.is_punct or token.is_space or token.like_num or len(token) < 3:
            continue
        if not any(ch.isalpha() for ch in token.text):
            continue
        lemma = (token.lemma_ or token.text).lower()
        out.append(stemmer.stem(lemma) if stemmer else lemma)
    return out
