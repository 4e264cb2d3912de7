"""PDF transcripts exported from a QDA tool: paragraph numbers in the left (or right) margin
and ``1/5`` page footers are removed, a real numbered list keeps its numbers (issue 15). The
PDF is made with fpdf2 and read back through the real reader."""

from __future__ import annotations

import re

import pytest
from fpdf import FPDF

from qualcode.corpus import ingest_file
from qualcode.corpus.cases import list_cases
from qualcode.ingest.files import read_document

TURNS = [("Interviewer", "How did the reorganisation change your daily work?"),
         ("P3", "In the beginning it was chaotic, nobody knew where to sit and who to ask for "
                "help with the new systems."),
         ("Interviewer", "What helped you most?"),
         ("P3", "Three things helped:"),
         (None, "1. A buddy from the old team."),
         (None, "2. Weekly meetings with my manager."),
         ("P3", "And time, mostly time. After a few months it felt normal again.")]


DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def make_qda_pdf(path, pages: int = 5, margin: str = "left"):
    """``margin``: where the paragraph numbers stand, left of the text column or right of it."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    number = 0
    for page in range(1, pages + 1):
        pdf.add_page()
        y = 25
        for speaker, words in TURNS:
            number += 1
            text_x = 30 if margin == "left" else 20
            pdf.set_xy(8 if margin == "left" else 188, y)  # the margin column: the number
            pdf.cell(10, 6, str(number), align="L" if margin == "left" else "R")
            pdf.set_xy(text_x, y)
            day = DAYS[page - 1]  # each page says something else (repeats look like headers)
            words = f"{words[:-1]} on {day}{words[-1]}" if not speaker else f"{day}. {words}"
            pdf.multi_cell(160, 6, f"{speaker}: {words}" if speaker else words)
            y = pdf.get_y() + 4
        pdf.set_xy(0, 285)
        pdf.cell(210, 6, f"{page}/{pages}", align="C")  # the footer
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("margin", ["left", "right"])
def test_margin_numbers_and_footers_are_removed(margin, sqlite_project, tmp_path):
    path = make_qda_pdf(tmp_path / "export.pdf", margin=margin)
    doc = read_document(path)
    lines = [line.strip() for line in doc.text.splitlines() if line.strip()]
    assert not [line for line in lines if re.fullmatch(r"\d+(/\d+)?", line)]
    assert not re.search(r"\b\d/5\b", doc.text)
    assert "1. A buddy from the old team on Monday." in doc.text  # a real list keeps its numbers
    assert "2. Weekly meetings with my manager on Friday." in doc.text
    assert "P3: Monday. In the beginning it was chaotic" in doc.text
    assert not any(re.match(r"\d+ ", line) and not re.match(r"\d\. ", line) for line in lines)
    assert doc.text.startswith("Interviewer: Monday. How did the reorganisation")
    # every turn holds words only: no stray numbers credited to a speaker
    for t in doc.turns:
        assert not re.fullmatch(r"[\d\s]+", doc.text[t.start:t.end])
    ingest_file(sqlite_project, path)
    cases = {c.case: c.turns for c in list_cases(sqlite_project)}
    assert cases == {"Interviewer": 10, "P3": 15}
