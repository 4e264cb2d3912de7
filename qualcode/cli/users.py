"""Accounts, projects, the audit trail and the trash.

    qualcode users add NAME --role admin|manage-documents|coder|read-only [--password-stdin]
    qualcode users list [--json]
    qualcode users reset-password NAME [--password-stdin]
    qualcode users set-role NAME ROLE
    qualcode users deactivate NAME | activate NAME
    qualcode projects list [--json] | create NAME [--demo]
    qualcode audit [--user U] [--table T] [--action A] [--row ID] [--since DATE] [--limit N] [--json]
    qualcode trash list [--json] | restore ID

The command line works on the database directly (whoever can open it may do everything), so
it acts in local mode; run it on the server to create the first admin of a shared project.
Passwords are asked twice on the terminal, or read from standard input (first line) with
``--password-stdin``.
"""

from __future__ import annotations

import getpass
import sys
from datetime import datetime

from ..demo import load_demo
from ..errors import ValidationError
from ..store.permissions import ROLE_LABELS, ROLES
from .common import print_json


def _password(args) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ValidationError("the two passwords differ")
    return first


def cmd_users_add(project, args) -> int:
    from ..store.users import add_user

    user = add_user(project, args.name, _password(args), args.role)
    print(f"added {user.name} ({ROLE_LABELS[user.role]})")
    return 0


def cmd_users_list(project, args) -> int:
    from ..store.users import list_users

    users = list_users(project)
    if args.json:
        print_json([{"name": u.name, "role": u.role, "active": u.active,
                     "created_at": u.created_at.isoformat()} for u in users],
                   indent=None)
        return 0
    for u in users:
        print(f"{u.name}\t{u.role}" + ("" if u.active else "\t(deactivated)"))
    return 0


def cmd_users_reset(project, args) -> int:
    from ..store.users import reset_password

    reset_password(project, args.name, _password(args))
    print(f"new password set for {args.name}")
    return 0


def cmd_users_role(project, args) -> int:
    from ..store.users import set_role

    user = set_role(project, args.name, args.role)
    print(f"{user.name} is now {ROLE_LABELS[user.role]}")
    return 0


def cmd_users_active(project, args) -> int:
    from ..store.users import set_active

    user = set_active(project, args.name, args.active)
    print(f"{user.name} {'activated' if user.active else 'deactivated'}")
    return 0


def cmd_projects_list(_project, args) -> int:
    from ..store.projects import list_projects, projects_dir

    projects = list_projects(projects_dir(args.db))
    if args.json:
        print_json([{"name": p.name, "path": str(p.path)} for p in projects],
                   indent=None)
        return 0
    for p in projects:
        print(f"{p.name}\t{p.path}")
    return 0


def cmd_projects_create(_project, args) -> int:
    from ..store.projects import create_project, projects_dir

    info = create_project(args.name, projects_dir(args.db),
                          fill=load_demo if args.demo else None)
    print(f"created project {info.name}: {info.path}")
    print(f"open it with: qualcode --db '{info.path}' …")
    return 0


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"give a date as YYYY-MM-DD[THH:MM], not {text!r}") from None


def cmd_audit(project, args) -> int:
    from ..store.audit import list_audit

    entries = list_audit(project, user=args.user, table=args.table, action=args.action,
                         row_id=args.row, since=_when(args.since), until=_when(args.until),
                         limit=args.limit)
    if args.json:
        print_json([{"id": e.id, "at": e.at.isoformat(), "user": e.user_name,
                     "table": e.table_name, "row_id": e.row_id, "action": e.action,
                     "before": e.before, "after": e.after} for e in entries],
                   indent=None)
        return 0
    for e in entries:
        changed = ", ".join(sorted(set(e.before or {}) | set(e.after or {})))
        print(f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.user_name or '(local)'}\t{e.action}\t"
              f"{e.table_name} {e.row_id}\t{changed}")
    return 0


def cmd_trash_list(project, args) -> int:
    from ..store.trash import list_trash

    items = list_trash(project, include_restored=args.all)
    if args.json:
        print_json([{"id": i.id, "kind": i.kind, "label": i.label,
                     "deleted_by": i.deleted_by, "deleted_at": i.deleted_at.isoformat(),
                     "codings": len(i.snapshot.get("codings") or []),
                     "restored": i.restored_at is not None} for i in items],
                   indent=None)
        return 0
    for i in items:
        print(f"{i.id}\t{i.kind}\t{i.label}\tdeleted by {i.deleted_by or '(local)'} "
              f"at {i.deleted_at:%Y-%m-%d %H:%M}" + ("\t(restored)" if i.restored_at else ""))
    return 0


def cmd_trash_restore(project, args) -> int:
    from ..store.trash import restore

    result = restore(project, args.id)
    print(f"restored {result['kind']} {result['label']}"
          + (f" with {result['codings']} coding(s)" if result["kind"] == "transcript" else ""))
    for note in result["skipped"]:
        print(f"not restored: {note}", file=sys.stderr)
    return 0


def register(sub) -> None:
    users = sub.add_parser("users", help="accounts of a shared project").add_subparsers(
        dest="users_command", required=True)
    p = users.add_parser("add", help="add an account")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=list(ROLES))
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_users_add)
    p = users.add_parser("list", help="list accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_users_list)
    p = users.add_parser("reset-password", help="set a new password for a user")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_users_reset)
    p = users.add_parser("set-role", help="change a user's role")
    p.add_argument("name")
    p.add_argument("role", choices=list(ROLES))
    p.set_defaults(func=cmd_users_role)
    for name, active in (("deactivate", False), ("activate", True)):
        p = users.add_parser(name, help=f"{name} an account (its work stays)")
        p.add_argument("name")
        p.set_defaults(func=cmd_users_active, active=active)

    projects = sub.add_parser("projects", help="local projects (SQLite files in one folder)"
                              ).add_subparsers(dest="projects_command", required=True)
    p = projects.add_parser("list", help="list the projects beside the current one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_projects_list, needs_project=False)
    p = projects.add_parser("create", help="create a new, empty project")
    p.add_argument("name")
    p.add_argument("--demo", action="store_true", help="fill it with the demo project")
    p.set_defaults(func=cmd_projects_create, needs_project=False)

    p = sub.add_parser("audit", help="the audit trail: who changed what, when")
    p.add_argument("--user")
    p.add_argument("--table", help="transcripts, codes, codings, memos, users, …")
    p.add_argument("--action", choices=["insert", "update", "delete", "restore"])
    p.add_argument("--row", help="a row id")
    p.add_argument("--since", help="YYYY-MM-DD[THH:MM] (UTC)")
    p.add_argument("--until", help="YYYY-MM-DD[THH:MM] (UTC)")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)

    trash = sub.add_parser("trash", help="deleted transcripts and codings").add_subparsers(
        dest="trash_command", required=True)
    p = trash.add_parser("list", help="what is in the trash")
    p.add_argument("--all", action="store_true", help="also items already restored")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trash_list)
    p = trash.add_parser("restore", help="put a trashed item back")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_trash_restore)

