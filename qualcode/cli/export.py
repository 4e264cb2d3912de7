"""Exports: Word reports, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

from ..errors import QualcodeError
from ..store.project import Project


def cmd_export(project: Project, args) -> int:
    from ..export import codings_csv, codings_xlsx, quote_table_docx, theme_report_docx

    out = Path(args.file)
    suffix = out.suffix.lower()
    if suffix == ".docx":
        saturation = None
        if args.saturation_role is not None:
            from ..analysis.saturation import project_saturation

            saturation = project_saturation(project, roles=set(args.saturation_role) - {""}
                                            or None)
        data = (quote_table_docx(project, title=args.title, language=args.language)
                if args.quotes
                else theme_report_docx(project, title=args.title, language=args.language,
                                       saturation=saturation, include_memos=args.memos))
    elif suffix == ".csv":
        data = codings_csv(project)
    elif suffix == ".xlsx":
        data = codings_xlsx(project)
    else:
        raise QualcodeError(f"cannot export to '{suffix}': use .docx, .csv or .xlsx")
    out.write_bytes(data)
    print(f"wrote {out}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="export to .docx (theme report), .csv or .xlsx")
    p.add_argument("file")
    p.add_argument("--quotes", action="store_true", help=".docx: a plain quote table")
    p.add_argument("--title")
    p.add_argument("--language", help="headings, labels and code labels in this language, e.g. nl")
    p.add_argument("--memos", action="store_true", help=".docx: add a section with the memos")
    p.add_argument("--saturation-role", action="append", metavar="ROLE",
                   help="add the saturation table (base 4, run 2, ≤5%%) over interviews with "
                        "this role (repeatable; '' for all interviews)")
    p.set_defaults(func=cmd_export)
