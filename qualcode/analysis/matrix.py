"""Framework matrices (matrix coding): codes × cases, or codes × the values of any attribute
(e.g. role: participant / former manager / current manager). Each cell holds the number of
codings, the number of transcripts, the coverage (share of the characters of those
transcripts coded), the quotes themselves, and a summary the researcher writes (stored).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from ..coding.codings import visible_coders
from ..errors import NotFound, ValidationError
from ..corpus.cases import include_interviewer
from ..store.case_rules import INTERVIEWER
from ..store.models import Case, Code, MatrixSummary, Transcript
from ..store.project import Project, get_row
from .codings_frame import CodingArrays, coding_arrays
from .version_cache import frozen, kept_view, per_version

CASE = "case"  # the dimension "each case (the person who speaks) is a column"
INTERVIEW = "interview"  # the dimension "each transcript is a column"
ROLE = "role"  # the role of the speaker's case (the transcript's where no case speaks)
NONE_VALUE = "(none)"  # the column of transcripts without the attribute


@dataclass
class MatrixCell:
    code_id: int
    value: str
    count: int
    transcripts: int
    coverage: float  # 0–1
    summary: str = ""


@dataclass
class MatrixResult:
    by: str
    codes: list[int]  # code ids in code-tree order
    paths: dict[int, str]
    values: list[str]  # column values in order
    cells: dict[tuple[int, str], MatrixCell]
    column_transcripts: dict[str, list[int]]  # value -> transcript ids (interview order)
    data: CodingArrays = field(repr=False)
    value_of: dict[int, str] = field(default_factory=dict, repr=False)  # transcript -> value
    project: Project | None = field(default=None, repr=False)
    # tables derived from the counts (the quotes grid, chart specs), shared by the results of
    # one cached computation (see ``framework_matrix``'s ``version``)
    derived: dict = field(default_factory=dict, repr=False)
    version: str | None = field(default=None, repr=False)  # the project version, when cached
    # by a speaker dimension (case, role, a case attribute): coding id -> the values of its
    # speakers (a coding across two speakers is in both columns)
    coding_values: dict[int, tuple] | None = field(default=None, repr=False)

    def cell(self, code_id: int, value: str) -> MatrixCell:
        return self.cells.get((code_id, value)) or MatrixCell(code_id, value, 0, 0, 0.0)

    def rows(self, *, empty: bool = False) -> list[dict]:
        """One row per cell (code, value), the CLI's JSON."""
        out = []
        for code in self.codes:
            for value in self.values:
                c = self.cell(code, value)
                if c.count or empty or c.summary:
                    out.append({"code": self.paths[code], "value": value, "count": c.count,
                                "transcripts": c.transcripts, "coverage": round(c.coverage, 4),
                                "summary": c.summary})
        return out

    def table(self, what: str = "count") -> pd.DataFrame:
        """Codes × values of ``count``, ``transcripts`` or ``coverage``."""
        if what not in ("count", "transcripts", "coverage"):
            raise ValidationError(f"a matrix shows count, transcripts or coverage, not {what!r}")
        data = [[getattr(self.cell(c, v), what) for v in self.values] for c in self.codes]
        return pd.DataFrame(data, index=[self.paths[c] for c in self.codes], columns=self.values)

    def quotes_table(self, summaries: bool = True) -> pd.DataFrame:
        """Codes × values with the cell's summary and its quotes as text (the framework grid).
        The quotes are read once per matrix (once per version for a cached one: the grid shows
        only what the version covers, the quoted text and the participant)."""
        quotes = self.memo("cell_quotes", lambda: self.cell_quotes(self._every_quote()))
        data = []
        for code in self.codes:
            row = []
            for value in self.values:
                parts = []
                cell = self.cell(code, value)
                if summaries and cell.summary:
                    parts.append(f"[{cell.summary}]")
                parts += [f"“{r.quote}” — {r.participant}" for r in quotes.get((code, value), [])]
                row.append("\n".join(parts))
            data.append(row)
        return pd.DataFrame(data, index=[self.paths[c] for c in self.codes], columns=self.values)

    def quotes(self, code_id: int, value: str):
        """The quote rows (qualcode.coding.quotes.QuoteRow) of a cell, in interview order: read for
        this cell only (its codes and interviews), so always current."""
        d = self.data
        tids = np.array(self.column_transcripts.get(value, []), dtype=np.int64)
        mask = (d.codes == code_id) & np.isin(d.tids, tids)
        ids = set(d.ids[mask].tolist())
        if self.coding_values is not None:
            ids = {i for i in ids if value in self.coding_values.get(i, ())}
        if not ids:
            return []
        source = d.source_codes if d.source_codes is not None else d.codes
        rows = self._quote_rows(code_ids=set(source[mask].tolist()),
                                transcript_ids=set(d.tids[mask].tolist()))
        return _ordered(r for r in rows if r.coding_id in ids)

    def cell_quotes(self, every: dict | None = None) -> dict[tuple[int, str], list]:
        """Every cell's quote rows, in interview order, from one read of every quote of the
        matrix's interviews (the exports, the quotes grid); ``every``: those quote rows by
        coding id, when already read."""
        if every is None:  # read now: the exports show the codings' memos as they are
            every = self._fresh_quotes()
        d = self.data
        out: dict[tuple[int, str], list] = {}
        for coding_id, tid, code in zip(d.ids.tolist(), d.tids.tolist(), d.codes.tolist()):
            row = every.get(coding_id)
            if row is None:
                continue
            if self.coding_values is not None:
                values = self.coding_values.get(coding_id, ())
            else:
                values = (self.value_of[tid],) if tid in self.value_of else ()
            for value in values:
                out.setdefault((code, value), []).append(row)
        return {k: _ordered(rows) for k, rows in out.items()}

    def memo(self, key, build):
        """``build()`` once per key for these counts (kept with a cached matrix)."""
        return kept_view(self.derived, key, build)

    def _every_quote(self) -> dict:
        """The quote rows of the matrix's interviews by coding id; for a cached matrix every
        quote of the project, read once per version for all the cached matrices."""
        if self.version is None:
            return self._fresh_quotes()
        return per_version(self.project, "matrix", ("quote_rows",),
                           lambda: {r.coding_id: r for r in self._quote_rows()},
                           version=self.version)

    def _fresh_quotes(self) -> dict:
        """The quote rows of the matrix's interviews by coding id, read now."""
        return {r.coding_id: r for r in self._quote_rows(transcript_ids=set(self.value_of))}

    def _quote_rows(self, **filters):
        from ..coding.quotes import quote_rows

        return quote_rows(self.project, **filters)


