"""Word tables sized from their content (issue 17 item 8): the widths, and the rendering
checked for real: LibreOffice (headless) turns the theme report into PDF, poppler reads its
text (no word broken inside a cell: "Participa|nt", "Ne|w", "Cumulat|ive") and renders a page
to PNG. scripts/test.sh installs libreoffice-writer-nogui and poppler-utils."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from qualcode.analysis.saturation_report import saturation_report
from qualcode.export import theme_report_docx
from qualcode.export.docx_widths import content_widths, text_width


def test_widths_fit_words_and_let_the_quotes_flex():
    headers = ("Code", "Quote", "Participant", "Role", "Location")
    rows = [("Push: change in the organisation", "“" + "een heel lang citaat " * 30 + "”",
             "P12", "participant", "p3, turn 12, 00:14:03")]
    widths = content_widths(headers, rows, 7.0, flex=1)  # the theme report's page
    assert abs(sum(widths) - 7.0) < 0.01
    for w, h, cell in zip(widths, headers, rows[0]):
        longest = max([h] + cell.split(), key=len)
        assert w >= text_width(longest, 9, bold=longest == h)  # no word broken
    assert widths[4] >= 1.0  # the location: a few words a line, not one
    assert widths[1] == max(widths) and widths[1] >= 0.3 * 7.0
    # short columns get their whole line when there is room
    short = content_widths(headers, [("Pay", "“Ja.”", "P1", "manager", "p1, turn 2")], 7.0, flex=1)
    assert short[4] >= text_width("p1, turn 2") + 0.259 and short[0] >= text_width("Code", 9, True)
    # a narrow table: the widest column takes the rest; nothing below its words
    assert content_widths(("#", "New"), [("1", "2")], 6.0) [1] > 5
    # words too long for the page: scaled down to the page, never wider
    assert abs(sum(content_widths(("x" * 200, "y" * 200), [], 6.0)) - 6.0) < 0.01


def _soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe and shutil.which("pdftotext") and shutil.which("pdftoppm"), \
        "LibreOffice and poppler-utils are needed (scripts/test.sh installs them)"
    return exe


def test_the_theme_report_renders_without_broken_words(demo_project, tmp_path):
    exe = _soffice()
    report = saturation_report(demo_project, roles=None)
    docx_path = tmp_path / "report.docx"
    theme_report_docx(demo_project, saturation=report, out=docx_path)
    profile = tmp_path / "lo-profile"
    done = subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                          capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "report.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    # whole header words, each on one line of its cell
    for word in ("Participant", "Location", "Cumulative", "Interview", "Quotes"):
        assert re.search(rf"\b{word}\b", text), word
    for broken in ("Participa\n", "Cumulat\n", "Locatio\n", "Ne\n"):
        assert not re.search(rf"\b{broken}", text), broken
    assert re.search(r"P\d+, turn \d+,", text)  # "P4, turn 6," of a location on one line
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.stat().st_size > 5_000 for p in pages)
