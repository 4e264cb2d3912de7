"""Inter-coder agreement tables as an XLSX workbook: Overall, Per code, Pairs and Compared
sheets."""

from __future__ import annotations

from ..analysis.agreement import AgreementResult, agreement_rows, pairwise_rows
from .xlsx import append_row, workbook_bytes


def agreement_xlsx(result: AgreementResult) -> bytes:
    from openpyxl import Workbook

    overall, per_code = agreement_rows(result)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Overall"
    append_row(sheet, ["Measure", "Value"])
    for row in overall:
        append_row(sheet, [row["Measure"], row["Value"]])
    sheet = workbook.create_sheet("Per code")
    headers = list(per_code[0]) if per_code else ["Code"]
    append_row(sheet, headers)
    for row in per_code:
        append_row(sheet, [row[h] for h in headers])
    sheet.freeze_panes = "B2"
    pairs = pairwise_rows(result)
    sheet = workbook.create_sheet("Pairs")
    headers = list(pairs[0]) if pairs else ["Coders"]
    append_row(sheet, headers)
    for row in pairs:
        append_row(sheet, [row[h] for h in headers])
    sheet = workbook.create_sheet("Compared")
    append_row(sheet, ["Coders", ", ".join(result.coders)])
    append_row(sheet, ["Unit", result.unit])
    append_row(sheet, ["Minimum segment overlap", result.min_overlap])
    append_row(sheet, ["Transcripts compared", len(result.transcripts)])
    for name in result.transcripts:
        append_row(sheet, ["compared", name])
    for name in result.skipped:
        append_row(sheet, ["skipped (not coded by every coder)", name])
    return workbook_bytes(workbook)
