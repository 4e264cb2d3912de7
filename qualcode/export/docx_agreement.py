"""Inter-coder agreement tables in Word: a document of their own, or a section of the theme
report."""

from __future__ import annotations

from datetime import date

from docx import Document

from ..analysis.agreement import AgreementResult, agreement_rows, pairwise_rows, value_text
from .docx_tables import add_table, docx_bytes

PER_CODE_WIDTHS = (1.7, 0.5, 0.55, 0.5, 0.5, 0.55, 0.5, 0.55, 0.65)


def add_agreement_section(document, result: AgreementResult, level: int = 1) -> None:
    """Heading, what was compared, the overall table and the per-code table."""
    document.add_heading("Inter-coder agreement", level)
    what = (f"Coders {', '.join(result.coders)}; unit: {result.unit}; "
            f"{len(result.transcripts)} transcript(s) coded by every coder.")
    if result.skipped:
        what += f" Not compared (not coded by every coder): {', '.join(result.skipped)}."
    document.add_paragraph(what)
    document.add_paragraph(
        "Per code, a unit counts as coded by a coder when one of their codings of the code "
        "touches it; across codes, a unit's value is the single code a coder gave it (units "
        "a coder left uncoded are missing; units with several codes from one coder are left "
        "out). Unitized α (Krippendorff) compares the coded spans over the characters; "
        f"segment agreement counts segments matched by another coder with at least "
        f"{result.min_overlap:.0%} overlap.")
    overall, per_code = agreement_rows(result)
    document.add_heading("Overall (across codes)", level + 1)
    add_table(document, ("Measure", "Value"),
              [(r["Measure"], value_text(r["Value"])) for r in overall], (4.0, 1.2))
    pairs = pairwise_rows(result)
    if len(pairs) > 1:
        document.add_heading("Pairs of coders (across codes)", level + 1)
        headers = tuple(pairs[0])
        add_table(document, headers, [[value_text(r[h]) for h in headers] for r in pairs],
                  (2.2, 1.1, 1.1, 1.1, 1.1))
    document.add_heading("Per code", level + 1)
    if per_code:
        headers = tuple(per_code[0])
        add_table(document, headers, [[value_text(r[h]) for h in headers] for r in per_code],
                  PER_CODE_WIDTHS)
    else:
        document.add_paragraph("No code was applied by these coders in the compared text.")


def agreement_docx(result: AgreementResult, title: str = "Inter-coder agreement") -> bytes:
    document = Document()
    document.add_heading(title, level=0)
    document.add_paragraph(f"generated {date.today().isoformat()} by qualcode")
    add_agreement_section(document, result)
    return docx_bytes(document)
