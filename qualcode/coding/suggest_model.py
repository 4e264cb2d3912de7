"""The learned suggestion model: one linear classifier per code over hashed text features
(qualcode.coding.suggest_features), trained on a project's own codings, with calibrated
scores and the reasons for each suggestion.

* **Training rows.** Each coded span is a row whose labels are the codes given to it (a span
  coded twice is one row with two labels). Each code also gets a row of its own words — name,
  labels, definition, inclusion criteria, examples — that weighs most while the code has few
  codings. Suggestions the researcher rejected are rows negative for the rejected code only.
* **Classifier.** For each code a logistic regression fitted by averaged stochastic gradient
  descent (scikit-learn ``SGDClassifier(loss="log_loss", average=True)``) on the columns that
  occur in the training rows (the hashed space compacted to them). One binary model per code,
  not one multi-class model: a span can carry several codes, and a rejection says "not this
  code" without saying which code instead.
* **Incremental updates.** New codings are turned into features alone and the affected codes'
  weights are moved by a few passes of ``partial_fit`` over the new rows; words the model has
  never seen wait for the next full fit, which runs in the background (suggest_service).
* **Calibration.** The raw decision values are mapped to probabilities by Platt scaling
  (Platt 1999) fitted on out-of-fold decision values: folds by transcript, so a score of 0.7
  means that about 70% of such suggestions were one of the codes a human gave that span.
* **Why.** The words of the passage that weigh most for the code (feature value × weight) and
  the most similar earlier quotes of that code (cosine similarity of the features).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import suggest_features as F

MODEL_FORMAT = 2  # bump when the saved model's layout changes (old files are then refit)
ALPHA = 2e-5
EPOCHS = 6
CALIBRATION_ROWS = 2000  # coding rows (whole transcripts) the calibration folds use at most
DEFINITION_WEIGHT = 1.0  # a code's own words, while it has no codings; fades as codings come
REJECTED_WEIGHT = 2.0
MIN_DF = 1
UPDATE_EPOCHS = 3  # passes over the rows a coding adds (Model.update)
UPDATE_ETA = 0.05
SPARSE_INTERCEPT_DECAY = 0.01  # scikit-learn's, for sparse input (linear_model._base)


@dataclass
class Example:
    """One training row: a text with the codes it has (``codes``) or, for a rejected
    suggestion, does not have (``not_codes``)."""

    text: str
    lang: str | None = None
    context: str = ""
    codes: frozenset = frozenset()
    not_codes: frozenset = frozenset()
    group: object = None  # the transcript (cross-validation folds never split one)
    ref: object = None  # a coding id, ("code", id) for a definition row
    kind: str = "coding"  # coding | definition | rejected
    weight: float = 1.0


@dataclass
class Reason:
    words: list[str]
    quotes: list[dict]  # {"coding_id", "text", "similarity"}


@dataclass
class Scored:
    code_id: int
    score: float  # calibrated: the estimated chance that the code applies
    raw: float


@dataclass
class SuggestModel:
    code_ids: list[int]
    columns: np.ndarray  # the hashed columns the model knows, sorted
    idf: np.ndarray
    weights: np.ndarray  # (codes, columns) float32
    bias: np.ndarray  # (codes,)
    platt: tuple[float, float] = (1.0, 0.0)
    # the quotes, for "most similar earlier quotes"
    quote_x: object = None  # csr (rows, columns), weighted
    recent_x: object = None  # the rows of quotes added by updates since the fit
    # the code ids of each row, as tuples of ints (which the garbage collector stops tracking)
    quote_codes: list = field(default_factory=list)
    quote_refs: list = field(default_factory=list)
    quote_texts: list = field(default_factory=list)
    version: str = ""
    data_version: str = ""
    trained_at: float = 0.0
    n_examples: int = 0
    pending: int = 0  # rows added by partial updates since the full fit
    max_coding_id: int = 0  # the newest coding the model has learnt from
    n_codings: int = 0  # codings with ids up to max_coding_id it has learnt from
    format: int = MODEL_FORMAT

    # ------------------------------------------------------------------ features
    @property
    def block_of(self) -> np.ndarray:
        return (self.columns // F.BLOCK).astype(np.int64)

    def features(self, texts, langs, contexts=None):
        raw = F.counts(texts, langs, contexts)
        return F.weigh(_compact(raw, self.columns), self.idf, self.block_of)

    # ------------------------------------------------------------------ scoring
    def decision(self, x) -> np.ndarray:
        """Raw scores (rows, codes). A few rows: each row's columns of the weights gathered
        (no copy of the whole weight matrix, which x @ W.T makes for a transposed float32
        array); many rows: one sparse product."""
        x = x.tocsr()
        if x.shape[0] > 64:
            return np.asarray(x @ self.weights.T.astype(np.float64)) + self.bias
        out = np.empty((x.shape[0], len(self.code_ids)))
        for i in range(x.shape[0]):
            a, b = x.indptr[i], x.indptr[i + 1]
            out[i] = self.weights[:, x.indices[a:b]] @ x.data[a:b]
        return out + self.bias

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * raw + b)))

    def score(self, texts, langs, contexts=None) -> np.ndarray:
        """Calibrated scores, (texts, codes)."""
        if not self.code_ids or not len(texts):
            return np.zeros((len(texts), len(self.code_ids)))
        return self.calibrate(self.decision(self.features(texts, langs, contexts)))

    def top(self, text: str, lang: str | None, top: int = 3, context: str = "",
            min_score: float = 0.0) -> list[Scored]:
        if not self.code_ids:
            return []
        raw = self.decision(self.features([text], [lang], [context]))[0]
        probs = self.calibrate(raw)
        order = np.argsort(-raw, kind="stable")[:top]
        return [Scored(self.code_ids[i], float(probs[i]), float(raw[i])) for i in order
                if probs[i] >= min_score]

    def explain(self, text: str, lang: str | None, code_id: int, n_words: int = 5,
                n_quotes: int = 2, x=None) -> Reason:
        """The passage's words that weigh most for ``code_id`` and its most similar quotes.
        ``x``: the passage's features, when the caller has them."""
        k = self.code_ids.index(code_id)
        if x is None:
            x = self.features([text], [lang])
        x = x.tocsr()
        present = dict(zip(x.indices.tolist(), x.data.tolist()))
        contrib = {}
        terms = sorted(set(F.word_terms(text, lang)))
        for term, col in zip(terms, F.term_columns(terms)):
            j = int(np.searchsorted(self.columns, col))
            if j < len(self.columns) and self.columns[j] == col and j in present:
                value = present[j] * float(self.weights[k, j])
                if value > 0:
                    contrib[term] = contrib.get(term, 0.0) + value
        surface = _surface_words(text, lang)
        ranked = sorted(contrib.items(), key=lambda kv: -kv[1])[:n_words]
        words_out = [" ".join(surface.get(part, part) for part in term.split(" "))
                     for term, _ in ranked]
        quotes = []
        rows = self.rows_of(code_id)
        if len(rows):
            q = self.similarity_rows(x)
            vec = np.zeros(len(self.columns))
            vec[q.indices] = q.data
            nb = self.quote_x.shape[0]
            base, recent = rows[rows < nb], rows[rows >= nb] - nb
            sims = self.quote_x[base] @ vec
            if len(recent):
                sims = np.concatenate([sims, self.recent_x[recent] @ vec])
                rows = np.concatenate([base, recent + nb])
            for i in np.argsort(-sims)[:n_quotes]:
                if sims[i] <= 0:
                    break
                r = int(rows[i])
                quotes.append({"coding_id": self.quote_refs[r], "text": self.quote_texts[r],
                               "similarity": round(float(sims[i]), 3)})
        return Reason(words_out, quotes)

    def similarity_rows(self, x):
        """The rows kept for "most similar earlier quotes": the word block only (stems and
        their bigrams), each row of length one, float32 — the cosine of two quotes' words. The
        character n-grams, seven in eight of a row's entries, stay out (they made the quotes
        the largest part of the model in the app's memory)."""
        x = x.tocsr()
        word = self.block_of[x.indices] == 0
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))[word]
        data = x.data[word].astype(np.float64)
        norms = np.zeros(x.shape[0])
        np.add.at(norms, rows, data ** 2)
        norms = np.sqrt(norms)
        norms[norms == 0] = 1.0
        from scipy.sparse import csr_matrix

        return csr_matrix(((data / norms[rows]).astype(np.float32), (rows, x.indices[word])),
                          shape=x.shape)

    def rows_of(self, code_id: int) -> np.ndarray:
        """The quote rows of a code (kept, and extended as quotes are added)."""
        n = len(self.quote_codes)
        cache = self.__dict__.get("_rows_of")
        if cache is None or cache[0] > n:
            by_code: dict[int, list[int]] = {}
            for r, codes in enumerate(self.quote_codes):
                for c in codes:
                    by_code.setdefault(c, []).append(r)
            cache = [n, {c: np.array(v, np.int64) for c, v in by_code.items()}]
            self.__dict__["_rows_of"] = cache
        elif cache[0] < n:
            for r in range(cache[0], n):
                for c in self.quote_codes[r]:
                    cache[1][c] = np.append(cache[1].get(c, np.zeros(0, np.int64)), r)
            cache[0] = n
        if self.quote_x is None:
            return np.zeros(0, np.int64)
        return cache[1].get(code_id, np.zeros(0, np.int64))

    @property
    def all_quote_x(self):
        """Every quote row (those of the fit, then those added by updates)."""
        from scipy.sparse import vstack

        if self.recent_x is None:
            return self.quote_x
        return vstack([self.quote_x, self.recent_x], format="csr")

    # ------------------------------------------------------------------ incremental
    def update(self, examples: list[Example]) -> None:
        """Move the weights of the codes these rows concern by a few passes of SGD over them
        (new words are ignored until the next full fit)."""
        examples = [e for e in examples if e.codes or e.not_codes]
        if not examples:
            return
        x = self.features([e.text for e in examples], [e.lang for e in examples],
                          [e.context for e in examples]).tocsr()
        touched = set().union(*(e.codes | e.not_codes for e in examples))
        for code_id in touched:
            if code_id not in self.code_ids:
                continue  # a new code: it is learnt at the next full fit
            k = self.code_ids.index(code_id)
            y = np.array([1.0 if code_id in e.codes else 0.0 for e in examples])
            w, b = sgd_steps(self.weights[k].astype(np.float64), float(self.bias[k]), x, y,
                             epochs=UPDATE_EPOCHS)
            self.weights[k] = w.astype(np.float32)
            self.bias[k] = b
        from scipy.sparse import vstack

        coded = [i for i, e in enumerate(examples) if e.kind == "coding"]
        if coded and self.quote_x is not None:
            # kept apart from the fit's rows: no copy of all quotes per coding
            new = self.similarity_rows(x[coded])
            self.recent_x = new if self.recent_x is None else \
                vstack([self.recent_x, new], format="csr")
            self.quote_codes += [tuple(sorted(examples[i].codes)) for i in coded]
            self.quote_refs += [examples[i].ref for i in coded]
            self.quote_texts += [_snippet(examples[i].text) for i in coded]
        self.pending += len(examples)


