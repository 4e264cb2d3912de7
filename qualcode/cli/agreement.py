"""Inter-coder agreement, blind coding and the consensus coder."""

from __future__ import annotations

from pathlib import Path

from ..analysis.agreement import value_text as _fmt
from ..errors import ValidationError
from ..store.project import Project
from .common import print_json


def cmd_agreement(project: Project, args) -> int:
    from ..analysis.agreement import compute_agreement
    from ..corpus.transcripts import get_transcript

    transcript_ids = ({get_transcript(project, name).id for name in args.transcript}
                      if args.transcript else None)
    if args.machine:
        from ..analysis.machine_coder import machine_agreement

        if transcript_ids is not None:
            raise ValidationError("--machine compares every transcript the coders coded "
                                  "(cross-validated); leave out --transcript")
        result = machine_agreement(project, args.coders, args.unit, code=args.code,
                                   min_score=args.min_score, min_overlap=args.min_overlap)
        if not args.coders and args.code is None and args.min_overlap == 0.9:
            # a whole run, as the Agreement page makes it: the review queue may use it
            from ..analysis.machine_runs import remember_run

            remember_run(project, result, args.unit, args.min_score)
    elif not args.coders or len(args.coders) < 2:
        raise ValidationError("agreement compares at least two coders (--coders A B), or "
                              "the machine with the coders (--machine)")
    else:
        result = compute_agreement(project, args.coders, args.unit, code=args.code,
                                   transcript_ids=transcript_ids, min_overlap=args.min_overlap)
    if args.docx:
        from ..export.docx_agreement import agreement_docx

        Path(args.docx).write_bytes(agreement_docx(result))
    if args.xlsx:
        from ..export.xlsx_agreement import agreement_xlsx

        Path(args.xlsx).write_bytes(agreement_xlsx(result))
    if args.json:
        print_json(result.as_dict(), indent=None)
        return 0
    o = result.overall
    print(f"coders: {', '.join(result.coders)} · unit: {result.unit} · "
          f"{len(result.transcripts)} transcript(s)")
    if result.skipped:
        print(f"skipped (not coded by every coder): {', '.join(result.skipped)}")
    if nothing := result.nothing_compared():
        print(nothing)
    print(f"overall: percent {_fmt(o['percent_agreement'])}  Cohen κ {_fmt(o['cohen_kappa'])}  "
          f"Fleiss κ {_fmt(o['fleiss_kappa'])}  Krippendorff α {_fmt(o['krippendorff_alpha'])}  "
          f"AC1 {_fmt(o.get('ac1'))}  "
          f"units {o['units']} (several codes from one coder: {o['units_several_codes']})")
    for p in result.per_code:
        print(f"  {p['code']:<50} units {p['units_coded']:>5}  % {_fmt(p['percent_agreement'])}"
              f"  κ {_fmt(p['cohen_kappa'])}  α {_fmt(p['krippendorff_alpha'])}"
              f"  AC1 {_fmt(p.get('ac1'))}"
              f"  α_U {_fmt(p['unitized_alpha'])}  segments {_fmt(p['segment_agreement'])}")
        for v in p.get("machine_vs", []):
            print(f"      machine vs {v['coder']}: precision {_fmt(v['precision'])}  recall "
                  f"{_fmt(v['recall'])}  κ {_fmt(v['cohen_kappa'])}  AC1 {_fmt(v['ac1'])}")
    for name in (args.docx, args.xlsx):
        if name:
            print(f"wrote {name}")
    return 0


def cmd_blind(project: Project, args) -> int:
    from ..store.settings import blind_coding, set_blind_coding

    if args.action == "on":
        set_blind_coding(project, True)
    elif args.action == "off":
        set_blind_coding(project, False)
    print("blind coding is " + ("on" if blind_coding(project) else "off"))
    return 0


def register(sub) -> None:
    from ..analysis.units import UNIT_KINDS

    p = sub.add_parser("agreement", help="inter-coder agreement per code and overall")
    p.add_argument("--coders", nargs="+", metavar="CODER",
                   help="two or more coder names (with --machine: the humans to compare the "
                        "machine with; default every coder)")
    p.add_argument("--machine", action="store_true",
                   help="add the suggestion model as a coder: cross-validated by transcript "
                        "(it never codes a transcript it was trained on)")
    p.add_argument("--min-score", type=float, default=0.5, metavar="S",
                   help="with --machine: the score from which the machine gives a code")
    p.add_argument("--unit", choices=UNIT_KINDS, default="turn")
    p.add_argument("--code", metavar="PATH", help="only this code (and its sub-codes)")
    p.add_argument("--transcript", action="append", metavar="NAME",
                   help="compare only this transcript (repeatable; default: every transcript "
                        "all the coders have coded)")
    p.add_argument("--min-overlap", type=float, default=0.9,
                   help="segment agreement: minimum overlap of two segments (default 0.9)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--docx", metavar="FILE", help="also write the agreement tables to Word")
    p.add_argument("--xlsx", metavar="FILE", help="also write the agreement tables to XLSX")
    p.set_defaults(func=cmd_agreement)
    b = sub.add_parser("blind", help="blind double coding: on, off (unblind) or status")
    b.add_argument("action", choices=["on", "off", "status"], nargs="?", default="status")
    b.set_defaults(func=cmd_blind)
