"""Commands on transcripts: ingest, list, attributes."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import QualcodeError
from ..store.project import Project
from .common import attrs_from_pairs, print_json, progress_bar, terminal_safe


def cmd_ingest(project: Project, args) -> int:
    from ..corpus import IngestReport, ingest_files, ingest_folder

    progress = None if args.quiet or args.json else progress_bar
    options = {"import_comments": not args.no_comments}
    total = IngestReport()
    attrs = attrs_from_pairs(args.attr)
    targets = [Path(p) for p in args.paths]
    for folder in (t for t in targets if t.is_dir()):
        ingest_folder(project, folder, progress=progress, report=total, attributes=attrs or None,
                      **options)
    files = [t for t in targets if not t.is_dir()]
    single_name = args.name if len(files) == 1 else None
    ingest_files(project, [(f, None, single_name) for f in files], attributes=attrs or None,
                 progress=progress, report=total, text_column=args.text_column,
                 per_column=args.per_column, **options)
    if args.json:
        print_json(total.as_dict())
        return 1 if total.errors else 0
    for name in total.added:
        print(f"added: {terminal_safe(name)}")
    for msg in total.duplicates:
        print(f"duplicate, skipped: {terminal_safe(msg)}")
    for msg in total.skipped:
        print(f"not a transcript, skipped: {terminal_safe(msg)}")
    for msg in total.notes:
        print(f"note: {terminal_safe(msg)}")
    for msg in total.errors:
        print(f"error: {terminal_safe(msg)}", file=sys.stderr)
    print(total.summary())
    return 1 if total.errors else 0


def cmd_transcripts(project: Project, args) -> int:
    from ..corpus.transcripts import list_transcripts, transcript_overview

    rows = transcript_overview(project)
    if args.json:
        print_json(rows)
        return 0
    by_name = {t.name: t for t in list_transcripts(project)}
    for row in rows:
        t = by_name[row["name"]]
        attrs = ", ".join(f"{k}={v}" for k, v in (t.attributes or {}).items())
        print(f"{row['order']:>3} ({row['order_source']})  {t.name}  [{t.source_format}, "
              f"{len(t.text)} chars, {row['status']}] {attrs}")
    return 0


def cmd_mark(project: Project, args) -> int:
    from ..coding.status import mark_all, mark_by_name, normalise_status

    status = normalise_status(args.status)
    if args.all == bool(args.names):
        raise QualcodeError("name the transcripts to mark, or give --all (not both)")
    n = mark_all(project, status) if args.all else len(mark_by_name(project, args.names, status))
    print(f"marked {n} transcript(s) {status}")
    return 0


def cmd_attributes(project: Project, args) -> int:
    from ..corpus.transcripts import import_attributes

    n = import_attributes(project, Path(args.file).read_bytes(), Path(args.file).name)
    print(f"attributes set on {n} transcript(s)")
    return 0


def register(sub) -> None:
    p = sub.add_parser("ingest", help="add transcripts (files or folders)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--name", help="transcript name (single file only)")
    p.add_argument("--attr", action="append", metavar="KEY=VALUE",
                   help="transcript attribute (a fact of the interview), e.g. site=Gent or "
                   "role=participant (repeatable); the people who speak get theirs with "
                   "'qualcode cases attributes'")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--text-column", metavar="COLUMN",
                   help="survey .csv/.xlsx: the column holding the answers (default: the column "
                   "with the longest texts); with --per-column a comma-separated list")
    p.add_argument("--per-column", action="store_true",
                   help="survey .csv/.xlsx: one document per answer column instead of per row")
    p.add_argument("--no-comments", action="store_true",
                   help="do not turn Word comments in .docx files into codings")
    p.add_argument("--json", action="store_true",
                   help="print the report (every file with its outcome) as JSON")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("transcripts", help="list transcripts in interview order")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per "
                   "transcript")
    p.set_defaults(func=cmd_transcripts)
    p = sub.add_parser("mark", help="set the coding status of transcripts")
    p.add_argument("names", nargs="*", metavar="NAME")
    p.add_argument("--status", required=True, choices=["coded", "in-progress", "not-coded"])
    p.add_argument("--all", action="store_true", help="every transcript")
    p.set_defaults(func=cmd_mark)
    p = sub.add_parser("attributes", help="set transcript attributes from a CSV sheet "
                       "(columns: name (the transcript), interview_order, participant, role, "
                       "...); the people who speak (cases) get theirs with 'qualcode cases "
                       "attributes'")
    p.add_argument("file")
    p.set_defaults(func=cmd_attributes)
