"""Real files of each supported format, made on the fly for the ingest tests."""

from __future__ import annotations

from pathlib import Path


def make_docx(path: Path, paragraphs: list[str], table: list[tuple[str, str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=0, cols=2)
        for speaker, words in table:
            cells = t.add_row().cells
            cells[0].text, cells[1].text = speaker, words
    document.save(path)
    return path


def make_odt(path: Path, paragraphs: list[str]) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    document.save(str(path))
    return path


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalog), with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_pdf(path: Path, lines: list[str]) -> Path:
    """A minimal one-page PDF with a real text layer (Helvetica, ASCII/Latin-1 text)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops.append(f"({esc(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    path.write_bytes(pdf_bytes(objects))
    return path


def make_transcript_pdf(path: Path, turns: list[tuple[str, str]], *, header: str = "",
                        words_placed: bool = False, pages_hint: int = 3) -> Path:
    """A multi-page PDF like a QDA tool's transcript export (fpdf2): a running header, a
    footer "Page N of M" plus a lone "N/M" marker, turns wrapped over several lines. With
    ``words_placed`` every word is drawn at its own position (no space characters at all, as
    in exports where pypdf reads TABs between words)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.alias_nb_pages("{nb}")

    def head(self=pdf):
        if header:
            self.set_font("Helvetica", size=9)
            self.cell(0, 8, header, align="C")
            self.ln(12)

    def foot(self=pdf):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_y(-10)
        self.cell(0, 6, f"{self.page_no()}/{{nb}}", align="R")

    pdf.header = head  # fpdf2 calls these on every page
    pdf.footer = foot
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for speaker, words in turns:
        text = f"{speaker}: {words}"
        if not words_placed:
            pdf.multi_cell(0, 6, text)
            pdf.ln(3)
            continue
        x, right = pdf.l_margin, pdf.w - pdf.r_margin
        pdf.set_x(x)
        for word in text.split(" "):
            w = pdf.get_string_width(word)
            if x + w > right:
                pdf.ln(6)
                x = pdf.l_margin
                if pdf.get_y() > pdf.h - 30:
                    pdf.add_page()
            pdf.text(x, pdf.get_y() + 4, word)
            x += w + pdf.get_string_width(" ")
        pdf.ln(9)
        if pdf.get_y() > pdf.h - 30:
            pdf.add_page()
    pdf.output(str(path))
    return path


def make_odt_paragraphs(path: Path, paragraphs: list[str]) -> Path:
    """An .odt whose tabs and runs of spaces are real <text:tab/> and <text:s/> elements
    (as LibreOffice writes them), e.g. tab-indented "\tMODERATOR: ..." labels."""
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        p = P()
        teletype.addTextToElement(p, text)
        document.text.addElement(p)
    document.save(str(path))
    return path


def make_docx_runs(path: Path, paragraphs: list[list[str]],
                   comments: list[tuple[int, int, int, str, str]] = ()) -> Path:
    """A .docx from paragraphs given as lists of runs ("\t" as a run is a real <w:tab/>);
    ``comments`` are (paragraph, first run, last run, comment text, author) Word comments."""
    import docx

    document = docx.Document()
    runs = []
    for parts in paragraphs:
        p = document.add_paragraph()
        row = []
        for part in parts:
            if part == "\t":
                run = p.add_run()
                run.add_tab()
            else:
                run = p.add_run(part)
            row.append(run)
        runs.append(row)
    for para, first, last, text, author in comments:
        document.add_comment(runs[para][first:last + 1], text=text, author=author,
                             initials=author[:2])
    document.save(path)
    return path
