"""Projects on this machine: SQLite files in one folder (by default ``.qualcode/``), one per
project. Create, list and open them; the demo project (``demo.sqlite``) is the only one filled
with the demo on first start. A team project on PostgreSQL is opened by its URL instead."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import DuplicateError, NotFound, ValidationError
from .project import DEFAULT_DB_PATH, ENV_URL, Project, resolve_url

SUFFIX = ".sqlite"
_NAME = re.compile(r"^[\w][\w .,()&+'-]{0,79}$", re.UNICODE)


@dataclass(frozen=True)
class ProjectInfo:
    name: str
    url: str
    path: Path


def projects_dir(current: str | None = None) -> Path:
    """The folder holding local projects: the folder of the current SQLite project (``--db`` /
    $QUALCODE_DB_URL), else ``.qualcode/``."""
    url = resolve_url(current) if current or os.environ.get(ENV_URL) else None
    if url and url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):]).parent
    return DEFAULT_DB_PATH.parent.resolve()


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name) or name in {".", ".."}:
        raise ValidationError(
            f"a project name is 1–80 letters, digits, spaces or - _ . , ( ) & + ', not {name!r}")
    return name


def list_projects(folder: Path | None = None) -> list[ProjectInfo]:
    folder = Path(folder) if folder else projects_dir()
    if not folder.is_dir():
        return []
    return [ProjectInfo(p.stem, f"sqlite:///{p.resolve()}", p.resolve())
            for p in sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stem.lower())
            if p.is_file()]


def project_path(name: str, folder: Path | None = None) -> Path:
    return (Path(folder) if folder else projects_dir()) / f"{check_name(name)}{SUFFIX}"


def create_project(name: str, folder: Path | None = None, *,
                   fill: Callable[[Project], None] | None = None) -> ProjectInfo:
    """A new, empty project; ``fill`` (for example ``qualcode.demo.load_demo``) fills it first."""
    path = project_path(name, folder)
    if path.exists():
        raise DuplicateError(f"a project called '{path.stem}' already exists ({path})")
    path.parent.mkdir(parents=True, exist_ok=True)
    project = Project(path)
    try:
        if fill is not None:
            fill(project)
    finally:
        project.close()
    return ProjectInfo(path.stem, f"sqlite:///{path.resolve()}", path.resolve())


def find_project(name: str, folder: Path | None = None) -> ProjectInfo:
    path = project_path(name, folder)
    if not path.is_file():
        raise NotFound(f"no project '{name}' in {path.parent}")
    return ProjectInfo(path.stem, f"sqlite:///{path.resolve()}", path.resolve())


def is_demo_url(url: str) -> bool:
    """Whether ``url`` is a demo project (a SQLite file called ``demo.sqlite``, as the default
    ``.qualcode/demo.sqlite``): the only kind filled with the demo automatically when empty."""
    return url.startswith("sqlite:///") and Path(url[len("sqlite:///"):]).name == \
        DEFAULT_DB_PATH.name
