"""One entry point for ``qualcode import`` and the Import page: pick the reader by content."""

from __future__ import annotations

from pathlib import Path

from ..errors import ValidationError
from ..store.project import Project
from .bundle import ImportReport

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_FILE_BYTES = 4 * 2**30


def detect_kind(data: bytes, name: str) -> str:
    """'qdpx', 'qde', 'qdc', 'taguette' or 'taguette-codebook' for a file, by content first."""
    suffix = Path(name).suffix.lower()
    if data.startswith(SQLITE_MAGIC):
        return "taguette"
    if data[:2] == b"PK":
        return "qdpx"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"CodeBook" in head and b"<Project" not in head:
            return "qdc"
        return "qde"
    if suffix == ".csv":
        return "taguette-codebook"
    raise ValidationError(f"{name}: not a file qualcode can import; use a REFI-QDA project "
                          ".qdpx (or .qde), a REFI-QDA codebook .qdc, a Taguette database "
                          ".sqlite3 or a Taguette codebook .csv")


def import_file(project: Project, data: bytes, name: str, *, positions: str = "auto",
                split_codes: str | None = None, taguette_project: str | None = None,
                tag_separator: str | None = ".", dry_run: bool = False) -> ImportReport:
    """Import a foreign project or codebook, all or nothing; returns the report."""
    try:
        return _import(project, data, name, positions=positions, split_codes=split_codes,
                       taguette_project=taguette_project, tag_separator=tag_separator,
                       dry_run=dry_run)
    except RecursionError:
        raise ValidationError(f"{name}: nested too deeply to read (a hostile file?); nothing "
                              "was imported") from None


def _import(project, data, name, *, positions, split_codes, taguette_project, tag_separator,
            dry_run) -> ImportReport:
    kind = detect_kind(data, name)
    if kind in ("qdpx", "qde"):
        from .refi_read import import_qdpx

        return import_qdpx(project, data, name, positions=positions, split_codes=split_codes,
                           dry_run=dry_run)
    if kind == "qdc":
        from .refi_codebook import import_qdc

        return import_qdc(project, data, name, split_codes=split_codes, dry_run=dry_run)
    from . import taguette

    if kind == "taguette":
        return taguette.import_taguette(project, data, name, project_ref=taguette_project,
                                        separator=tag_separator, dry_run=dry_run)
    return taguette.import_taguette_codebook(project, data, name, separator=tag_separator,
                                             dry_run=dry_run)


def import_path(project: Project, path: str | Path, **options) -> ImportReport:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(f"{path}: larger than {MAX_FILE_BYTES // 2**30} GiB")
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    return import_file(project, data, path.name, **options)
