"""The ``qualcode`` command line, over the same library as the app.

Each command group lives in a module of this package with a ``register(subparsers)``
function; add a module to ``COMMAND_MODULES`` to add its commands.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..errors import QualcodeError
from ..store.project import ENV_URL, Project

COMMAND_MODULES = ["transcripts", "codebook", "saturation", "export", "app", "agreement",
                   "exchange", "users", "analysis", "suggest", "relations", "media", "cases"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qualcode", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help=f"project database: a SQLite file path or a URL "
                        f"(default: ${ENV_URL} or .qualcode/demo.sqlite)")
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        default=os.environ.get("QUALCODE_AS_USER") or None,
                        help="act as this account of the project (its role and, under blind "
                             "coding, only its own work; default: $QUALCODE_AS_USER, else local "
                             "mode: everything)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "needs_project", True) is False:
            return args.func(None, args)
        project = Project(args.db)
        try:
            if args.as_user:
                from ..store.users import actor_for, get_user

                user = get_user(project, args.as_user)
                if not user.active:
                    raise QualcodeError(f"the account '{user.name}' is deactivated")
                project.default_actor = actor_for(user)
            return args.func(project, args)
        finally:
            project.close()
    except QualcodeError as exc:
        from .common import terminal_safe

        print(f"error: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2

