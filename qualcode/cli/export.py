"""Exports: Word reports, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

from ..errors import QualcodeError
from ..store.project import Project


def cmd_export(project: Project, args) -> int:
    from ..export import codings_csv, codings_xlsx, quote_table_docx, theme_report_docx

    out = Path(args.file)
    suffix = out.suffix.lower()
    if args.transcript and suffix != ".docx":
        raise QualcodeError(f"--transcript writes a Word document: name a .docx file, not "
                            f"'{out.name}'")
    if suffix == ".docx":
        saturation = None
        if args.saturation_role is not None:
            from ..analysis.saturation_report import saturation_report

            saturation = saturation_report(project, roles=set(args.saturation_role) - {""}
                                           or None, coder=args.coder)
        agreement = None
        if args.agreement_coders:
            from ..analysis.agreement import compute_agreement

            agreement = compute_agreement(project, args.agreement_coders, args.agreement_unit)
        # streamed into a file beside the target, which replaces the target only when whole
        part = out.with_name(out.name + ".part")
        try:
            if args.transcript:
                from ..export.docx_transcript import coded_transcript_docx

                coded_transcript_docx(project, args.transcript, coder=args.coder, out=part)
            elif args.quotes:
                quote_table_docx(project, title=args.title, language=args.language,
                                 coder=args.coder, out=part)
            else:
                theme_report_docx(project, title=args.title, language=args.language,
                                  saturation=saturation, include_memos=args.memos,
                                  coder=args.coder, agreement=agreement,
                                  include_model=args.model, out=part)
            part.replace(out)
        finally:
            part.unlink(missing_ok=True)
        print(f"wrote {out}")
        return 0
    elif suffix == ".csv":
        data = codings_csv(project, coder=args.coder)
    elif suffix == ".xlsx":
        data = codings_xlsx(project, coder=args.coder, relations=args.relations)
    elif suffix == ".qdpx":
        from ..exchange.refi_write import export_qdpx

        part = out.with_name(out.name + ".part")  # recordings are streamed into the file
        try:
            export_qdpx(project, name=args.title or out.stem, positions=args.positions,
                        recordings=not args.no_recordings, out=part)
            part.replace(out)
        finally:
            part.unlink(missing_ok=True)
        print(f"wrote {out}")
        return 0
    else:
        raise QualcodeError(f"cannot export to '{suffix}': use .docx, .csv or .xlsx, or .qdpx "
                            "for a REFI-QDA project")
    out.write_bytes(data)
    print(f"wrote {out}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="export to .docx (theme report), .csv or .xlsx "
                       "(codings with their quotes), or .qdpx (REFI-QDA project)")
    p.add_argument("file")
    p.add_argument("--quotes", action="store_true", help=".docx: a plain quote table")
    p.add_argument("--transcript", metavar="NAME",
                   help=".docx: this transcript with its codings (codes in the margin beside "
                        "their passages, speaker labels, time codes, memos as comments)")
    p.add_argument("--title")
    p.add_argument("--language", help="headings, labels and code labels in this language, e.g. nl")
    p.add_argument("--memos", action="store_true", help=".docx: add a section with the memos")
    p.add_argument("--model", action="store_true", help=".docx: add the theoretical model "
                   "(core category, storyline, diagram, relations with their strongest quotes)")
    p.add_argument("--relations", action="store_true",
                   help=".xlsx: add the relations between codes and their evidence")
    p.add_argument("--saturation-role", action="append", metavar="ROLE",
                   help="add the saturation section (Guest rule, base 4, run 2, ≤5%%, with "
                        "grid, bootstrap and unseen estimate) over interviews with this role "
                        "(repeatable; '' for all interviews)")
    p.add_argument("--coder", help="only this coder's codings (e.g. consensus)")
    p.add_argument("--agreement-coders", nargs="+", metavar="CODER",
                   help=".docx theme report: add the inter-coder agreement of these coders")
    p.add_argument("--agreement-unit", default="turn",
                   choices=["turn", "sentence", "paragraph", "character"])
    p.add_argument("--positions", choices=["codepoint", "utf16"], default="codepoint",
                   help=".qdpx: code points (REFI-QDA) or UTF-16 code units (for NVivo)")
    p.add_argument("--no-recordings", action="store_true",
                   help=".qdpx: transcripts only, without their audio/video files")
    p.set_defaults(func=cmd_export)
