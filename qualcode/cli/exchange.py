"""``qualcode import FILE``: REFI-QDA projects (.qdpx) and codebooks (.qdc), Taguette
databases (.sqlite3) and codebooks (.csv). (``qualcode export FILE.qdpx`` is in export.py.)"""

from __future__ import annotations


from ..store.project import Project
from .common import print_json


def cmd_import(project: Project, args) -> int:
    from ..exchange.importing import import_path

    report = import_path(project, args.file, positions=args.positions,
                         split_codes=args.split_codes, taguette_project=args.taguette_project,
                         tag_separator=args.tag_separator or None, dry_run=args.dry_run)
    if args.json:
        print_json(report.as_dict())
        return 0
    if report.positions:
        print(f"positions: {report.positions}")
    for line in report.came_in:
        print(f"came in: {line}")
    for line in report.skipped:
        print(f"skipped: {line}")
    for line in report.warnings:
        print(f"warning: {line}")
    print(report.summary())
    return 0


def register(sub) -> None:
    p = sub.add_parser("import", help="import a project or codebook from another tool: "
                       "REFI-QDA .qdpx/.qdc (NVivo, ATLAS.ti, MAXQDA, QualCoder), Taguette "
                       ".sqlite3 or codebook .csv")
    p.add_argument("file")
    p.add_argument("--positions", choices=["auto", "codepoint", "utf16"], default="auto",
                   help="how the .qdpx counts positions: REFI code points, NVivo's UTF-16 "
                        "code units, or detect (default)")
    p.add_argument("--split-codes", metavar="SEP",
                   help="split code names into a hierarchy at SEP (ATLAS.ti: '::')")
    p.add_argument("--taguette-project", metavar="NAME_OR_ID",
                   help="which project of a Taguette database holding several")
    p.add_argument("--tag-separator", default=".", metavar="SEP",
                   help="Taguette tag paths: separator of the hierarchy (default '.'; '' for "
                        "none)")
    p.add_argument("--dry-run", action="store_true", help="report only, store nothing")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")
    p.set_defaults(func=cmd_import)