def _ordered(rows) -> list:
    """Quote rows in interview order, then by position (then by id: the same order however
    they were read)."""
    return sorted(rows, key=lambda r: (r.interview_order if r.interview_order is not None
                                       else 1 << 30, r.transcript, r.start, r.coding_id))


def attribute_names(project: Project) -> list[str]:
    """Every attribute name used on a transcript or a case, sorted."""
    with project.reading() as s:
        names = set()
        for attrs in s.scalars(select(Transcript.attributes)):
            names.update(str(k) for k in (attrs or {}))
        names.update(_case_attribute_names(s))
    return sorted(names)


def _case_attribute_names(s) -> set[str]:
    names = set()
    for attrs in s.scalars(select(Case.attributes)):
        names.update(str(k) for k in (attrs or {}))
    return names


def dimensions(project: Project) -> list[str]:
    """The columns a matrix can have: each case, each interview, role, then every attribute."""
    return [CASE, INTERVIEW, ROLE, *[n for n in attribute_names(project) if n != ROLE]]


def framework_matrix(project: Project, by: str = INTERVIEW, *, where: dict | None = None,
                     code_ids=None, coders=None, level: int | None = None,
                     include_empty_codes: bool = False, version: str | None = None,
                     viewer: str | None = None,
                     include_interviewers: bool | None = None) -> MatrixResult:
    """The matrix of codes (rows, code-tree order) × ``by`` (columns): ``"case"`` for one
    column per person who speaks (a coding counts for the speaker of its words), ``"role"``
    for one column per role of those speakers, ``"interview"`` for one column per transcript
    in interview order, or an attribute name (of cases, else of transcripts) for one column per
    value (sorted; those without it under "(none)"). By interview or a transcript attribute,
    words only interviewers said count only when the project includes interviewer text
    (``qualcode.corpus.cases.include_interviewer``).

    ``version`` (qualcode.coding.view.project_version, computed by the caller): the counts are
    computed once per version and arguments and shared between calls and sessions (the app's
    page runs), with what is derived from them (every quote, chart specs); the cell summaries
    are read fresh on every call. ``viewer``: who is looking (under blind coding, only their
    own codings count). ``include_interviewers``: count interviewers' words (None: the
    project's choice, ``qualcode.corpus.cases.include_interviewer``)."""
    by = (by or INTERVIEW).strip()
    coders = visible_coders(project, coders, viewer=viewer)
    include = include_interviewer(project) if include_interviewers is None else include_interviewers
    if version is None:
        base = _counts(project, by, where, code_ids, coders, level, include)
    else:
        key = ("framework_matrix", by, frozen(where), frozen(code_ids), frozen(coders), level,
               include)
        base = per_version(project, "matrix", key, lambda: replace(
            _counts(project, by, where, code_ids, coders, level, include), version=version),
            version=version)
    with project.reading() as s:
        summaries = _summaries(s, by)
    return _with_summaries(base, summaries, include_empty_codes)


