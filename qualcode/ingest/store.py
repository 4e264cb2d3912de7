"""Ingesting files into a project: one at a time, or a whole folder with progress reporting.

Each file is stored in its own transaction, so a corrupt or duplicate file is reported and
skipped while everything else (already stored or still to come) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import DuplicateError, IngestError, QualcodeError
from ..store.project import Project
from .files import read_document

# Manifests, codings and codebooks may travel beside transcripts; a folder ingest passes them by.
SIDECAR_SUFFIXES = (".yaml", ".yml", ".csv", ".json")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.duplicates)} duplicate(s) skipped, "
                f"{len(self.errors)} error(s)")


def ingest_file(project: Project, path: str | Path, *, data: bytes | None = None,
                name: str | None = None, attributes: dict | None = None):
    """Read and store one file; raises IngestError / DuplicateError with a clear message."""
    from ..transcripts import add_transcript

    path = Path(path)
    doc = read_document(path, data)
    name = name or doc.attributes.pop("name", None) or path.stem
    return add_transcript(project, doc, str(name),
                          source_filename=path.name, attributes=attributes)


Progress = Callable[[int, int, str], None]


def ingest_files(project: Project, items: list[tuple[str | Path, bytes | None, str | None]], *,
                 attributes: dict | None = None, progress: Progress | None = None,
                 report: IngestReport | None = None) -> IngestReport:
    """Ingest ``(path, data or None, name or None)`` items one by one, each in its own
    transaction: duplicates and bad files are reported and skipped, the rest is stored."""
    report = report if report is not None else IngestReport()
    for i, (path, data, name) in enumerate(items, 1):
        if progress:
            progress(i, len(items), Path(path).name)
        try:
            transcript = ingest_file(project, path, data=data, name=name, attributes=attributes)
        except DuplicateError as exc:
            report.duplicates.append(str(exc))
        except QualcodeError as exc:
            report.errors.append(str(exc))
        else:
            report.added.append(transcript.name)
    return report


def ingest_folder(project: Project, folder: str | Path, progress: Progress | None = None,
                  report: IngestReport | None = None) -> IngestReport:
    """Ingest every file in ``folder`` (sorted by name) but sidecars; unsupported ones are
    reported as errors."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(folder, "not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() not in SIDECAR_SUFFIXES)
    return ingest_files(project, [(p, None, None) for p in files], progress=progress,
                        report=report)
