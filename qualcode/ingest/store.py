"""Ingesting files into a project: one at a time, or a whole folder with progress reporting.

Each file is stored in its own transaction, so a corrupt or duplicate file is reported and
skipped while everything else (already stored or still to come) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import DuplicateError, IngestError, QualcodeError
from ..project import Project
from .files import SUPPORTED_SUFFIXES, read_document

# Manifests, codings and codebooks may travel beside transcripts; a folder ingest passes them by.
SIDECAR_SUFFIXES = (".yaml", ".yml", ".csv", ".json")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

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


def ingest_folder(project: Project, folder: str | Path,
                  progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
    """Ingest every supported file in ``folder`` (sorted by name); others are reported as errors."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(folder, "not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() not in SIDECAR_SUFFIXES)
    report = IngestReport()
    for i, path in enumerate(files, 1):
        if progress:
            progress(i, len(files), path.name)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.errors.append(str(IngestError(path, "unsupported file type")))
            continue
        try:
            transcript = ingest_file(project, path)
        except DuplicateError as exc:
            report.duplicates.append(str(exc))
        except QualcodeError as exc:
            report.errors.append(str(exc))
        else:
            report.added.append(transcript.name)
    return report