def _counts(project: Project, by: str, where, code_ids, coders, level,
            include: bool = False) -> MatrixResult:
    """The matrix without summaries; ``codes``: the codes with codings."""
    with project.reading() as s:
        by_speaker = by in (CASE, ROLE) or by in _case_attribute_names(s)
    if by_speaker:
        return _speaker_counts(project, by, where, code_ids, coders, level, include)
    data = coding_arrays(project, where=where, code_ids=code_ids, coders=coders, level=level,
                         include_interviewer=include)
    docs = data.corpus.select(where)
    if by != INTERVIEW and not any(by in d.attributes for d in docs):
        known = attribute_names(project)
        raise NotFound(f"no transcript has the attribute {by!r}"
                       + (f" (attributes: {', '.join(known)})" if known else ""))
    value_of = {d.id: (d.name if by == INTERVIEW else _value(d.attributes.get(by))) for d in docs}
    columns: dict[str, list[int]] = {}
    for d in docs:  # interview order
        columns.setdefault(value_of[d.id], []).append(d.id)
    values = list(columns) if by == INTERVIEW else sorted(columns,
                                                          key=lambda v: (v == NONE_VALUE, v))
    with project.reading() as s:
        lengths = dict(s.execute(select(Transcript.id, func.length(Transcript.text))).all())
    present = set(np.unique(data.codes).tolist())
    codes = [c for c in data.order if c in present]
    cells: dict[tuple[int, str], MatrixCell] = {}
    if len(data):
        frame = pd.DataFrame({"code": data.codes, "tid": data.tids, "start": data.starts,
                              "end": data.ends})
        frame["value"] = frame["tid"].map(value_of)
        frame = frame.dropna(subset=["value"])
        frame["covered"] = _union_lengths(frame)
        length_of = {v: sum(lengths.get(t, 0) or 0 for t in tids) for v, tids in columns.items()}
        flat = frame.groupby(["code", "value"], sort=False).agg(
            count=("tid", "size"), covered=("covered", "sum")).reset_index()
        interviews = frame.drop_duplicates(["code", "value", "tid"]).groupby(
            ["code", "value"], sort=False).size()
        flat["transcripts"] = interviews.reindex(
            pd.MultiIndex.from_frame(flat[["code", "value"]])).to_numpy()
        for code, value, count, n_transcripts, covered in zip(
                flat["code"].tolist(), flat["value"].tolist(), flat["count"].tolist(),
                flat["transcripts"].tolist(), flat["covered"].tolist()):
            total = length_of.get(value) or 0
            cells[(code, value)] = MatrixCell(code, value, count, n_transcripts,
                                              covered / total if total else 0.0)
    return MatrixResult(by, codes, data.paths, values, cells, columns, data, value_of, project)


