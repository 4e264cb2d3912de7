"""The suggestion features the app computes without scikit-learn (MurmurHash3 through
``mmh3``, the char_wb n-grams written out) are exactly scikit-learn's HashingVectorizer's, the
reference: the model is trained with scikit-learn in a process of its own and scored in the
app's process."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer

from qualcode.coding import suggest_features as F

TEXTS = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                         max_size=80), min_size=1, max_size=6)


def _reference(rows, analyzer="word"):
    if analyzer == "char_wb":
        vec = HashingVectorizer(n_features=F.BLOCK, analyzer="char_wb", ngram_range=(3, 5),
                                alternate_sign=False, norm=None, lowercase=False)
        return vec.transform(rows)
    vec = HashingVectorizer(n_features=F.BLOCK, analyzer=lambda x: x, alternate_sign=False,
                            norm=None)
    return vec.transform(rows)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_char_ngrams_are_char_wb(texts):
    reference = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False)
    analyse = reference.build_analyzer()
    for t in texts:
        assert F.char_ngrams(t) == analyse(t)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_hashed_terms_match_hashing_vectorizer(texts):
    rows = [F.word_terms(t, "nl") + t.split() for t in texts]
    ours, ref = F._hashed(rows), _reference(rows)
    assert (ours != ref).nnz == 0
    chars = [" ".join(F.words(t)) for t in texts]
    ours = F._hashed([F.char_ngrams(t) for t in chars])
    assert (ours != _reference(chars, "char_wb")).nnz == 0


def test_counts_on_dutch_and_english_passages():
    texts = ["Ik moest opnieuw leren hoe de loopbaanstap werkt, en dat viel niet mee.",
             "We had to learn the new system from scratch — it's a shout-out to the team."]
    x = F.counts(texts, ["nl", "en"], ["De context van de vraag.", ""])
    assert x.shape == (2, 3 * F.BLOCK)
    word = _reference([F.word_terms(t, l) for t, l in zip(texts, ["nl", "en"])])
    assert np.array_equal(x[:, :F.BLOCK].toarray(), word.toarray())
    assert F.term_columns(["leren"]) == [int(_reference([["leren"]]).indices[0])]


def test_sgd_steps_match_partial_fit():
    """The app's incremental update equals scikit-learn's SGDClassifier.partial_fit (log loss,
    constant step, no shuffling) on the same rows and starting weights."""
    from scipy.sparse import random as sparse_random
    from sklearn.linear_model import SGDClassifier

    from qualcode.coding.suggest_model import ALPHA, UPDATE_ETA, sgd_steps

    rng = np.random.default_rng(3)
    x = sparse_random(12, 300, density=0.05, format="csr", random_state=4) * 3
    y = rng.integers(0, 2, 12).astype(float)
    w0, b0 = rng.normal(size=300), -1.5
    clf = SGDClassifier(loss="log_loss", alpha=ALPHA, learning_rate="constant",
                        eta0=UPDATE_ETA, shuffle=False)
    clf.coef_ = w0[None, :].copy()
    clf.intercept_ = np.array([b0])
    clf.classes_ = np.array([0.0, 1.0])
    for _ in range(3):
        clf.partial_fit(x, y, classes=np.array([0.0, 1.0]))
    w, b = sgd_steps(w0, b0, x, y, epochs=3)
    assert np.allclose(w, clf.coef_[0], rtol=1e-9, atol=1e-12)
    assert abs(b - clf.intercept_[0]) < 1e-12


def test_bulk_counts_are_the_same_matrix():
    """A fit hashes with scikit-learn itself (bulk=True), the app with mmh3: one matrix."""
    texts = ["Ik moest opnieuw leren hoe de loopbaanstap werkt.", "a b", "",
             "Ça coûte cher — naïve café’s 12 Übergänge"]
    langs, ctx = ["nl", "en", None, "fr"], ["context hier", "", "x", "y z"]
    a = F.counts(texts, langs, ctx)
    b = F.counts(texts, langs, ctx, bulk=True)
    assert (a != b).nnz == 0
