"""Text features of the learned code suggestions (qualcode.coding.suggest_model).

A passage becomes word stems (Snowball, for Dutch, English and the other languages it knows)
as unigrams and bigrams, plus character 3–5-grams within words (they catch compounds and
inflections the stemmer misses, which matters for Dutch: "loopbaanbeleid", "loopbaanstap"),
plus, when known, the stems of the text around it (its context). The three blocks are hashed
as scikit-learn's HashingVectorizer hashes (MurmurHash3, through the ``mmh3`` package, so the
app never imports scikit-learn to score): a new coding becomes features without a vocabulary
to grow, so the model can be updated one coding at a time.

The tokenizer is a regular expression and the stemmer the ``snowballstemmer`` package (the
Snowball project's own Python port): both load in milliseconds, where spaCy with its lookup
tables and NLTK take seconds to import, and the model must be ready within seconds of the
server starting.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

BLOCK = 2 ** 20  # hashed columns per block
BLOCKS = ("word", "char", "context")
BLOCK_WEIGHTS = (1.0, 0.6, 0.3)  # each block is scaled to this length
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_LANGS = {"nl": "dutch", "en": "english", "de": "german", "fr": "french", "es": "spanish",
          "it": "italian", "pt": "portuguese", "da": "danish", "sv": "swedish",
          "no": "norwegian", "fi": "finnish"}


@lru_cache(maxsize=16)
def _stemmer(lang: str | None):
    import snowballstemmer

    name = _LANGS.get((lang or "").lower()[:2])
    return snowballstemmer.stemmer(name) if name else None


_STEMS: dict[str | None, dict[str, str]] = {}


def words(text: str) -> list[str]:
    """The words of ``text``, lower case (letters only, apostrophes and hyphens inside)."""
    return [w.lower() for w in _WORD.findall(text or "")]


def stems(text: str, lang: str | None) -> list[str]:
    """The Snowball stems of the words of ``text`` (the words themselves for an unknown
    language), cached per word form."""
    cache = _STEMS.setdefault(lang, {})
    stemmer = _stemmer(lang)
    out = []
    for w in words(text):
        if len(w) < 2:
            continue
        s = cache.get(w)
        if s is None:
            s = stemmer.stemWord(w) if stemmer else w
            if len(cache) < 200_000:
                cache[w] = s
        out.append(s)
    return out


def word_terms(text: str, lang: str | None) -> list[str]:
    """Unigrams and bigrams of stems: the word features (and the "why" words of a suggestion)."""
    s = stems(text, lang)
    return s + [f"{a} {b}" for a, b in zip(s, s[1:])]


def char_ngrams(text: str) -> list[str]:
    """Character 3–5-grams within words, each word padded with a space on either side, a word
    shorter than n counted once: the n-grams of scikit-learn's ``analyzer="char_wb"``
    (``CountVectorizer._char_wb_ngrams``; tests/test_suggest_features.py checks they agree)."""
    out = []
    add = out.append
    for w in text.split():
        w = f" {w} "
        size = len(w)
        for n in range(3, 6):
            add(w[:n])
            for offset in range(1, size - n + 1):
                add(w[offset:offset + n])
            if size <= n:
                break
    return out


def _hashed(rows: list[list[str]]):
    """Term counts hashed into BLOCK columns, one row per list of terms: the matrix of
    scikit-learn's ``HashingVectorizer(alternate_sign=False, norm=None)`` (MurmurHash3 of the
    UTF-8 term, seed 0, |h| mod BLOCK), computed with the ``mmh3`` package so that the app's
    process scores and updates without importing scikit-learn (60 MB of the server's memory;
    training, in a process of its own, uses scikit-learn)."""
    import mmh3
    from scipy.sparse import csr_matrix

    index: list[int] = []
    indptr = [0]
    hashes: dict[str, int] = {}
    for terms in rows:
        for t in terms:
            h = hashes.get(t)
            if h is None:
                h = mmh3.hash(t.encode("utf-8"), 0, True)
                h = (2147483647 - (BLOCK - 1)) % BLOCK if h == -2147483648 else abs(h) % BLOCK
                hashes[t] = h
            index.append(h)
        indptr.append(len(index))
    m = csr_matrix((np.ones(len(index)), np.asarray(index, np.int32),
                    np.asarray(indptr, np.int64)), shape=(len(rows), BLOCK))
    m.sum_duplicates()
    return m


def counts(texts: list[str], langs: list[str | None], contexts: list[str] | None = None, *,
           bulk: bool = False):
    """Hashed term counts, one row per text: [word | char | context] blocks of BLOCK columns.
    ``bulk``: hash with scikit-learn's HashingVectorizer itself (its C loop; a fit of 20,000
    quotes, which imports scikit-learn anyway), the same matrix."""
    from scipy.sparse import hstack

    hashed, chars = (_sklearn_hashed, _sklearn_chars) if bulk else (_hashed, _chars)
    w = hashed([word_terms(t, l) for t, l in zip(texts, langs)])
    c = chars([" ".join(words(t)) for t in texts])
    ctx = hashed([stems(x or "", l) for x, l in zip(contexts or [""] * len(texts), langs)])
    return hstack([w, c, ctx], format="csr", dtype=np.float64)


def _chars(texts: list[str]):
    return _hashed([char_ngrams(t) for t in texts])


@lru_cache(maxsize=1)
def _sklearn_vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    word = HashingVectorizer(n_features=BLOCK, analyzer=_identity, alternate_sign=False,
                             norm=None)
    char = HashingVectorizer(n_features=BLOCK, analyzer="char_wb", ngram_range=(3, 5),
                             alternate_sign=False, norm=None, lowercase=False)
    return word, char


def _identity(x):
    return x


def _sklearn_hashed(rows: list[list[str]]):
    return _sklearn_vectorizers()[0].transform(rows)


def _sklearn_chars(texts: list[str]):
    return _sklearn_vectorizers()[1].transform(texts)


def term_columns(terms: list[str]) -> list[int]:
    """The hashed column of each word term (a stem or a bigram of stems) in the word block."""
    if not terms:
        return []
    m = _hashed([[t] for t in terms])
    return [int(m.indices[m.indptr[i]]) for i in range(len(terms))]


def weigh(x, idf: np.ndarray, block_of: np.ndarray):
    """Sublinear tf × idf, each block scaled to the length BLOCK_WEIGHTS gives it: the features
    the model sees. ``x`` has the model's (compacted) columns; ``block_of`` each column's block."""
    x = x.tocsr(copy=True)
    np.log1p(x.data, out=x.data)
    x.data *= idf[x.indices]
    sq = x.copy()
    sq.data **= 2
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    blocks = block_of[x.indices]
    norms = np.zeros((x.shape[0], len(BLOCKS)))
    np.add.at(norms, (rows, blocks), sq.data)
    norms = np.sqrt(norms)
    norms[norms == 0] = 1.0
    x.data *= np.asarray(BLOCK_WEIGHTS)[blocks] / norms[rows, blocks]
    return x
