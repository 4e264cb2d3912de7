"""Saving a coding the canvas asks for (``apply``: a code of the codebook; ``new``: an in-vivo
code, created when missing), the same way whether the request came as the canvas's trigger
(a rerun of the Code page, ``page_code._on_action``) or over HTTP (``POST /api/codings``,
``ui/api_codings.py``): one history entry (undo), the coder's recent codes updated. The
library applies the permissions and blind coding of the acting user (``project.user``)."""

from __future__ import annotations

from ..coding import history, shortcuts
from ..coding.codes import code_tree, create_code
from ..errors import ConflictError, DuplicateError, ValidationError
from ..store.models import Coding
from ..store.project import Project

SAVING_OPS = ("apply", "new")


def save_coding(project: Project, action: dict, coder: str) -> Coding:
    """Code ``action``'s span (``t`` transcript, ``start``, ``end``) with ``code`` (``apply``)
    or the code named ``name`` (``new``) as ``coder``; raises QualcodeError (DuplicateError:
    the span has that code from that coder already) and KeyError/TypeError/ValueError for an
    action that cannot be read."""
    op = action.get("op")
    if op not in SAVING_OPS:
        raise ValidationError(f"not an action that saves a coding: {op!r}")
    tid, start, end = int(action["t"]), int(action["start"]), int(action["end"])
    code_id = code_named(project, str(action["name"])) if op == "new" else int(action["code"])
    coding = history.add_coding(project, tid, code_id, start, end, coder=coder)
    shortcuts.used(project, coder, code_id)
    return coding


def code_named(project: Project, name: str) -> int:
    """An in-vivo code: the top-level code of that name (in any letter case), created when
    missing. When a colleague creates the same name at the same moment (on another server
    process, or before this page heard of it), the insert clashes and theirs is used: two
    coders typing one new code name both get their coding."""
    name = cut_at_word(" ".join(name.replace("/", "-").split()), 120)
    found = _top_level_code(project, name)
    if found is None:
        try:
            return create_code(project, name).id
        except (DuplicateError, ConflictError):
            found = _top_level_code(project, name)
            if found is None:
                raise
    return found


def _top_level_code(project: Project, name: str) -> int | None:
    folded = name.casefold()
    return next((node.code.id for node in code_tree(project)
                 if node.depth == 0 and node.code.name.casefold() == folded), None)


def cut_at_word(name: str, limit: int) -> str:
    """``name`` at most ``limit`` characters, cut at the last space before that (a single
    longer word: cut hard), as the canvas cuts its in-vivo names (core.js invivoName)."""
    if len(name) <= limit:
        return name
    cut = name.rfind(" ", 0, limit + 1)
    return name[:cut if cut > 0 else limit].rstrip(" ,;:–—-")
