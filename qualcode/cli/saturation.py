"""The saturation command."""

from __future__ import annotations


from ..store.project import Project
from .common import print_json


def cmd_saturation(project: Project, args) -> int:
    from ..analysis.saturation import saturation_log, saturation_table
    from ..analysis.saturation_report import saturation_report
    from ..analysis.sensitivity import threshold_text

    report = saturation_report(
        project, by=args.by, roles=set(args.role) if args.role else None, coder=args.coder,
        level=args.level, base=args.base, run=args.run, threshold=args.threshold,
        rule=args.rule, step=args.step, include_in_progress=args.include_in_progress,
        bootstrap=args.bootstrap, seed=args.seed)
    result = report.result
    if args.json:
        print_json(report.as_json())
    else:
        for row in saturation_table(result):
            mark = " " if row["assessed"] else "-"
            print(f"{row['position']:>3}{mark} {row['interview']:<30} {row['status']:<12} "
                  f"new {row['new']:>3}  cumulative {row['cumulative']:>3}  "
                  f"{row['new_concepts']}")
        print(result.summary())
        for warning in report.warnings:
            print(f"warning: {warning}")
        print("Sensitivity (Guest, Namey & Chen): " + ", ".join(
            f"{g['base']}/{g['run']}/{threshold_text(g['threshold'])}: {g['label'] or '—'}"
            for g in report.grid))
        if report.bootstrap is not None:
            print(report.bootstrap.summary())
        print(report.unseen.summary())
        if report.outlook is not None:
            for sentence in report.outlook.sentences():
                print(sentence)
        for c in report.categories:
            print(f"  {c.category}: {c.result.label or 'not reached'} ({c.observed} concepts)"
                  + _more(c.outlook))
        for role, n, outlook in report.by_role:
            print(f"  role {role} ({n} interviews): {outlook.estimators.observed} concepts"
                  + _more(outlook))
    if args.log:
        from ..export.csv_files import write_csv

        write_csv(args.log, saturation_log(result),
                  ["position", "interview", "role", "new_concept", "cumulative"])
        if not args.json:
            print(f"wrote {args.log}")
    return 0


def _more(outlook) -> str:
    if outlook is None or outlook.more["concepts_95"] is None:
        return ""
    m = outlook.more
    return (f"; coverage {outlook.coverage:.0%}, more interviews for 95% of the concepts: "
            f"{m['concepts_95']}, for 95% coverage: {m['coverage_95']}")


def register(sub) -> None:
    from ..analysis.bootstrap import DEFAULT_ORDERS, DEFAULT_SEED

    p = sub.add_parser("saturation", help="new concepts per interview and the saturation point")
    p.add_argument("--base", type=int, help="base size (Guest: 4) or initial sample (Francis: 10)")
    p.add_argument("--run", type=int, help="run length (Guest: 2) or stopping criterion "
                   "(Francis: 3)")
    p.add_argument("--threshold", type=float, default=0.05,
                   help="new-information threshold of the Guest rule: 0.05 (≤5%%) or 0")
    p.add_argument("--step", choices=["slide", "run"], default="slide",
                   help="Guest rule: slide the window by one interview, or step by the run")
    p.add_argument("--rule", choices=["guest", "francis"], default="guest",
                   help="Guest, Namey & Chen (2020) or Francis et al. (2010)")
    p.add_argument("--by", choices=["interview", "participant"], default="interview")
    p.add_argument("--role", action="append", help="only interviews with this role (repeatable)")
    p.add_argument("--coder", help="only the codings of this coder")
    p.add_argument("--level", type=int, help="concepts are codes down to this depth "
                   "(1: top-level codes); default: every code")
    p.add_argument("--bootstrap", type=int, default=DEFAULT_ORDERS, metavar="N",
                   help=f"random interview orders for the order bootstrap (default "
                   f"{DEFAULT_ORDERS}; 0: none)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the order bootstrap")
    p.add_argument("--include-in-progress", action="store_true",
                   help="also count interviews whose coding is in progress (not marked coded)")
    p.add_argument("--json", action="store_true", help="print the whole analysis as JSON")
    p.add_argument("--log", help="write the new-concept log as CSV")
    p.set_defaults(func=cmd_saturation)
