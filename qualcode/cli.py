"""The ``qualcode`` command line, over the same library as the app."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from .errors import QualcodeError
from .store.project import ENV_URL, Project


def _progress(i: int, n: int, name: str) -> None:
    width = 30
    done = int(width * i / max(n, 1))
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {name[:40]:<40}")
    if i == n:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _attrs(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QualcodeError(f"--attr takes key=value, not {pair!r}")
        out[key.strip()] = value.strip()
    return out


def cmd_ingest(project: Project, args) -> int:
    from .ingest import IngestReport, ingest_files, ingest_folder

    progress = None if args.quiet else _progress
    total = IngestReport()
    targets = [Path(p) for p in args.paths]
    for folder in (t for t in targets if t.is_dir()):
        ingest_folder(project, folder, progress=progress, report=total)
    files = [t for t in targets if not t.is_dir()]
    single_name = args.name if len(files) == 1 else None
    ingest_files(project, [(f, None, single_name) for f in files], attributes=_attrs(args.attr),
                 progress=progress, report=total)
    for name in total.added:
        print(f"added: {name}")
    for msg in total.duplicates:
        print(f"duplicate, skipped: {msg}")
    for msg in total.errors:
        print(f"error: {msg}", file=sys.stderr)
    print(total.summary())
    return 1 if total.errors else 0


def cmd_transcripts(project: Project, args) -> int:
    from .transcripts import list_transcripts

    for t in list_transcripts(project):
        attrs = ", ".join(f"{k}={v}" for k, v in (t.attributes or {}).items())
        print(f"{t.interview_order or '-':>3}  {t.name}  [{t.source_format}, {len(t.text)} chars] {attrs}")
    return 0


def cmd_attributes(project: Project, args) -> int:
    from .transcripts import import_attributes

    n = import_attributes(project, Path(args.file).read_bytes(), Path(args.file).name)
    print(f"attributes set on {n} transcript(s)")
    return 0


def cmd_codebook(project: Project, args) -> int:
    from .codebook import export_codebook, import_codebook
    from .codes import code_tree

    if args.action == "import":
        counts = import_codebook(project, args.file)
        print(f"{counts['created']} code(s) created, {counts['updated']} updated")
    elif args.action == "export":
        if args.file and args.file.lower().endswith(".qdc"):
            from .exchange.refi_codebook import export_qdc

            Path(args.file).write_bytes(export_qdc(project))
            print(f"wrote {args.file} (REFI-QDA codebook)")
            return 0
        text = export_codebook(project, title=args.title)
        if args.file:
            Path(args.file).write_text(text, encoding="utf-8")
            print(f"wrote {args.file}")
        else:
            sys.stdout.write(text)
    else:
        for node in code_tree(project):
            print(f"{'  ' * node.depth}{node.code.name}")
    return 0


def cmd_codes(project: Project, args) -> int:
    from . import codes

    if args.action == "create":
        parent = codes.find_code(project, args.parent).id if args.parent else None
        code = codes.create_code(project, args.name, parent, description=args.description or "")
        print(f"created '{code.name}'")
    elif args.action == "rename":
        codes.rename_code(project, codes.find_code(project, args.code).id, args.new_name)
        print(f"renamed to '{args.new_name}'")
    elif args.action == "move":
        parent = codes.find_code(project, args.to).id if args.to else None
        codes.move_code(project, codes.find_code(project, args.code).id, parent)
        print("moved")
    elif args.action == "merge":
        n = codes.merge_codes(project, codes.find_code(project, args.source).id,
                              codes.find_code(project, args.target).id)
        print(f"merged; {n} coding(s) moved")
    return 0


def cmd_saturation(project: Project, args) -> int:
    from .analysis.saturation import project_saturation, saturation_log, saturation_table

    result = project_saturation(project, base=args.base, run=args.run,
                                threshold=args.threshold, by=args.by,
                                roles=set(args.role) if args.role else None)
    for row in saturation_table(result):
        print(f"{row['position']:>3}  {row['interview']:<30} new {row['new']:>3}  "
              f"cumulative {row['cumulative']:>3}  {row['new_concepts']}")
    print(result.summary())
    if args.log:
        rows = saturation_log(result)
        with open(args.log, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["position", "interview", "role", "new_concept",
                                                    "cumulative"])
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.log}")
    return 0


def cmd_export(project: Project, args) -> int:
    from .export import codings_csv, codings_xlsx, quote_table_docx, theme_report_docx

    out = Path(args.file)
    suffix = out.suffix.lower()
    if suffix == ".docx":
        saturation = None
        if args.saturation_role is not None:
            from .analysis.saturation import project_saturation

            saturation = project_saturation(project, roles=set(args.saturation_role) - {""}
                                            or None)
        data = (quote_table_docx(project, title=args.title or "Quote table") if args.quotes
                else theme_report_docx(project, title=args.title or "Theme report",
                                       language=args.language, saturation=saturation))
    elif suffix == ".csv":
        data = codings_csv(project)
    elif suffix == ".xlsx":
        data = codings_xlsx(project)
    else:
        raise QualcodeError(f"cannot export to '{suffix}': use .docx, .csv or .xlsx")
    out.write_bytes(data)
    print(f"wrote {out}")
    return 0


def cmd_demo(project: Project, args) -> int:
    from .demo import load_demo

    if not project.is_empty():
        raise QualcodeError("the project is not empty; the demo loads into an empty project only")
    counts = load_demo(project)
    print(f"demo loaded: {counts['transcripts']} transcripts, {counts['codes']} codes, "
          f"{counts['codings']} codings")
    return 0


def cmd_app(_project, args) -> int:
    import os
    import subprocess

    from .store.project import resolve_url

    app = Path(__file__).resolve().parent.parent / "app.py"
    env = dict(os.environ)
    if args.db:
        env[ENV_URL] = resolve_url(args.db)
    return subprocess.call([sys.executable, "-m", "streamlit", "run", str(app),
                            "--server.port", str(args.port)], env=env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qualcode", description=__doc__)
    parser.add_argument("--db", help=f"project database: a SQLite file path or a URL "
                        f"(default: ${ENV_URL} or .qualcode/demo.sqlite)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add transcripts (files or folders)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--name", help="transcript name (single file only)")
    p.add_argument("--attr", action="append", metavar="KEY=VALUE",
                   help="case attribute, e.g. role=participant (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    sub.add_parser("transcripts", help="list transcripts").set_defaults(func=cmd_transcripts)

    p = sub.add_parser("attributes", help="set case attributes from a CSV sheet "
                       "(columns: name, interview_order, role, ...)")
    p.add_argument("file")
    p.set_defaults(func=cmd_attributes)

    p = sub.add_parser("codebook", help="import, export or list the codebook "
                       "(.yaml, or .qdc for REFI-QDA)")
    p.add_argument("action", choices=["import", "export", "list"])
    p.add_argument("file", nargs="?")
    p.add_argument("--title", default="Codebook")
    p.set_defaults(func=cmd_codebook)

    p = sub.add_parser("codes", help="create, rename, move or merge codes (by path A / B)")
    csub = p.add_subparsers(dest="action", required=True)
    c = csub.add_parser("create")
    c.add_argument("name")
    c.add_argument("--parent")
    c.add_argument("--description")
    c = csub.add_parser("rename")
    c.add_argument("code")
    c.add_argument("new_name")
    c = csub.add_parser("move")
    c.add_argument("code")
    c.add_argument("--to", help="new parent (omit for top level)")
    c = csub.add_parser("merge")
    c.add_argument("source")
    c.add_argument("target")
    p.set_defaults(func=cmd_codes)

    p = sub.add_parser("saturation", help="new concepts per interview and the saturation point")
    p.add_argument("--base", type=int, default=4)
    p.add_argument("--run", type=int, default=2)
    p.add_argument("--threshold", type=float, default=0.05)
    p.add_argument("--by", choices=["interview", "participant"], default="interview")
    p.add_argument("--role", action="append", help="only interviews with this role (repeatable)")
    p.add_argument("--log", help="write the new-concept log as CSV")
    p.set_defaults(func=cmd_saturation)

    p = sub.add_parser("export", help="export to .docx (theme report), .csv or .xlsx")
    p.add_argument("file")
    p.add_argument("--quotes", action="store_true", help=".docx: a plain quote table")
    p.add_argument("--title")
    p.add_argument("--language", help="show code labels in this language, e.g. nl")
    p.add_argument("--saturation-role", action="append", metavar="ROLE",
                   help="add the saturation table (base 4, run 2, ≤5%%) over interviews with "
                        "this role (repeatable; '' for all interviews)")
    p.set_defaults(func=cmd_export)

    sub.add_parser("demo", help="load the demo project").set_defaults(func=cmd_demo)
    p = sub.add_parser("app", help="start the Streamlit app")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "app":
            return cmd_app(None, args)
        project = Project(args.db)
        try:
            return args.func(project, args)
        finally:
            project.close()
    except QualcodeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