def _speaker_counts(project: Project, by: str, where, code_ids, coders, level,
                    include: bool) -> MatrixResult:
    """By who speaks: each coding counts in the column of each of its speakers' cases (their
    case, role or case attribute; the transcript's where no case speaks); ``transcripts``:
    interviews in which the column's speakers said coded words; coverage: the share of the
    characters those speakers said that is coded. ``include``: interviewers count too (else
    their words and their columns are left out)."""
    data = coding_arrays(project, where=where, code_ids=code_ids, coders=coders, level=level,
                         speakers=True)
    docs = data.corpus.select(where)
    with project.reading() as s:
        cases = {c.id: c for c in s.scalars(select(Case))}

    def case_value(case_id):
        case = cases.get(case_id)
        if case is None or (not include and case.role == INTERVIEWER):
            return None
        if by == CASE:
            return case.name
        if by == ROLE:
            return _value(case.role)
        return _value((case.attributes or {}).get(by))

    doc_of = {d.id: d for d in docs}
    columns: dict[str, list[int]] = {}
    length_of: dict[str, int] = {}
    for d in docs:  # interview order
        for case_id, chars in data.speakers.spoken(d.id).items():
            value = case_value(case_id)
            if value is not None:
                if d.id not in columns.setdefault(value, []):
                    columns[value].append(d.id)
                length_of[value] = length_of.get(value, 0) + chars
    coding_values: dict[int, tuple] = {}
    rows = []
    for i, (cid, tid, credit) in enumerate(zip(data.ids.tolist(), data.tids.tolist(),
                                               data.credits)):
        values = tuple(dict.fromkeys(v for v in map(case_value, credit.ids) if v is not None))
        if not values and not include and credit.roles and all(
                r == INTERVIEWER for r in credit.roles):
            continue  # only an interviewer said these words
        if not values:  # words nobody in particular says: the transcript's own value
            d = doc_of[tid]
            fallback = (NONE_VALUE if by == CASE
                        else _value(d.attributes.get("role" if by == ROLE else by)))
            values = (fallback,)
            if tid not in columns.setdefault(fallback, []):
                columns[fallback].append(tid)
                length_of[fallback] = length_of.get(fallback, 0) + len(d.text)
        coding_values[cid] = values
        rows.extend((i, v) for v in values)
    values = sorted(columns, key=lambda v: (v == NONE_VALUE, v.casefold(), v))
    present = set(np.unique(data.codes).tolist())
    codes = [c for c in data.order if c in present]
    cells: dict[tuple[int, str], MatrixCell] = {}
    if rows:
        index = np.array([r[0] for r in rows], dtype=np.int64)
        frame = pd.DataFrame({"code": data.codes[index], "tid": data.tids[index],
                              "start": data.starts[index], "end": data.ends[index],
                              "value": [r[1] for r in rows]})
        frame["covered"] = _union_lengths(frame.assign(code=frame["code"].astype(str)
                                                       + "\x00" + frame["value"]))
        for (code, value), group in frame.groupby(["code", "value"], sort=False):
            total = length_of.get(value) or 0
            covered = int(group["covered"].sum())
            cells[(int(code), value)] = MatrixCell(int(code), value, len(group),
                                                   group["tid"].nunique(),
                                                   min(covered / total, 1.0) if total else 0.0)
    value_of = {d.id: "" for d in docs}
    return MatrixResult(by, codes, data.paths, values, cells, columns, data, value_of, project,
                        coding_values=coding_values)


