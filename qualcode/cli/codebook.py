"""Commands on the codebook and single codes."""

from __future__ import annotations

import sys
from pathlib import Path

from ..store.project import Project


def cmd_codebook(project: Project, args) -> int:
    from ..coding.codebook import export_codebook, import_codebook
    from ..coding.codes import code_tree

    if args.action == "import":
        from ..exchange.codebook_files import load_codebook

        book = load_codebook(args.file)
        for warning in book.warnings:
            print(f"warning: {warning}")
        counts = import_codebook(project, book)
        print(f"{counts['created']} code(s) created, {counts['updated']} updated")
    elif args.action == "export":
        if args.file and args.file.lower().endswith(".qdc"):
            from ..exchange.refi_codebook import export_qdc

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
    from ..coding import codes

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
        source, target = codes.find_code(project, args.source).id, codes.find_code(project, args.target).id
        print(codes.merge_plan(project, source, target).describe())
        n = codes.merge_codes(project, source, target)
        print(f"merged; {n} coding(s) moved")
    return 0


def register(sub) -> None:
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
