"""The suggestion model as a coder: cross-validated codings measured like a second coder.

The transcripts the human coders have coded are split into folds (whole transcripts, never
parts of one). For each fold a model (qualcode.coding.suggest_model) is fitted on the codings
of the other transcripts (and the codes' own words), and codes each unit (turn, sentence or
paragraph) of the fold's transcripts with every code whose calibrated score reaches
``min_score``. So the model never sees a transcript it is scored on. These codings, under the
coder name ``machine``, then go through the ordinary agreement computation
(qualcode.analysis.agreement) next to the human coders: per code κ, Krippendorff's α, Gwet's
AC1 and the machine's precision and recall against each human.
"""

from __future__ import annotations

from collections import namedtuple

from sqlalchemy import select

from ..coding import suggest_data as D
from ..coding.suggest_model import fit
from ..errors import ValidationError
from ..store.models import Coding, Transcript, Turn
from ..store.project import Project
from ..store.settings import CONSENSUS
from .agreement import AgreementResult, compute_agreement, project_coders
from .units import check_unit, paragraph_spans, sentence_units, turn_spans

MACHINE = "machine"
FOLDS = 5
Row = namedtuple("Row", "id transcript_id code_id start end coder")


def human_coders(project: Project) -> list[str]:
    """The coders whose codings the machine is compared with (not the consensus coder)."""
    return [c for c in project_coders(project) if c not in (CONSENSUS, MACHINE)]


def _units(project: Project, tid: int, text: str, lang, unit: str) -> list[tuple[int, int]]:
    if unit == "turn":
        with project.reading() as s:
            turns = s.execute(select(Turn.start, Turn.end)
                              .where(Turn.transcript_id == tid)).all()
        return turn_spans([tuple(t) for t in turns], len(text))
    if unit == "paragraph":
        return paragraph_spans(text)
    return sentence_units(text, lang)


def machine_codings(project: Project, coders: list[str], unit: str = "turn", *,
                    min_score: float = 0.5, folds: int = FOLDS) -> list[Row]:
    """Cross-validated codings of the transcripts ``coders`` coded (see the module doc)."""
    unit = check_unit(unit)
    code_ids, definitions = D.code_examples(project)
    examples = D.coding_examples(project, coders=coders)
    groups = sorted({e.group for e in examples})
    if len(groups) < 2:
        raise ValidationError("the machine coder needs at least two coded transcripts "
                              "(it is never scored on a transcript it was trained on)")
    folds = min(folds, len(groups))
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    with project.reading() as s:
        texts = {t.id: (t.text, t.language) for t in s.execute(
            select(Transcript.id, Transcript.text, Transcript.language)
            .where(Transcript.id.in_(groups)))}
    rows: list[Row] = []
    for f in range(folds):
        train = definitions + [e for e in examples if fold_of[e.group] != f]
        model = fit(train, code_ids, folds=3)
        for tid in (g for g in groups if fold_of[g] == f):
            text, lang = texts[tid]
            # the character unit: the machine codes sentences (compared character by character)
            spans = [(a, b) for a, b in (sentence_units(text, lang) if unit == "character"
                                         else _units(project, tid, text, lang, unit)) if b > a]
            if not spans:
                continue
            scores = model.score([text[a:b] for a, b in spans], [lang] * len(spans),
                                 [D.context_of(text, a, b) for a, b in spans])
            for (a, b), row in zip(spans, scores):
                for k in (row >= min_score).nonzero()[0]:
                    rows.append(Row(-(len(rows) + 1), tid, model.code_ids[k], a, b, MACHINE))
    return rows


def machine_agreement(project: Project, coders: list[str] | None = None, unit: str = "turn",
                      *, code=None, min_score: float = 0.5, folds: int = FOLDS,
                      min_overlap: float = 0.9) -> AgreementResult:
    """Agreement of the machine coder with ``coders`` (default: every human coder)."""
    coders = [c for c in (coders or human_coders(project)) if c != MACHINE]
    if not coders:
        raise ValidationError("no human coder has coded anything yet")
    rows = machine_codings(project, coders, unit, min_score=min_score, folds=folds)
    if not rows:
        raise ValidationError("the machine coder gave no code at this minimum score; "
                              "lower --min-score")
    with project.reading() as s:  # the transcripts every human coder coded
        pairs = s.execute(select(Coding.coder, Coding.transcript_id)
                          .where(Coding.coder.in_(coders)).distinct()).all()
    coded = set.intersection(*({t for c, t in pairs if c == coder} for coder in coders))
    return compute_agreement(project, coders + [MACHINE], unit, code=code,
                             transcript_ids=coded, min_overlap=min_overlap, extra=rows,
                             machine=MACHINE)


def cached_machine_agreement(project: Project, coders=None, unit: str = "turn", *,
                             min_score: float = 0.5, version: str | None = None
                             ) -> AgreementResult:
    """machine_agreement kept per project version (the Agreement page reruns often)."""
    from .version_cache import per_version

    return per_version(project, "machine_agreement",
                       (tuple(coders or ()), unit, min_score),
                       lambda: machine_agreement(project, coders, unit, min_score=min_score),
                       version=version)


def remembered_machine_agreement(project: Project, unit: str = "turn", *,
                                 min_score: float = 0.5, version: str | None = None
                                 ) -> AgreementResult:
    """The Agreement page's run: the machine against every human coder (kept per project
    version in this process), and kept in the project as its latest run
    (qualcode.analysis.machine_runs), which the Code page's review queue reads instead of
    running the machine coder itself."""
    from ..coding.view import project_version
    from .machine_runs import remember_run

    version = version or project_version(project)
    result = cached_machine_agreement(project, None, unit, min_score=min_score,
                                      version=version)
    remember_run(project, result, unit, min_score, version=version)
    return result


def trusted_codes(result: AgreementResult, measure: str = "ac1",
                  threshold: float = 0.6) -> tuple[set[str], set[str]]:
    """(code paths whose machine agreement reaches ``threshold`` with every human, the rest):
    the review queue hides the rest when the researcher asks it to."""
    good, bad = set(), set()
    for entry in result.per_code:
        values = [v.get(measure) for v in entry.get("machine_vs", [])]
        ok = values and all(v is not None and v >= threshold for v in values)
        (good if ok else bad).add(entry["code"])
    return good, bad


def machine_rows(result: AgreementResult) -> list[dict]:
    """Per code and human coder, the machine's agreement, as rows with readable headers."""
    return [{"Code": entry["code"], "Human coder": v["coder"],
             "Units coded": entry["units_coded"], "Cohen's κ": v["cohen_kappa"],
             "Gwet's AC1": v["ac1"], "Krippendorff's α": v["krippendorff_alpha"],
             "Precision": v["precision"], "Recall": v["recall"]}
            for entry in result.per_code for v in entry.get("machine_vs", [])]