def _with_summaries(base: MatrixResult, summaries: dict[tuple[int, str], str],
                    include_empty_codes: bool) -> MatrixResult:
    """``base`` (left unchanged: it may be cached) with the summaries in its cells, and the
    codes that have a summary but no codings among its rows."""
    present = set(base.codes)
    noted = {code for code, _ in summaries}
    codes = [c for c in base.data.order if include_empty_codes or c in present or c in noted]
    cells = dict(base.cells)
    shown = set(codes)
    for (code, value), text in summaries.items():
        if code in shown and value in base.column_transcripts:
            cell = cells.get((code, value)) or MatrixCell(code, value, 0, 0, 0.0)
            cells[(code, value)] = replace(cell, summary=text)
    return replace(base, codes=codes, cells=cells)  # shares the counts and ``derived``


def _value(value) -> str:
    if value is None or str(value).strip() == "":
        return NONE_VALUE
    return str(value)


def _union_lengths(frame: pd.DataFrame) -> np.ndarray:
    """Per coding, the characters it adds to the union of its code's spans in its transcript
    (so overlapping codings of one code are not counted twice)."""
    ordered = frame.sort_values(["code", "tid", "start", "end"])
    running = ordered.groupby(["code", "tid"])["end"].cummax()
    prev_end = running.groupby([ordered["code"], ordered["tid"]]).shift(1).fillna(-1).to_numpy()
    start, end = ordered["start"].to_numpy(), ordered["end"].to_numpy()
    added = np.maximum(end - np.maximum(start, prev_end), 0)
    return pd.Series(added, index=ordered.index).reindex(frame.index).to_numpy()


# --- cell summaries ------------------------------------------------------------------------

def set_cell_summary(project: Project, code_id: int, by: str, value: str, summary: str,
                     author: str = "") -> None:
    """Store (or clear, with an empty text) the researcher's summary of one cell."""
    by, value = (by or INTERVIEW).strip(), str(value)
    with project.transaction() as s:
        get_row(s, Code, code_id, "code")
        if by == INTERVIEW:  # kept by transcript id, so that it survives a rename
            tid = s.scalar(select(Transcript.id).where(Transcript.name == value))
            if tid is None:
                raise NotFound(f"no transcript {value!r}")
            value = str(tid)
        elif by == CASE:  # kept by case id, so that it survives a rename
            case_id = s.scalar(select(Case.id).where(Case.name == value))
            if case_id is None:
                raise NotFound(f"no case {value!r}")
            value = str(case_id)
        row = s.scalar(select(MatrixSummary).where(
            MatrixSummary.code_id == code_id, MatrixSummary.dimension == by,
            MatrixSummary.value == value))
        if not (summary or "").strip():
            if row is not None:
                s.delete(row)
            return
        if row is None:
            row = MatrixSummary(code_id=code_id, dimension=by, value=value)
            s.add(row)
        row.summary = summary
        row.author = author or ""


def cell_summaries(project: Project, by: str) -> dict[tuple[int, str], str]:
    """{(code id, column value): summary} of one dimension (cases by transcript name)."""
    with project.reading() as s:
        return _summaries(s, by)


def _summaries(s, by: str) -> dict[tuple[int, str], str]:
    rows = list(s.scalars(select(MatrixSummary).where(MatrixSummary.dimension == by)))
    if by not in (CASE, INTERVIEW):
        return {(r.code_id, r.value): r.summary for r in rows}
    table = Transcript if by == INTERVIEW else Case
    names = {str(i): name for i, name in s.execute(select(table.id, table.name))}
    return {(r.code_id, names[r.value]): r.summary for r in rows if r.value in names}
