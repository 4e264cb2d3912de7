"""Memos as documents: Markdown and Word, with each memo's type, author, date and links."""

from __future__ import annotations

from datetime import date

from ..coding.memos import MemoView, memo_views
from ..store.models import Memo
from ..store.project import Project
from .docx_tables import docx_bytes
from .i18n import tr


def _meta(m: Memo, language: str | None) -> str:
    """Type, author and date of a memo, as the exports show them: "theoretical · AB · 2026-…"."""
    meta = [tr(f"memo_type_{m.memo_type}", language) if m.memo_type else None,
            m.author or None, m.updated_at.strftime("%Y-%m-%d") if m.updated_at else None]
    return " · ".join(x for x in meta if x)


# --- export -----------------------------------------------------------------------------------

def memos_markdown(project: Project, views: list[MemoView] | None = None,
                   language: str | None = None) -> str:
    """The memos as one Markdown document (their bodies as written)."""
    views = memo_views(project) if views is None else views
    lines = [f"# {tr('memos', language)}", ""]
    for v in views:
        m = v.memo
        lines.append(f"## {m.title}")
        lines.append("*" + _meta(m, language) + "*")
        lines.append("")
        for ln in v.links:
            lines.append(f"- {tr('link_' + ln.kind, language)}: {ln.label}")
        if v.links:
            lines.append("")
        lines.append(m.body.rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def add_memo_section(document, views: list[MemoView], language: str | None = None,
                     level: int = 1) -> None:
    """Memos into a python-docx document: heading per memo, its type, author, links, body."""
    document.add_heading(tr("memos", language), level)
    if not views:
        document.add_paragraph(tr("no_memos", language)).runs[0].italic = True
        return
    for v in views:
        m = v.memo
        document.add_heading(m.title, level + 1)
        if meta := _meta(m, language):
            document.add_paragraph(meta).runs[0].italic = True
        for ln in v.links:
            p = document.add_paragraph(style="List Bullet")
            p.add_run(f"{tr('link_' + ln.kind, language)}: ").bold = True
            p.add_run(ln.label)
        for para in m.body.split("\n\n"):
            if para.strip():
                document.add_paragraph(para.strip())


def memos_docx(project: Project, views: list[MemoView] | None = None,
               language: str | None = None, title: str | None = None) -> bytes:
    from docx import Document

    views = memo_views(project) if views is None else views
    document = Document()
    document.add_heading(title or tr("memos", language), 0)
    document.add_paragraph(tr("memos_summary", language, n=len(views),
                              date=date.today().isoformat()))
    add_memo_section(document, views, language, level=1)
    # the section repeats the heading; drop it in a memo-only document
    body = document.element.body
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    if headings:
        body.remove(headings[0]._element)
    return docx_bytes(document)
