"""Commands on cases (the people who speak): list, role, merge, rename, attributes."""

from __future__ import annotations

from pathlib import Path

from ..errors import QualcodeError
from ..store.project import Project
from .common import print_json


def cmd_cases(project: Project, args) -> int:
    from ..corpus import cases

    action, rest = args.action, args.args
    if action == "list":
        infos = cases.list_cases(project)
        if args.json:
            print_json([c.as_dict() for c in infos])
            return 0
        for c in infos:
            attrs = ", ".join(f"{k}={v}" for k, v in c.attributes.items())
            print(f"{c.case}  [{c.role or 'no role'}]  {c.turns} turn(s) in "
                  f"{len(c.transcripts)} transcript(s)" + (f"  {attrs}" if attrs else ""))
        for name in cases.proposed_interviewers(project):
            print(f"proposed: {name} speaks in most interviews; if they are the interviewer: "
                  f"qualcode cases role '{name}' interviewer")
        return 0
    wanted = {"role": 2, "merge": 2, "rename": 2, "attributes": 1}[action]
    if len(rest) != wanted:
        usage = {"role": "NAME ROLE", "merge": "NAME INTO", "rename": "NAME NEW_NAME",
                 "attributes": "SHEET.csv"}[action]
        raise QualcodeError(f"usage: qualcode cases {action} {usage}")
    if action == "role":
        cases.set_case_role(project, rest[0], rest[1])
        print(f"{rest[0]}: role {rest[1] or '(none)'}")
    elif action == "merge":
        moved = cases.merge_cases(project, rest[0], rest[1])
        print(f"merged {rest[0]} into {rest[1]} ({moved} turn(s))")
    elif action == "rename":
        cases.rename_case(project, rest[0], rest[1])
        print(f"renamed {rest[0]} to {rest[1]}")
    else:
        path = Path(rest[0])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise QualcodeError(f"{path}: cannot read the sheet ({exc.strerror})") from None
        n = cases.import_case_attributes(project, data, path.name)
        print(f"attributes set on {n} case(s)")
    return 0


def register(sub) -> None:
    p = sub.add_parser("cases", help="the people who speak: list, set a role, merge, rename, "
                       "attributes from a CSV sheet keyed by case")
    p.add_argument("action", nargs="?", default="list",
                   choices=["list", "role", "merge", "rename", "attributes"])
    p.add_argument("args", nargs="*", help="role: NAME ROLE · merge: NAME INTO · "
                   "rename: NAME NEW_NAME · attributes: SHEET.csv (columns: case, role, ...)")
    p.add_argument("--json", action="store_true", help="list: objects with case, role, "
                   "transcripts, turns, attributes")
    p.set_defaults(func=cmd_cases)
