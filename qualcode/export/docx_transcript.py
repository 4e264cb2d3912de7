"""A coded transcript on paper (Word): the text line by line with speaker labels and time codes,
the coded passages shaded in their code's colour and numbered, and beside each line, in a
margin column, the codings over it (code path, coder; "continued" where a coding goes on from
an earlier line), as NVivo's and MAXQDA's "print with coding stripes". Coding memos are Word
comments anchored on their passage; a legend lists the codes with their colours and counts.

Offsets are code points into the stored text (``text[start:end]``); the lines are the text's
own lines, so every character of the transcript is in the document once."""

from __future__ import annotations

from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..coding.codes import code_tree
from ..coding.codings import codings_for_transcript
from ..coding.view import display_colors, speaker_labels
from ..corpus.transcripts import get_transcript, get_turns
from ..ingest.timecodes import format_timecode
from ..store.clean import clean
from ..store.project import Project
from .docx_tables import _save

TEXT_WIDTH, MARGIN_WIDTH = Cm(11.5), Cm(5.5)


@dataclass(frozen=True)
class _Coding:
    n: int          # its number in the text and the margin
    id: int
    start: int
    end: int
    path: str
    color: str
    coder: str
    memo: str


def tint(color: str, alpha: float = 0.45) -> str:
    """``#rrggbb`` laid at ``alpha`` over white, as ``RRGGBB`` (a light shade: black text on
    it stays readable in print)."""
    c = color if isinstance(color, str) and len(color) == 7 and color.startswith("#") else "#cccccc"
    try:
        rgb = [int(c[i:i + 2], 16) for i in (1, 3, 5)]
    except ValueError:
        rgb = [204, 204, 204]
    return "".join(f"{round(255 - (255 - x) * alpha):02X}" for x in rgb)


def _shade(element, fill: str) -> None:
    """Background shading of a run (``w:rPr``) or a cell (``w:tcPr``)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element.append(shd)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, without its line break."""
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end))
        pos = end + 1
    return out


def coded_transcript_docx(project: Project, transcript: int | str, *, coder: str | None = None,
                          viewer: str | None = None, out=None) -> bytes | None:
    """The coded transcript ``transcript`` (id or name) as a Word document (bytes, or written
    to ``out``). ``coder``: only this coder's codings; ``viewer``: under blind coding, only
    what they may see (as everywhere)."""
    t = get_transcript(project, transcript)
    text = t.text
    turns = get_turns(project, t.id)
    nodes = code_tree(project)
    paths = {n.code.id: n.path for n in nodes}
    colors = display_colors(nodes)
    rows = codings_for_transcript(project, t.id, viewer=viewer, coder=coder)
    codings = [_Coding(i, c.id, c.start, c.end, paths.get(c.code_id, "?"),
                       colors.get(c.code_id, "#cccccc"), c.coder or "", c.memo or "")
               for i, c in enumerate(sorted(rows, key=lambda c: (c.start, -c.end, c.id)), 1)]

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(1.8)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    document.add_heading(clean(t.name), level=1)
    facts = [f"{k}: {v}" for k, v in (t.attributes or {}).items()]
    facts.append(f"{len(codings)} coding(s)" + (f" by {coder}" if coder else ""))
    document.add_paragraph(clean(" · ".join(facts)))
    _legend(document, codings)

    labels = speaker_labels(text, turns)
    times = {t_.start: t_ for t_ in turns if t_.time_start is not None}
    label_turn = {a: b for a, b in labels}
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for cell, head in zip(table.rows[0].cells, ("Transcript", "Codes")):
        cell.text = ""
        cell.paragraphs[0].add_run(head).bold = True
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for column, width in zip(table.columns, (TEXT_WIDTH, MARGIN_WIDTH)):
        column.width = width
    commented: set[int] = set()
    for a, b in _lines(text):
        row = table.add_row()
        left, right = row.cells
        left.width, right.width = TEXT_WIDTH, MARGIN_WIDTH
        over = [c for c in codings if c.start < b and c.end > a]
        _text_cell(document, left, text, a, b, over, labels, label_turn, times, commented)
        _margin_cell(right, over, a)
    return _save(document, out=out)


def _legend(document, codings: list[_Coding]) -> None:
    counts: dict[str, list] = {}
    for c in codings:
        counts.setdefault(c.path, [c.color, 0])[1] += 1
    if not counts:
        document.add_paragraph("No codings.")
        return
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for path, (color, n) in sorted(counts.items()):
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(1.0), Cm(16.0)
        _shade(cells[0]._tc.get_or_add_tcPr(), tint(color, 1.0))
        cells[1].text = ""
        cells[1].paragraphs[0].add_run(clean(f"{path} ({n})")).font.size = Pt(9)
    document.add_paragraph()


def _text_cell(document, cell, text, a, b, over, labels, label_turn, times, commented) -> None:
    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    label_here = [(s, e) for s, e in labels if a <= s < b]
    if label_here:
        turn = times.get(label_turn[label_here[0][0]])
        if turn is not None:  # the turn's time code, before its speaker label
            stamp = para.add_run(f"[{format_timecode(turn.time_start)}] ")
            stamp.font.size = Pt(8)
            stamp.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    cuts = {a, b}
    for c in over:
        cuts.update((max(a, c.start), min(b, c.end)))
    for s, e in label_here:
        cuts.update((max(a, s), min(b, e)))
    bounds = sorted(cuts)
    runs_of: dict[int, list] = {}
    for s, e in zip(bounds, bounds[1:]):
        on = [c for c in over if c.start <= s and e <= c.end]
        for c in on:
            if c.start == s:  # its number where it begins
                mark = para.add_run(str(c.n))
                mark.font.superscript = True
                mark.font.size = Pt(7)
                mark.bold = True
        run = para.add_run(clean(text[s:e]))
        if any(x <= s and e <= y for x, y in label_here):
            run.bold = True
        if on:
            inner = min(on, key=lambda c: (c.end - c.start, c.n))
            _shade(run._r.get_or_add_rPr(), tint(inner.color))
            if len(on) > 1:
                run.font.underline = True
            for c in on:
                runs_of.setdefault(c.n, []).append(run)
    for c in over:  # a memo: a comment on the coding's passage (where it begins)
        if c.memo.strip() and c.n not in commented and c.n in runs_of:
            commented.add(c.n)
            runs = runs_of[c.n]
            document.add_comment(runs[0] if len(runs) == 1 else [runs[0], runs[-1]],
                                 text=clean(f"{c.n}. {c.path}: {c.memo.strip()}"),
                                 author=clean(c.coder) or "qualcode",
                                 initials=clean(c.coder)[:3] or "qc")


def _margin_cell(cell, over, a) -> None:
    cell.text = ""
    first = True
    for c in over:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        para.paragraph_format.space_after = Pt(0)
        swatch = para.add_run("█ ")
        swatch.font.color.rgb = RGBColor.from_string(tint(c.color, 1.0))
        number = para.add_run(f"{c.n} ")
        number.bold = True
        number.font.size = Pt(8)
        continued = c.start < a
        name = para.add_run(clean(c.path) + (" (continued)" if continued else ""))
        name.font.size = Pt(8)
        name.italic = continued
        if c.coder and not continued:
            who = para.add_run(f" · {clean(c.coder)}")
            who.font.size = Pt(7)
            who.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
