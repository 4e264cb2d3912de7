"""The "Theoretical model" section of the theme report, and the relations as XLSX sheets.

The section: the core category and storyline (when set), the network diagram of every relation
(PNG, export/network_image.py), then one sentence per relation, strongest first —
"Loss of fit *condition of* Push: change in the individual — 14 quotes" — each followed by its
strongest quotes. A relation's quotes are its grounding codings that the reader may see
(``coder``/``viewer`` as in the rest of the report); the strongest are chosen to show the
spread first: one quote per interview (in interview order), then the rest, longest first,
at most ``quotes_per_relation``.
"""

from __future__ import annotations

import io

from docx.shared import Inches, RGBColor

from ..analysis.network import build_network
from ..coding.paradigm import core_category, storyline
from ..coding.quotes import quote_rows
from ..coding.relations import RelationView, list_relations
from ..store.clean import clean
from ..store.project import Project
from .i18n import location as localized_location
from .i18n import tr
from .xlsx import rows_sheet, workbook_bytes

MAX_DIAGRAM_NODES = 40


def _name(path: str) -> str:
    return path.rsplit(" / ", 1)[-1]


def strongest(rows: list, n: int) -> list:
    """One quote per interview first (interview order), then the longest of the rest."""
    rows = sorted(rows, key=lambda r: (r.interview_order if r.interview_order is not None
                                       else 1 << 30, r.transcript, r.start))
    seen, first, rest = set(), [], []
    for r in rows:
        (rest if r.transcript_id in seen else first).append(r)
        seen.add(r.transcript_id)
    rest.sort(key=lambda r: -len(r.quote))
    return (first + rest)[:n]


def relation_quotes(project: Project, relations: list[RelationView], *,
                    coder: str | None = None, viewer: str | None = None) -> dict[int, list]:
    """Relation id -> its grounding quote rows the reader may see."""
    ids = {c for r in relations for c in r.evidence}
    rows = {q.coding_id: q for q in quote_rows(project, coding_ids=ids, coder=coder,
                                               viewer=viewer)} if ids else {}
    return {r.id: [rows[c] for c in r.evidence if c in rows] for r in relations}


def add_model_section(document, project: Project, *, language: str | None = None,
                      coder: str | None = None, viewer: str | None = None,
                      quotes_per_relation: int = 3) -> None:
    document.add_heading(tr("model", language), 1)
    core = core_category(project)
    if core is not None:
        p = document.add_paragraph()
        p.add_run(f"{tr('core_category', language)}: ").bold = True
        p.add_run(clean(core.name))
    story = storyline(project)
    if story is not None and (story.body or "").strip():
        document.add_heading(tr("storyline", language), 2)
        for para in clean(story.body).split("\n\n"):
            document.add_paragraph(para.strip())
    relations = list_relations(project)
    if not relations:
        note = document.add_paragraph().add_run(tr("no_relations", language))
        note.italic = True
        note.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        return
    from .network_image import network_png

    net = build_network(project, relations=relations, max_nodes=MAX_DIAGRAM_NODES,
                        viewer=viewer)
    document.add_picture(io.BytesIO(network_png(net, dpi=200)), width=Inches(6.3))
    caption = document.add_paragraph().add_run(tr("model_caption", language))
    caption.italic = True
    quotes = relation_quotes(project, relations, coder=coder, viewer=viewer)
    order = sorted(relations, key=lambda r: (-len(quotes[r.id]), r.source, r.target, r.type))
    for rel in order:
        n = len(quotes[rel.id])
        p = document.add_paragraph(style="List Bullet")
        p.add_run(clean(_name(rel.source)) + " ")
        p.add_run(clean(rel.type)).italic = True
        p.add_run(" " + clean(_name(rel.target)) + " — ")
        p.add_run(tr("one_quote", language) if n == 1 else tr("n_quotes", language, n=n))
        if rel.memo:
            memo = document.add_paragraph().add_run(clean(rel.memo))
            memo.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        for q in strongest(quotes[rel.id], quotes_per_relation):
            para = document.add_paragraph(style="Quote")
            para.add_run(f"“{clean(q.quote).strip()}”")
            where = para.add_run(f" — {clean(q.participant)}, "
                                 f"{clean(localized_location(q.location, language))}")
            where.font.color.rgb = RGBColor(0x66, 0x66, 0x66)


def relation_rows(project: Project, relations: list[RelationView] | None = None):
    relations = relations if relations is not None else list_relations(project)
    return [(r.source, r.type, r.target, "yes" if r.directed else "no", r.weight, r.memo,
             ", ".join(map(str, r.evidence))) for r in relations]


RELATION_HEADER = ("source", "type", "target", "directed", "evidence", "memo",
                   "evidence coding ids")


def add_relation_sheets(workbook, project: Project, *, coder: str | None = None,
                        viewer: str | None = None) -> None:
    """A "Relations" sheet (one row per relation) and a "Relation evidence" sheet (one row per
    grounding quote)."""
    relations = list_relations(project)
    rows_sheet(workbook, "Relations", RELATION_HEADER, relation_rows(project, relations))
    quotes = relation_quotes(project, relations, coder=coder, viewer=viewer)
    rows_sheet(workbook, "Relation evidence",
               ("source", "type", "target", "coding id", "quote", "participant", "location"),
               ((r.source, r.type, r.target, q.coding_id, q.quote, q.participant, q.location)
                for r in relations for q in quotes[r.id]))


def relations_xlsx(project: Project, *, coder: str | None = None,
                   viewer: str | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    add_relation_sheets(workbook, project, coder=coder, viewer=viewer)
    return workbook_bytes(workbook)
