"""Code suggestions for a passage: TF-IDF (scikit-learn) similarity between the passage and each
code's profile — its name, definition, inclusion criteria, example quotes and the quotes already
coded with it. A reading aid for the coder, never applied automatically."""

from __future__ import annotations

from dataclasses import dataclass

from .codes import code_tree
from .nlp import terms
from .store.project import Project
from .quotes import quote_rows


@dataclass(frozen=True)
class Suggestion:
    code_id: int
    path: str
    score: float


def code_profiles(project: Project) -> dict[int, tuple[str, str]]:
    """code id -> (path, profile text)."""
    texts: dict[int, list[str]] = {}
    paths = {}
    for node in code_tree(project):
        c = node.code
        paths[c.id] = node.path
        texts[c.id] = [c.name, *(c.labels or {}).values(), c.description, c.inclusion,
                       *(c.examples or [])]
    for row in quote_rows(project):
        texts.setdefault(row.code_id, []).append(row.quote)
    return {cid: (paths[cid], "\n".join(t for t in parts if t)) for cid, parts in texts.items()
            if cid in paths}


def suggest_codes(project: Project, passage: str, lang: str | None = None, top: int = 3,
                  min_score: float = 0.05) -> list[Suggestion]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # slow to import: only here
    from sklearn.metrics.pairwise import cosine_similarity

    profiles = code_profiles(project)
    if not profiles or not passage.strip():
        return []
    ids = list(profiles)
    vectorizer = TfidfVectorizer(analyzer=lambda text: terms(text, lang), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([profiles[i][1] for i in ids])
    except ValueError:  # no usable words in any profile
        return []
    scores = cosine_similarity(vectorizer.transform([passage]), matrix)[0]
    ranked = sorted(zip(ids, scores), key=lambda x: -x[1])
    return [Suggestion(cid, profiles[cid][0], float(score)) for cid, score in ranked[:top]
            if score >= min_score]