def sgd_steps(w: np.ndarray, b: float, x, y: np.ndarray, *, epochs: int,
              eta: float = UPDATE_ETA, alpha: float | None = None) -> tuple[np.ndarray, float]:
    """``epochs`` passes of plain SGD on the log loss over the rows of ``x`` (csr) in order,
    constant step ``eta``, L2 weight decay ``alpha``: what scikit-learn's
    ``SGDClassifier(loss="log_loss", learning_rate="constant").partial_fit`` does to one
    binary classifier (``_sgd_fast._plain_sgd``: decay the weights, then add the gradient step;
    the intercept moves by the step times 0.01, its decay for sparse input). Written out so the
    app's process updates the model without importing scikit-learn; tests/test_suggest.py
    checks it against ``partial_fit`` with ``shuffle=False``."""
    alpha = ALPHA if alpha is None else alpha
    decay = max(0.0, 1.0 - eta * alpha)
    w = w.copy()
    for _ in range(epochs):
        for i in range(x.shape[0]):
            a, z = x.indptr[i], x.indptr[i + 1]
            idx, val = x.indices[a:z], x.data[a:z]
            p = float(w[idx] @ val) + b
            # the log loss's gradient in p, for y in {0, 1} (scikit-learn's half binomial loss)
            gradient = 1.0 / (1.0 + np.exp(-p)) - y[i] if p > -700 else -y[i]
            step = -eta * gradient
            w *= decay
            if step != 0.0:
                w[idx] += step * val
                b += step * SPARSE_INTERCEPT_DECAY
    return w, b


