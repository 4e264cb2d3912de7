"""Inter-coder agreement tables as an XLSX workbook: Overall, Per code, Pairs and Compared
sheets."""

from __future__ import annotations

import io

from ..analysis.agreement import AgreementResult, agreement_rows, pairwise_rows


def _append(sheet, values) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:  # text stays text: no formula from a code name
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def agreement_xlsx(result: AgreementResult) -> bytes:
    from openpyxl import Workbook

    overall, per_code = agreement_rows(result)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Overall"
    _append(sheet, ["Measure", "Value"])
    for row in overall:
        _append(sheet, [row["Measure"], row["Value"]])
    sheet = workbook.create_sheet("Per code")
    headers = list(per_code[0]) if per_code else ["Code"]
    _append(sheet, headers)
    for row in per_code:
        _append(sheet, [row[h] for h in headers])
    sheet.freeze_panes = "B2"
    pairs = pairwise_rows(result)
    sheet = workbook.create_sheet("Pairs")
    headers = list(pairs[0]) if pairs else ["Coders"]
    _append(sheet, headers)
    for row in pairs:
        _append(sheet, [row[h] for h in headers])
    sheet = workbook.create_sheet("Compared")
    _append(sheet, ["Coders", ", ".join(result.coders)])
    _append(sheet, ["Unit", result.unit])
    _append(sheet, ["Minimum segment overlap", result.min_overlap])
    _append(sheet, ["Transcripts compared", len(result.transcripts)])
    for name in result.transcripts:
        _append(sheet, ["compared", name])
    for name in result.skipped:
        _append(sheet, ["skipped (not coded by every coder)", name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
