"""The ``qualcode`` command line, over the same library as the app.

Each command group lives in a module of this package with a ``register(subparsers)``
function; add a module to ``COMMAND_MODULES`` to add its commands.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import QualcodeError
from ..store.project import ENV_URL, Project

COMMAND_MODULES = ["transcripts", "codebook", "saturation", "export", "app", "agreement",
                   "exchange", "users", "analysis", "cases"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qualcode", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help=f"project database: a SQLite file path or a URL "
                        f"(default: ${ENV_URL} or .qualcode/demo.sqlite)")
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
            return args.func(project, args)
        finally:
            project.close()
    except QualcodeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