def _surface_words(text: str, lang) -> dict[str, str]:
    """stem -> the first word form of the text with that stem (to show words, not stems)."""
    out: dict[str, str] = {}
    for w in F.words(text):
        if len(w) > 1:
            out.setdefault(F.stems(w, lang)[0], w)
    return out


def _snippet(text: str, n: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def _compact(raw, columns: np.ndarray):
    """The hashed rows restricted to the model's columns (others dropped)."""
    from scipy.sparse import csr_matrix

    raw = raw.tocsr()
    pos = np.searchsorted(columns, raw.indices)
    pos_clip = np.minimum(pos, max(len(columns) - 1, 0))
    keep = (len(columns) > 0) & (columns[pos_clip] == raw.indices) if len(columns) else \
        np.zeros(len(raw.indices), bool)
    rows = np.repeat(np.arange(raw.shape[0]), np.diff(raw.indptr))
    return csr_matrix((raw.data[keep], (rows[keep], pos[keep])),
                      shape=(raw.shape[0], len(columns)))


def _label_matrix(examples: list[Example], code_ids: list[int]):
    """y (rows, codes) in {1, 0, -1 = not a row for this code} and per-row weights."""
    index = {c: k for k, c in enumerate(code_ids)}
    y = np.zeros((len(examples), len(code_ids)), np.int8)
    for i, e in enumerate(examples):
        if e.kind == "rejected":
            y[i, :] = -1
        for c in e.codes:
            if c in index:
                y[i, index[c]] = 1
        for c in e.not_codes:
            if c in index:
                y[i, index[c]] = 0
    return y


def _fit_weights(x, y, w, n_codes: int):
    from sklearn.linear_model import SGDClassifier

    weights = np.zeros((n_codes, x.shape[1]), np.float32)
    bias = np.full(n_codes, -5.0)
    for k in range(n_codes):
        use = y[:, k] >= 0
        yk = y[use, k]
        if yk.min(initial=1) == yk.max(initial=0):  # one class only (e.g. no negatives)
            if yk.size and yk[0] == 1:
                bias[k] = 5.0
            continue
        clf = SGDClassifier(loss="log_loss", alpha=ALPHA, average=True, max_iter=EPOCHS,
                            tol=None, random_state=0)
        clf.fit(x[use], yk, sample_weight=w[use])
        weights[k] = clf.coef_[0]
        bias[k] = clf.intercept_[0]
    return weights, bias


def _prepare(examples: list[Example]):
    raw = F.counts([e.text for e in examples], [e.lang for e in examples],
                   [e.context for e in examples], bulk=True)
    columns, df = np.unique(raw.indices, return_counts=True)
    if MIN_DF > 1:
        columns = columns[df >= MIN_DF]
        df = df[df >= MIN_DF]
    n = raw.shape[0]
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    block_of = (columns // F.BLOCK).astype(np.int64)
    x = F.weigh(_compact(raw, columns), idf, block_of)
    return columns, idf, x


def _row_weights(examples: list[Example], code_ids: list[int]) -> np.ndarray:
    coded = {c: 0 for c in code_ids}
    for e in examples:
        if e.kind == "coding":
            for c in e.codes:
                if c in coded:
                    coded[c] += 1
    out = np.empty(len(examples))
    for i, e in enumerate(examples):
        if e.kind == "definition":
            n = max((coded.get(c, 0) for c in e.codes), default=0)
            out[i] = DEFINITION_WEIGHT * 3.0 / (3.0 + n)
        elif e.kind == "rejected":
            out[i] = REJECTED_WEIGHT
        else:
            out[i] = e.weight
    return out


def fit(examples: list[Example], code_ids: list[int], *, folds: int = 2,
        data_version: str = "", calibrate: bool = True) -> SuggestModel:
    """A model fitted on all ``examples`` for ``code_ids``, calibrated on out-of-fold scores."""
    code_ids = list(code_ids)
    started = time.time()
    if not examples or not code_ids:
        return SuggestModel(code_ids, np.zeros(0, np.int64), np.zeros(0), np.zeros(
            (len(code_ids), 0), np.float32), np.full(len(code_ids), -5.0),
            data_version=data_version, trained_at=started, version=_version(data_version, 0))
    columns, idf, x = _prepare(examples)
    y = _label_matrix(examples, code_ids)
    w = _row_weights(examples, code_ids)
    weights, bias = _fit_weights(x, y, w, len(code_ids))
    coded = [i for i, e in enumerate(examples) if e.kind == "coding"]
    model = SuggestModel(code_ids, columns, idf, weights, bias,
                         quote_x=None,
                         quote_codes=[tuple(sorted(examples[i].codes)) for i in coded],
                         quote_refs=[examples[i].ref for i in coded],
                         quote_texts=[_snippet(examples[i].text) for i in coded],
                         data_version=data_version, trained_at=started,
                         n_examples=len(examples), version=_version(data_version, len(examples)))
    model.quote_x = model.similarity_rows(x[coded])
    if calibrate:
        model.platt = _platt(examples, code_ids, folds)
    return model


def _version(data_version: str, n: int) -> str:
    return f"local-1.{n}.{(data_version or 'none')[:8]}"


def out_of_fold(examples: list[Example], code_ids: list[int], folds: int = 5,
                calibrate: bool = False) -> tuple[list[int], np.ndarray]:
    """Decision values of every coding row from a model that never saw its group (transcript):
    (row indexes into ``examples``, scores (rows, codes)). Definition rows are always trained
    on. Raw values unless ``calibrate`` (then each fold's model is calibrated too)."""
    groups = sorted({e.group for e in examples if e.kind == "coding"}, key=repr)
    if len(groups) < 2:
        return [], np.zeros((0, len(code_ids)))
    folds = min(folds, len(groups))
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    rows, out = [], []
    for f in range(folds):
        test = [i for i, e in enumerate(examples) if e.kind == "coding" and fold_of[e.group] == f]
        train = [e for e in examples if fold_of.get(e.group) != f]
        if not test:
            continue
        model = fit(train, code_ids, calibrate=calibrate)
        t = [examples[i] for i in test]
        x = model.features([e.text for e in t], [e.lang for e in t], [e.context for e in t])
        values = model.decision(x)
        out.append(model.calibrate(values) if calibrate else values)
        rows += test
    return rows, (np.vstack(out) if out else np.zeros((0, len(code_ids))))


def _platt(examples: list[Example], code_ids: list[int], folds: int) -> tuple[float, float]:
    """Platt scaling fitted on out-of-fold decision values (every row × code pair), on at most
    CALIBRATION_ROWS coding rows of whole transcripts (a random but fixed choice): the fit
    must stay affordable on a large project, and two numbers need few rows."""
    import random

    from sklearn.linear_model import LogisticRegression

    coded = [e for e in examples if e.kind == "coding"]
    if len(coded) > CALIBRATION_ROWS:
        groups = sorted({e.group for e in coded}, key=repr)
        random.Random(0).shuffle(groups)
        sizes: dict = {}
        for e in coded:
            sizes[e.group] = sizes.get(e.group, 0) + 1
        keep, n = set(), 0
        for g in groups:
            if n >= CALIBRATION_ROWS:
                break
            keep.add(g)
            n += sizes[g]
        examples = [e for e in examples if e.kind == "definition" or e.group in keep]
    rows, values = out_of_fold(examples, code_ids, folds)
    if not rows:
        return (1.0, 0.0)
    truth = np.zeros_like(values, dtype=np.int8)
    index = {c: k for k, c in enumerate(code_ids)}
    for r, i in enumerate(rows):
        for c in examples[i].codes:
            if c in index:
                truth[r, index[c]] = 1
    v, t = values.ravel(), truth.ravel()
    if t.min() == t.max():
        return (1.0, 0.0)
    lr = LogisticRegression(C=100.0).fit(v.reshape(-1, 1), t)
    return (float(lr.coef_[0, 0]), float(lr.intercept_[0]))
