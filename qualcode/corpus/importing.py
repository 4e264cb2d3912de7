"""Ingesting files into a project: one at a time, or whole folders with progress reporting.

Each file is stored in its own transaction, so a corrupt, hostile or duplicate file is reported
and skipped while everything else (already stored or still to come) is kept. Every file gets a
line in the report: added, duplicate, skipped (and why) or failed (and why).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from typing import Callable

from .order import natural_key
from ..errors import DuplicateError, IngestError, QualcodeError
from ..coding.comments import CommentImport
from ..store.project import Project
from ..ingest.files import SUPPORTED_SUFFIXES, read_document
from ..ingest.survey import SURVEY_SUFFIXES, read_survey
from .media import is_media_name

log = logging.getLogger(__name__)

# Manifests, codings and codebooks may travel beside transcripts; a folder ingest passes them by.
SIDECAR_SUFFIXES = (".yaml", ".yml", ".csv", ".json", ".xlsx", ".qdc", ".qdpx")
# Files that describe a collection rather than being an interview.
_NOT_TRANSCRIPTS = re.compile(
    r"^(?:license|licence|copying|readme|read[ _-]?me|sources?|changelog|changes|history|notice|"
    r"authors|contributors|citation|manifest|index|todo|credits|acknowledg(?:e)?ments)"
    r"(?:[._ -].*)?$", re.IGNORECASE)


@dataclass
class FileOutcome:
    path: str
    status: str  # "added" | "duplicate" | "skipped" | "failed"
    detail: str = ""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[FileOutcome] = field(default_factory=list)
    comments: CommentImport = field(default_factory=CommentImport)
    media: list[dict] = field(default_factory=list)  # {"transcript", "file"} per recording

    def summary(self) -> str:
        text = (f"{len(self.added)} added, {len(self.duplicates)} duplicate(s) skipped, "
                f"{len(self.skipped)} other file(s) skipped, {len(self.errors)} error(s)")
        if self.comments.comments or self.comments.replies_skipped or self.comments.empty_skipped:
            text += f"; {self.comments.summary()}"
        return text

    def as_dict(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates, "skipped": self.skipped,
                "errors": self.errors, "notes": self.notes,
                "files": [vars(f) for f in self.files], "media": self.media,
                "comments": {"comments": self.comments.comments,
                             "codings": self.comments.codings,
                             "codes_created": self.comments.codes_created,
                             "replies_skipped": self.comments.replies_skipped,
                             "coders": sorted(self.comments.coders)}}


def infer_attributes(doc) -> dict:
    """Attributes the data says: a single participant-style speaker label (``P3:``,
    ``R2:``) names the participant, whose role is then "participant". Editable afterwards."""
    labels = {t.speaker for t in doc.turns if t.speaker}
    ids = sorted(s for s in labels if re.fullmatch(r"(?:P|R|Participant |Respondent |Deelnemer )\d{1,3}",
                                                   s, re.IGNORECASE))
    if len(ids) == 1:
        participant = re.sub(r"^(?:Participant|Respondent|Deelnemer) ", "P", ids[0], flags=re.I)
        return {"participant": participant.upper(), "role": "participant"}
    return {}


def ingest_file(project: Project, path: str | Path, *, data: bytes | None = None,
                name: str | None = None, attributes: dict | None = None,
                report: IngestReport | None = None, import_comments: bool = True,
                text_column: str | None = None, per_column: bool = False):
    """Read and store one file; raises IngestError / DuplicateError with a clear message.
    A survey sheet (.csv/.xlsx) stores one transcript per answer (see ``ingest.survey``)."""
    from .transcripts import add_transcript

    path = Path(path)
    if path.suffix.lower() in SURVEY_SUFFIXES:
        return _ingest_survey(project, path, data, attributes, report, text_column, per_column)
    doc = read_document(path, data)
    name = name or doc.attributes.pop("name", None) or path.stem
    for key, value in infer_attributes(doc).items():
        if key not in doc.attributes and key not in (attributes or {}):
            doc.attributes[key] = value
    on_stored = None
    summary = CommentImport()
    if doc.comments and import_comments:
        from ..coding.comments import apply_comments

        def on_stored(session, transcript):
            summary.add(apply_comments(session, transcript, doc.comments))

    transcript = add_transcript(project, doc, str(name), source_filename=path.name,
                                attributes=attributes, on_stored=on_stored)
    if report is not None:
        report.notes.extend(f"{path.name}: {note}" for note in doc.notes)
    if report is not None and (summary.comments or summary.replies_skipped or summary.empty_skipped):
        report.comments.add(summary)
        report.notes.append(f"{path.name}: {summary.summary()}")
    return transcript


def _ingest_survey(project, path, data, attributes, report, text_column, per_column):
    from .transcripts import add_transcripts

    survey = read_survey(path, data, text_column=text_column, per_column=per_column)
    if report is not None:
        report.notes.extend(survey.notes)
    stored, duplicates = add_transcripts(project, survey.documents, source_filename=path.name,
                                         attributes=attributes)
    if report is None:
        if not stored:
            raise DuplicateError(f"{path}: every answer is already in the project")
        return stored
    for message in duplicates:
        report.duplicates.append(message)
        report.files.append(FileOutcome(str(path), "duplicate", message))
    report.added.extend(t.name for t in stored)
    return stored


Progress = Callable[[int, int, str], None]


def ingest_files(project: Project, items: list[tuple[str | Path, bytes | None, str | None]], *,
                 attributes: dict | None = None, progress: Progress | None = None,
                 report: IngestReport | None = None, import_comments: bool = True,
                 text_column: str | None = None, per_column: bool = False) -> IngestReport:
    """Ingest ``(path, data or None, name or None)`` items one by one, each in its own
    transaction: duplicates and bad files are reported and skipped, the rest is stored.
    No error of one file stops the batch. A recording (``P3.m4a``) with the same base name as
    a transcript (``P3.docx``) is attached to it: one in the batch, else one beside the file on
    disk (see ``attach_recordings``)."""
    report = report if report is not None else IngestReport()
    recordings = [item for item in items if is_media_name(item[0])]
    items = [item for item in items if not is_media_name(item[0])]
    stored: list[tuple[Path, bytes | None, object]] = []
    for i, (path, data, name) in enumerate(items, 1):
        if progress:
            progress(i, len(items), Path(path).name)
        try:
            result = ingest_file(project, path, data=data, name=name, attributes=attributes,
                                 report=report, import_comments=import_comments,
                                 text_column=text_column, per_column=per_column)
        except DuplicateError as exc:
            report.duplicates.append(str(exc))
            report.files.append(FileOutcome(str(path), "duplicate", str(exc)))
        except QualcodeError as exc:
            message = str(exc) if str(path) in str(exc) or Path(path).name in str(exc) \
                else f"{path}: {exc}"
            report.errors.append(message)
            report.files.append(FileOutcome(str(path), "failed", message))
        except MemoryError:
            message = f"{path}: the file needs more memory than is available"
            report.errors.append(message)
            report.files.append(FileOutcome(str(path), "failed", message))
        except Exception as exc:  # a parser bug must not cost the rest of the batch
            log.exception("unexpected error ingesting %s", path)
            message = f"{path}: unexpected error ({type(exc).__name__}: {exc})"
            report.errors.append(message)
            report.files.append(FileOutcome(str(path), "failed", message))
        else:
            if isinstance(result, list):
                if result:
                    report.files.append(FileOutcome(str(path), "added",
                                                    f"{len(result)} document(s)"))
            else:
                report.added.append(result.name)
                report.files.append(FileOutcome(str(path), "added", result.name))
                stored.append((Path(path), data, result))
    attach_recordings(project, stored, recordings, report)
    return report


def attach_recordings(project: Project, stored, recordings, report: IngestReport) -> None:
    """Attach to each newly stored transcript (``(path, data, transcript)``) the recording of
    the same base name: from ``recordings`` (``(path, data, name)`` items of the batch), else
    beside its file on disk. A bad recording is an error of its own; the transcript stays."""
    from .media import ALLOWED_EXTENSIONS, attach_media

    by_stem: dict[str, tuple] = {}
    for item in recordings:
        by_stem.setdefault(Path(item[0]).stem.casefold(), item)
    used = set()
    for path, data, transcript in stored:
        item = by_stem.get(path.stem.casefold())
        if item is not None:
            used.add(id(item))
            rec_path, rec_data = Path(item[0]), item[1]
        elif data is None:
            rec_path = next((p for p in (path.with_suffix(ext) for ext in ALLOWED_EXTENSIONS)
                             if p.is_file()), None)
            if rec_path is None:
                rec_path = next((p for p in sorted(path.parent.glob(path.stem + ".*"))
                                 if p.suffix.lower() in ALLOWED_EXTENSIONS), None)
            rec_data = None
            if rec_path is None:
                continue
        else:
            continue
        try:
            attach_media(project, transcript.id, rec_path if rec_data is None else rec_data,
                         name=rec_path.name)
        except QualcodeError as exc:
            message = str(exc) if rec_path.name in str(exc) else f"{rec_path}: {exc}"
            report.errors.append(message)
            report.files.append(FileOutcome(str(rec_path), "failed", message))
        else:
            report.media.append({"transcript": transcript.name, "file": rec_path.name})
            report.notes.append(f"{rec_path.name}: recording attached to {transcript.name}")
            report.files.append(FileOutcome(str(rec_path), "attached", transcript.name))
    for item in recordings:
        if id(item) not in used:
            reason = ("recording without a new transcript of the same base name in this batch; "
                      "attach it with: qualcode media attach TRANSCRIPT FILE")
            report.skipped.append(f"{item[0]}: {reason}")
            report.files.append(FileOutcome(str(item[0]), "skipped", reason))


def _natural_key(path: Path):
    """Files in natural order (P2 before P10), as interviews are ordered by name."""
    return natural_key(path.as_posix())


def skip_reason(path: Path) -> str | None:
    """Why a file in a folder is not a transcript, or None if it is one to read."""
    suffix = path.suffix.lower()
    if path.name.startswith(".") or path.name.startswith("~$"):
        return "hidden or temporary file"
    if suffix in (".csv", ".xlsx"):
        return ("sheet (attributes or codings?), not a transcript; to read it as survey "
                f"answers, ingest it by name: qualcode ingest '{path.name}' --text-column …")
    if suffix in SIDECAR_SUFFIXES:
        return "sidecar file (attributes, codings or codebook), not a transcript"
    if is_media_name(path):
        if any(p.stem == path.stem and p.suffix.lower() in SUPPORTED_SUFFIXES
               for p in path.parent.glob(glob_escape(path.stem) + ".*")):
            return ""  # attached to its transcript (ingest_files), not a file of its own
        return ("recording without a transcript of the same base name beside it; attach it "
                "with: qualcode media attach TRANSCRIPT FILE")
    if _NOT_TRANSCRIPTS.match(path.name):
        return "looks like a LICENSE/README/SOURCES-style file, not a transcript"
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type '{suffix or '(none)'}'"
    return None


def folder_files(folder: Path, report: IngestReport | None = None) -> list[Path]:
    """The transcripts in ``folder`` and its sub-folders, in natural order (P2 before P10);
    every other file is listed in ``report.skipped`` with the reason."""
    files, skipped = [], []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts[:-1]):
            continue  # .git, .qualcode, ...
        reason = skip_reason(path)
        if reason == "":
            continue
        if reason:
            skipped.append((path, reason))
        else:
            files.append(path)
    if report is not None:
        for path, reason in sorted(skipped, key=lambda x: _natural_key(x[0])):
            report.skipped.append(f"{path}: {reason}")
            report.files.append(FileOutcome(str(path), "skipped", reason))
    return sorted(files, key=_natural_key)


def ingest_folder(project: Project, folder: str | Path, progress: Progress | None = None,
                  report: IngestReport | None = None, attributes: dict | None = None,
                  import_comments: bool = True) -> IngestReport:
    """Ingest every transcript in ``folder`` and its sub-folders, in natural order; sidecars,
    LICENSE/README-like and unsupported files are skipped and reported."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(folder, "not a folder")
    report = report if report is not None else IngestReport()
    files = folder_files(folder, report)
    return ingest_files(project, [(p, None, None) for p in files], progress=progress,
                        report=report, attributes=attributes, import_comments=import_comments)
