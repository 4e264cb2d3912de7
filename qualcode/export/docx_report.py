"""Word documents: a theme report per top-level code (tension) and a plain quote table.

The quote tables can hold tens of thousands of rows, so they are not built as a python-docx
tree: the document is made without their body rows (a marker comment stands in each table),
saved, and its ``word/document.xml`` is then copied into the final zip with the rows written
between the markers, one batch at a time, as text made from the table's own template row
(escaped; control characters removed). Memory stays bounded by the skeleton plus one batch,
and nothing is built until the file is asked for."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from docx import Document
from docx.shared import Inches, RGBColor

from ..coding.codes import code_tree, in_subtree
from ..coding.quotes import QuoteRow, quote_rows
from ..store.clean import clean
from ..store.project import Project
from .docx_saturation import add_saturation_section
from .docx_tables import add_table, docx_bytes
from .i18n import location as localized_location
from .i18n import tr

QUOTE_HEADERS = ("Quote", "Participant", "Role", "Location")


def quote_headers(language: str | None = None) -> tuple[str, ...]:
    """Code, Quote, Participant, Role, Location in the report's language."""
    return tuple(tr(k, language) for k in ("col_code", "col_quote", "col_participant",
                                           "col_role", "col_location"))
# Column widths come from the content (export/docx_widths.py): the quote column flexes.
QUOTE_FLEX = 1


def _quote_cells(row: QuoteRow, code_label: str, language: str | None = None) -> list[str]:
    return [code_label, f"“{row.quote}”", row.participant, row.role,
            localized_location(row.location, language)]


def _theme_cells(rows, top_path: str, language: str | None):
    """The cells of a theme's quote rows, made when the table is written (the names are bound
    here, not read from the caller's loop later)."""
    return (_quote_cells(r, _below(r.code, top_path), language) for r in rows)


def _below(path: str, top: str) -> str:
    """A code path shown under its theme: "Theme / Sub" -> "Sub"; the theme itself as is."""
    return path[len(top) + 3:] if path.startswith(top + " / ") else path


def theme_report_docx(project: Project, title: str | None = None,
                      themes: list[int] | None = None, language: str | None = None,
                      saturation=None, include_memos: bool = False, *,
                      coder: str | None = None, viewer: str | None = None,
                      agreement=None, include_model: bool = False,
                      out=None) -> bytes | None:
    """One section per top-level code: definition, criteria, sub-codes with counts, quote table;
    with ``saturation`` (a SaturationReport or SaturationResult), a closing saturation section
    (export/docx_saturation.py); with ``include_memos``, a section with the analytic memos;
    with ``agreement`` (an AgreementResult), the inter-coder agreement tables; with
    ``include_model``, the "Theoretical model" section (export/docx_model.py: core category,
    storyline, the network diagram, one sentence per relation with its strongest quotes). ``coder``: the
    quotes of one coder (e.g. "consensus"); ``viewer``: only their own under blind coding.
    Headings and labels in ``language`` (qualcode.export.i18n; English when it has no strings
    for it). ``out``: a path or binary file to write to (then None is returned), else the
    document's bytes; the quote rows are streamed into it either way (see the module)."""
    nodes = code_tree(project)
    tops = [n for n in nodes if n.depth == 0 and (themes is None or n.code.id in themes)]
    wanted = None if themes is None else {n.code.id for n in nodes if in_subtree(n, tops)}
    rows = quote_rows(project, code_ids=wanted, coder=coder, viewer=viewer)
    by_code = defaultdict(list)
    for r in rows:
        by_code[r.code_id].append(r)
    stream: list = []
    document = _document()
    document.add_heading(clean(title or tr("theme_report", language)), level=0)
    document.add_paragraph(tr("report_summary", language, quotes=len(rows),
                              interviews=len({r.transcript_id for r in rows}),
                              date=date.today().isoformat()))
    for top in tops:
        code = top.code
        label = (code.labels or {}).get(language) if language else None
        document.add_heading(clean(code.name + (f" ({label})" if label and label != code.name else "")), 1)
        if code.description:
            document.add_heading(tr("definition", language), 2)
            document.add_paragraph(clean(code.description))
        for caption, text in ((tr("include_when", language), code.inclusion),
                              (tr("exclude_when", language), code.exclusion)):
            if text:
                p = document.add_paragraph()
                p.add_run(f"{caption}: ").bold = True
                p.add_run(clean(text))
        subtree = [n for n in nodes if in_subtree(n, [top])]
        # quote_rows' order is code tree, interview, position: the subtree's order keeps it
        theme_rows = [r for n in subtree for r in by_code.get(n.code.id, ())]
        counts = Counter(r.code_id for r in theme_rows)
        per_code = defaultdict(set)
        for r in theme_rows:
            per_code[r.code_id].add(r.transcript_id)
        interviews = {n.code.id: len(per_code[n.code.id]) for n in subtree}
        document.add_heading(tr("subcodes", language), 2)
        add_table(document, tuple(tr(k, language) for k in ("col_code", "col_label", "col_quotes",
                                                         "col_interviews")), [
            (n.path.split(" / ", 1)[1] if n.depth
             else f"{n.code.name} ({tr('itself', language)})",
             _labels(n.code.labels, language),
             counts.get(n.code.id, 0), interviews.get(n.code.id, 0)) for n in subtree],
            flex=0)
        document.add_heading(tr("quotes", language), 2)
        if theme_rows:
            add_table(document, quote_headers(language),
                   _theme_cells(theme_rows, top.path, language),
                   stream=stream, flex=QUOTE_FLEX)
        else:
            note = document.add_paragraph().add_run(tr("no_quotes", language))
            note.italic = True
            note.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    if include_model:
        from .docx_model import add_model_section

        add_model_section(document, project, language=language, coder=coder, viewer=viewer)
    if saturation is not None:
        add_saturation_section(document, saturation)
    if agreement is not None:
        from .docx_agreement import add_agreement_section

        add_agreement_section(document, agreement)
    if include_memos:
        from ..coding.memos import memo_views
        from .memos import add_memo_section

        add_memo_section(document, memo_views(project), language)
    return docx_bytes(document, stream, out)


def quote_table_docx(project: Project, title: str | None = None,
                     code_ids: set[int] | None = None,
                     coding_ids: set[int] | None = None, language: str | None = None, *,
                     coder: str | None = None, viewer: str | None = None,
                     out=None) -> bytes | None:
    """All quotes (or those of some codes, or some codings) in one table: code, quote,
    participant, role, location (streamed into the file; ``out`` as for theme_report_docx)."""
    rows = quote_rows(project, code_ids=code_ids, coding_ids=coding_ids, coder=coder,
                      viewer=viewer)
    stream: list = []
    document = _document()
    document.add_heading(clean(title or tr("quote_table", language)), level=0)
    document.add_paragraph(tr("quotes_summary", language, n=len(rows),
                              date=date.today().isoformat()))
    add_table(document, quote_headers(language), (_quote_cells(r, r.code, language) for r in rows),
              stream=stream, flex=QUOTE_FLEX)
    return docx_bytes(document, stream, out)


def _document():
    """A Word document with 0.75" side margins: the five quote columns get 7" of the page."""
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Inches(0.75)
    return document


def _labels(labels: dict | None, language: str | None) -> str:
    labels = labels or {}
    if language:
        return labels.get(language, "")
    return ", ".join(f"{k}: {v}" for k, v in labels.items())
