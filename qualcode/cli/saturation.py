"""The saturation command."""

from __future__ import annotations

import csv

from ..store.project import Project


def cmd_saturation(project: Project, args) -> int:
    from ..analysis.saturation import (
        project_saturation,
        saturation_log,
        saturation_table,
    )

    result = project_saturation(project, base=args.base, run=args.run,
                                threshold=args.threshold, by=args.by,
                                roles=set(args.role) if args.role else None,
                                coder=args.coder)
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


def register(sub) -> None:
    p = sub.add_parser("saturation", help="new concepts per interview and the saturation point")
    p.add_argument("--base", type=int, default=4)
    p.add_argument("--run", type=int, default=2)
    p.add_argument("--threshold", type=float, default=0.05)
    p.add_argument("--by", choices=["interview", "participant"], default="interview")
    p.add_argument("--role", action="append", help="only interviews with this role (repeatable)")
    p.add_argument("--log", help="write the new-concept log as CSV")
    p.add_argument("--coder", help="only this coder's codings (e.g. consensus)")
    p.set_defaults(func=cmd_saturation)
