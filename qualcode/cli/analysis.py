"""The analyst's questions: search (and code the hits), auto-code speakers, co-occurrence,
framework matrices, constant comparison, memos."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import QualcodeError
from ..store.project import Project
from .common import print_json


def _print_json(data) -> None:
    print_json(data, indent=1)


def _where(args) -> dict | None:
    from ..analysis.corpus import parse_where

    return parse_where(args.where) or None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cmd_search(project: Project, args) -> int:
    from ..analysis.search import code_hits_outcomes, plan_codings, search
    from ..coding.codes import find_code

    mode = ("regex" if args.regex else "stem" if args.stem else "word" if args.word
            else "phrase")
    hits = search(project, args.pattern, mode, where=_where(args),
                  case_sensitive=args.case_sensitive, language=args.language, limit=args.limit)
    out = [{"transcript": h.transcript, "start": h.start, "end": h.end, "text": h.text,
            "speaker": h.speaker, "transcript_id": h.transcript_id, "turn": h.turn,
            "location": h.location, "before": h.before, "after": h.after} for h in hits]
    if args.code:
        code = find_code(project, args.code)
        plan = plan_codings(project, hits, code.id, args.span, args.coder)
        outcomes = (["same"] * len(hits) if args.dry_run
                    else code_hits_outcomes(project, hits, code.id, args.span, args.coder))
        for row, p, made in zip(out, plan, outcomes):
            # extended: the coder's overlapping or touching coding of the code now covers it
            row.update(coded=made == "new", extended=made == "extended", coded_start=p.start,
                       coded_end=p.end, already_coded=p.exists)
    if args.json:
        _print_json(out)
        return 0
    for row in out:
        print(f"{row['location']} [{row['speaker']}]  …{_one_line(row['before'])[-40:]} "
              f"[{row['text']}] {_one_line(row['after'])[:40]}…")
    summary = f"{len(out)} hit(s) in {len({r['transcript'] for r in out})} interview(s)"
    if args.code:
        n = sum(r["coded"] for r in out)
        summary += (f"; would code {sum(not r['already_coded'] for r in out)}" if args.dry_run
                    else f"; {n} new coding(s) of '{args.code}' ({args.span})"
                    + (f", {x} extended" if (x := sum(r["extended"] for r in out)) else ""))
    print(summary)
    return 0


def cmd_autocode(project: Project, args) -> int:
    from ..analysis.search import autocode_speakers, speaker_turn_hits
    from ..coding.codes import find_code

    code = find_code(project, args.code)
    speakers = set(args.speaker or []) or None
    if speakers is None and not args.where:
        raise QualcodeError("name --speaker(s) or a --where filter (e.g. role=manager) for "
                            "the turns to code")
    where = _where(args)
    if args.dry_run:
        hits = speaker_turn_hits(project, speakers, where=where)
        made = [False] * len(hits)
    else:
        hits = speaker_turn_hits(project, speakers, where=where)
        made = autocode_speakers(project, code.id, speakers, where=where, coder=args.coder)
    if args.json:
        _print_json([{"transcript": h.transcript, "start": h.start, "end": h.end,
                      "speaker": h.speaker, "turn": h.turn, "coded": m}
                     for h, m in zip(hits, made)])
        return 0
    print(f"{len(hits)} turn(s); {sum(made)} new coding(s) of '{args.code}'"
          + (" (dry run)" if args.dry_run else ""))
    return 0


def cmd_cooccurrence(project: Project, args) -> int:
    from ..analysis.cooccurrence import cooccurrence

    result = cooccurrence(project, args.unit, where=_where(args), level=args.level)
    if args.xlsx:
        from ..export.analysis_tables import cooccurrence_xlsx

        Path(args.xlsx).write_bytes(cooccurrence_xlsx(result))
        print(f"wrote {args.xlsx}", file=sys.stderr if args.json else sys.stdout)
    rows = result.rows()
    if args.json:
        _print_json(rows)
    elif not args.xlsx:
        for r in rows:
            print(f"{r['count']:5d}  c={r['c_coefficient']:.3f}  {r['a']}  ×  {r['b']}")
    return 0


def cmd_matrix(project: Project, args) -> int:
    from ..analysis.matrix import framework_matrix

    result = framework_matrix(project, args.by, where=_where(args), level=args.level,
                              include_interviewers=args.include_interviewer or None)
    note = sys.stderr if args.json else sys.stdout
    if args.docx:
        from ..export.analysis_tables import matrix_docx

        Path(args.docx).write_bytes(matrix_docx(result, args.cell, language=args.language,
                                                max_quotes=args.max_quotes))
        print(f"wrote {args.docx}", file=note)
    if args.xlsx:
        from ..export.analysis_tables import matrix_xlsx

        Path(args.xlsx).write_bytes(matrix_xlsx(result))
        print(f"wrote {args.xlsx}", file=note)
    if args.json:
        _print_json(result.rows())
    elif not (args.docx or args.xlsx):
        print(result.table(args.show).to_string())
    return 0


def cmd_compare(project: Project, args) -> int:
    from ..analysis.compare import incidents
    from ..coding.codes import find_code

    code = find_code(project, args.code)
    groups = incidents(project, code.id, with_subcodes=not args.only, group_by=args.by,
                       where=_where(args))
    if args.json:
        _print_json([{"value": g.value, "incidents": [
            {"code": r.code, "transcript": r.transcript, "participant": r.participant,
             "role": r.role, "speaker": r.speaker, "start": r.start, "end": r.end,
             "quote": r.quote, "memo": r.memo, "location": r.location} for r in g.rows]}
            for g in groups])
        return 0
    for g in groups:
        print(f"== {g.value} ({len(g.rows)} incident(s), {g.interviews} interview(s))")
        for r in g.rows:
            print(f"  “{_one_line(r.quote)}” — {r.participant}, {r.location}")
            if r.memo:
                print(f"     memo: {_one_line(r.memo)}")
    return 0


def _parse_link(project: Project, text: str) -> tuple[str, int]:
    from ..coding.codes import find_code
    from ..corpus.transcripts import get_transcript

    kind, sep, ref = text.partition(":")
    kind = kind.strip()
    if not sep or kind not in ("coding", "code", "transcript", "memo"):
        raise QualcodeError(f"--link takes coding:ID, code:PATH, transcript:NAME or memo:ID, "
                            f"not {text!r}")
    if kind == "code":
        return kind, find_code(project, ref).id
    if kind == "transcript":
        return kind, (int(ref) if ref.isdigit() else get_transcript(project, ref).id)
    if not ref.strip().isdigit():
        raise QualcodeError(f"--link {kind}: needs a number, not {ref!r}")
    return kind, int(ref)


def cmd_memos(project: Project, args) -> int:
    from ..coding import memos
    from ..export.memos import memos_docx, memos_markdown

    if args.action == "add":
        body = Path(args.body_file).read_text(encoding="utf-8") if args.body_file else args.body
        links = [_parse_link(project, x) for x in args.link or []]
        memo = memos.create_memo(project, args.title, body or "", author=args.author,
                                 memo_type=args.type, links=links)
        print(f"memo {memo.id} saved")
        return 0
    if args.action == "link":
        kind, target = _parse_link(project, args.target)
        made = memos.link_memo(project, args.memo_id, kind, target)
        print("linked" if made else "already linked")
        return 0
    views = memos.memo_views(project, memo_type=args.type)
    if args.action == "export":
        out = Path(args.file)
        if out.suffix.lower() == ".md":
            out.write_text(memos_markdown(project, views, args.language), encoding="utf-8")
        elif out.suffix.lower() == ".docx":
            out.write_bytes(memos_docx(project, views, args.language))
        else:
            raise QualcodeError(f"cannot export memos to '{out.suffix}': use .md or .docx")
        print(f"wrote {out} ({len(views)} memo(s))")
        return 0
    if args.json:
        _print_json([{"id": v.id, "title": v.memo.title, "type": v.memo.memo_type,
                      "author": v.memo.author, "body": v.memo.body,
                      "links": [{"kind": ln.kind, "id": ln.target_id, "label": ln.label}
                                for ln in v.links]} for v in views])
        return 0
    for v in views:
        print(f"{v.id:4d}  [{v.memo.memo_type or '-'}] {v.memo.title}"
              + (f"  → {'; '.join(ln.label for ln in v.links)}" if v.links else ""))
    return 0


def _filters(p) -> None:
    p.add_argument("--where", action="append", metavar="ATTR=VALUE[,VALUE]",
                   help="only transcripts with this attribute value (repeatable), "
                        "e.g. role=participant")
    p.add_argument("--json", action="store_true", help="JSON on stdout")


def register(sub) -> None:
    p = sub.add_parser("search", help="search all transcripts; optionally code every hit")
    p.add_argument("pattern")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--phrase", action="store_true",
                      help="the words in this order, also inside longer words (the default)")
    mode.add_argument("--word", action="store_true", help="whole words only")
    mode.add_argument("--regex", action="store_true", help="a Python regular expression")
    mode.add_argument("--stem", action="store_true",
                      help="same Snowball stem (Dutch, English, …): werken finds werkte")
    p.add_argument("--case-sensitive", action="store_true")
    p.add_argument("--language", help="stem in this language where a transcript has none")
    p.add_argument("--limit", type=int, help="at most this many hits")
    p.add_argument("--code", metavar="PATH", help="code every hit with this code")
    p.add_argument("--span", choices=["hit", "sentence", "turn", "paragraph"], default="hit",
                   help="what to code around each hit (default: the hit)")
    p.add_argument("--coder", default="", help="coder stored with the new codings")
    p.add_argument("--dry-run", action="store_true", help="with --code: show, do not code")
    _filters(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("autocode", help="code every turn of some speakers (or of a role)")
    p.add_argument("code", metavar="CODE_PATH")
    p.add_argument("--speaker", action="append", help="speaker label, e.g. P1 (repeatable)")
    p.add_argument("--coder", default="")
    p.add_argument("--dry-run", action="store_true")
    _filters(p)
    p.set_defaults(func=cmd_autocode)

    p = sub.add_parser("cooccurrence", help="which codes occur together")
    p.add_argument("--unit", choices=["overlap", "turn", "sentence", "paragraph"],
                   default="overlap")
    p.add_argument("--level", type=int, help="roll codes up to this depth (0: top-level codes)")
    p.add_argument("--xlsx", metavar="FILE", help="write counts, c-coefficients and quotes")
    _filters(p)
    p.set_defaults(func=cmd_cooccurrence)

    p = sub.add_parser("matrix", help="framework matrix: codes × cases or an attribute")
    p.add_argument("--by", default="interview", metavar="DIMENSION",
                   help="'case' (one column per person who speaks), 'role' (the speaker's "
                   "role), 'interview' (one column per transcript), or an attribute")
    p.add_argument("--level", type=int, help="roll codes up to this depth (0: top-level codes)")
    p.add_argument("--show", choices=["count", "transcripts", "coverage"], default="count")
    p.add_argument("--include-interviewer", action="store_true",
                   help="count what interviewers said too (default: the project's choice, "
                   "which leaves them out unless set on the Cases page)")
    p.add_argument("--docx", metavar="FILE", help="write the matrix as a Word table")
    p.add_argument("--cell", choices=["quotes", "summary", "both", "count"], default="both",
                   help="what the Word cells hold (default: summary and quotes)")
    p.add_argument("--max-quotes", type=int, help="at most this many quotes per Word cell")
    p.add_argument("--language", help="headings of the Word table in this language, e.g. nl")
    p.add_argument("--xlsx", metavar="FILE", help="write counts, coverage, summaries, quotes")
    _filters(p)
    p.set_defaults(func=cmd_matrix)

    p = sub.add_parser("compare", help="constant comparison: all incidents of a category")
    p.add_argument("code", metavar="CODE_PATH")
    p.add_argument("--by", default="interview", help="group by interview or an attribute")
    p.add_argument("--only", action="store_true", help="without sub-codes")
    _filters(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("memos", help="list, add, link and export memos")
    p.add_argument("action", nargs="?", choices=["list", "add", "link", "export"],
                   default="list")
    p.add_argument("args", nargs="*", help="add: TITLE · link: MEMO_ID TARGET · export: FILE")
    p.add_argument("--body", default="")
    p.add_argument("--body-file")
    p.add_argument("--type", choices=["theoretical", "methodological", "sampling"])
    p.add_argument("--author", default="")
    p.add_argument("--link", action="append", metavar="KIND:REF",
                   help="coding:ID, code:PATH, transcript:NAME or memo:ID (repeatable)")
    p.add_argument("--language", help="export headings in this language, e.g. nl")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_memos_entry)


def _memos_entry(project: Project, args) -> int:
    need = {"add": 1, "link": 2, "export": 1}.get(args.action, 0)
    if len(args.args) != need:
        raise QualcodeError(f"memos {args.action} takes "
                            + {"add": "a TITLE", "link": "MEMO_ID KIND:REF",
                               "export": "a FILE (.md or .docx)"}.get(args.action, "no arguments"))
    if args.action == "add":
        args.title = args.args[0]
    elif args.action == "link":
        if not args.args[0].isdigit():
            raise QualcodeError(f"memo id must be a number, not {args.args[0]!r}")
        args.memo_id, args.target = int(args.args[0]), args.args[1]
    elif args.action == "export":
        args.file = args.args[0]
    return cmd_memos(project, args)
