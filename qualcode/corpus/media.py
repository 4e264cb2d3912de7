"""Recordings beside transcripts: attach, detach and read the audio or video of an interview.

The bytes live in the project's **media folder**, never in the database:

* SQLite: beside the database file, ``<database file name>-media/`` (``project.sqlite`` ->
  ``project.sqlite-media/``), so a project folder copied whole keeps its recordings;
* PostgreSQL (or any other server): the folder named by ``$QUALCODE_MEDIA_DIR``, which every
  app and CLI process of the project must see (a shared disk).

A row of ``media`` (store/models.Media) keeps the file's name, its path relative to the media
folder (``ab/ab12…ef.m4a``: files are named by their SHA-256, so the same recording is stored
once), size, content type, kind (audio/video), SHA-256 and duration (read with ``mutagen``
where the format allows).

Checks on attaching: the name's extension is one of ``ALLOWED_EXTENSIONS``; the content type
is read from the file's magic bytes with the ``filetype`` library (not trusted from the name)
and must be an audio or video type a browser plays; the size is at most ``max_bytes()``
(``$QUALCODE_MEDIA_MAX_MB``, default 4096 MB). Every refusal names the file and the reason;
a refused file leaves nothing behind and the transcript keeps the recording it had.

Reading needs the ``read`` permission of the acting user (``project.user``); attaching and
detaching need ``manage-documents``, like every other change to a transcript.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select

from ..errors import NotFound, QualcodeError, ValidationError
from ..store.models import Media, Transcript
from ..store.permissions import MANAGE_DOCUMENTS, READ, require
from ..store.project import Project

ENV_DIR = "QUALCODE_MEDIA_DIR"
ENV_MAX_MB = "QUALCODE_MEDIA_MAX_MB"
DEFAULT_MAX_MB = 4096

AUDIO_EXTENSIONS = (".mp3", ".m4a", ".wav", ".ogg")
VIDEO_EXTENSIONS = (".mp4", ".webm")
ALLOWED_EXTENSIONS = AUDIO_EXTENSIONS + VIDEO_EXTENSIONS
# content types (as the ``filetype`` library names them) -> kind and the type sent to browsers
PLAYABLE = {
    "audio/mpeg": ("audio", "audio/mpeg"),
    "audio/mp4": ("audio", "audio/mp4"),
    "audio/x-wav": ("audio", "audio/wav"),
    "audio/ogg": ("audio", "audio/ogg"),
    "video/mp4": ("video", "video/mp4"),
    "video/x-m4v": ("video", "video/mp4"),
    "video/webm": ("video", "video/webm"),
}
_CHUNK = 1 << 20


def is_media_name(name: str | os.PathLike) -> bool:
    """Whether a file name has one of the recording extensions qualcode attaches."""
    return Path(name).suffix.lower() in ALLOWED_EXTENSIONS


def max_bytes() -> int:
    raw = os.environ.get(ENV_MAX_MB)
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        raise QualcodeError(f"${ENV_MAX_MB} must be a number of megabytes, not {raw!r}") from None
    return int(mb * 1024 * 1024)


def media_folder(project: Project) -> Path:
    """The project's media folder (not created here)."""
    from ..store.migrate import sqlite_path

    path = sqlite_path(project)
    if path is not None:
        return path.resolve().with_name(path.name + "-media")
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured).expanduser().resolve()
    raise QualcodeError(
        f"recordings of a project on a database server are kept in a shared folder: set "
        f"${ENV_DIR} to that folder (an in-memory SQLite project cannot keep recordings)")


@dataclass(frozen=True)
class MediaInfo:
    """A transcript's recording: the row's facts, and where the file is on this machine."""

    transcript_id: int
    name: str
    path: Path  # absolute
    relative_path: str
    size: int
    content_type: str  # what browsers are told ("audio/mp4")
    kind: str  # "audio" | "video"
    sha256: str
    duration: float | None
    guid: str

    def as_dict(self) -> dict:
        return {"name": self.name, "path": self.relative_path, "size": self.size,
                "content_type": self.content_type, "kind": self.kind, "sha256": self.sha256,
                "duration": self.duration}


def _info(project: Project, row: Media) -> MediaInfo:
    return MediaInfo(row.transcript_id, row.name, media_folder(project) / row.path, row.path,
                     row.size, row.content_type, row.kind, row.sha256, row.duration, row.guid)


def _transcript(session, ref: int | str) -> Transcript:
    column = Transcript.id if isinstance(ref, int) else Transcript.name
    transcript = session.scalar(select(Transcript).where(column == ref))
    if transcript is None:
        raise NotFound(f"no transcript {ref!r}")
    return transcript


def sniff(head: bytes, name: str) -> tuple[str, str]:
    """``(kind, content type)`` of a recording from its first bytes (the ``filetype`` library's
    magic numbers); a clear ValidationError naming ``name`` when it is not one qualcode plays."""
    import filetype

    if Path(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            f"'{name}': not a recording qualcode attaches (the file name must end in "
            f"{', '.join(ALLOWED_EXTENSIONS)})")
    found = filetype.guess(head)
    if found is None or found.mime not in PLAYABLE:
        what = f"it is {found.mime}" if found is not None else "its content is not recognised"
        raise ValidationError(
            f"'{name}': not an audio or video file a browser plays ({what}); attach mp3, m4a, "
            "wav, ogg, mp4 or webm")
    return PLAYABLE[found.mime]


def _duration(path: Path) -> float | None:
    """Length in seconds from the container's header (``mutagen``), None if unknown."""
    try:
        import mutagen

        info = getattr(mutagen.File(str(path)), "info", None)
        length = getattr(info, "length", None)
        return float(length) if length and length > 0 else None
    except Exception:  # noqa: BLE001 - webm and damaged headers: duration unknown, still playable
        return None


def _copy_in(source: BinaryIO, folder: Path, name: str, limit: int) -> tuple[Path, int, str]:
    """Stream ``source`` into a temporary file in ``folder`` (bounded memory): path, size, hash."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = source.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        f"'{name}': the recording is larger than the limit of "
                        f"{limit // (1024 * 1024)} MB (${ENV_MAX_MB})")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if size == 0:
        Path(tmp).unlink(missing_ok=True)
        raise ValidationError(f"'{name}': the file is empty")
    return Path(tmp), size, digest.hexdigest()


def attach_media(project: Project, transcript: int | str, source: str | os.PathLike | bytes
                 | BinaryIO, name: str | None = None) -> MediaInfo:
    """Attach a recording to a transcript (by id or name), replacing the one it had.
    ``source`` is a file path, the bytes, or a binary file object (read in chunks); ``name`` is
    the file name to keep (default: the path's name). Raises ValidationError naming the file
    for a wrong type, an empty or too large file; nothing is changed then."""
    require(project, MANAGE_DOCUMENTS, "attach a recording")
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise ValidationError(f"'{path}': no such file")
        limit = max_bytes()
        if path.stat().st_size > limit:
            raise ValidationError(f"'{name}': the recording is larger than the limit of "
                                  f"{limit // (1024 * 1024)} MB (${ENV_MAX_MB})")
        with path.open("rb") as f:
            return _attach(project, transcript, f, name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        import io

        return _attach(project, transcript, io.BytesIO(bytes(source)), name or "recording")
    return _attach(project, transcript, source, name or getattr(source, "name", "recording"))


def _attach(project: Project, ref: int | str, source: BinaryIO, name: str) -> MediaInfo:
    name = Path(str(name)).name[:255]
    with project.reading() as s:
        transcript = _transcript(s, ref)
    head = source.read(8192)
    kind, content_type = sniff(head, name)
    folder = media_folder(project)

    class _Rest:  # the head already read, then the rest of the stream
        def __init__(self):
            self.first = head

        def read(self, n):
            if self.first:
                out, self.first = self.first, b""
                return out
            return source.read(n)

    tmp, size, sha = _copy_in(_Rest(), folder, name, max_bytes())
    relative = f"{sha[:2]}/{sha}{Path(name).suffix.lower()}"
    target = folder / relative
    created = not target.exists()
    try:
        if created:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        else:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise QualcodeError(f"'{name}': could not be stored in {folder}: {exc}") from None
    duration = _duration(target)
    old_path = None
    try:
        with project.transaction() as s:
            row = s.scalar(select(Media).where(Media.transcript_id == transcript.id))
            if row is None:
                row = Media(transcript_id=transcript.id)
                s.add(row)
            elif row.path != relative:
                old_path = row.path
            row.name, row.path, row.size, row.sha256 = name, relative, size, sha
            row.content_type, row.kind, row.duration = content_type, kind, duration
            s.flush()
            info = _info(project, row)
    except BaseException:
        if created:
            _remove_unused(project, relative)
        raise
    if old_path:
        _remove_unused(project, old_path)
    return info


def _remove_unused(project: Project, relative: str) -> None:
    """Delete a stored file that no media row refers to any more (files are shared by hash)."""
    with project.reading() as s:
        used = s.scalar(select(func.count()).select_from(Media).where(Media.path == relative))
    if not used:
        try:
            (media_folder(project) / relative).unlink(missing_ok=True)
        except OSError:
            pass


def detach_media(project: Project, transcript: int | str) -> MediaInfo | None:
    """Remove a transcript's recording (the row, and the file unless another transcript uses the
    same one); returns what was attached, None if nothing was."""
    require(project, MANAGE_DOCUMENTS, "detach a recording")
    with project.transaction() as s:
        t = _transcript(s, transcript)
        row = s.scalar(select(Media).where(Media.transcript_id == t.id))
        if row is None:
            return None
        info = _info(project, row)
        s.delete(row)
    _remove_unused(project, info.relative_path)
    return info


def media_of(project: Project, transcript_id: int) -> MediaInfo | None:
    """The recording of a transcript for playing (None if it has none). Needs ``read`` for the
    acting user; raises a clear error if the file went missing from the media folder."""
    require(project, READ, "play this recording")
    with project.reading() as s:
        row = s.scalar(select(Media).where(Media.transcript_id == transcript_id))
        if row is None:
            return None
        info = _info(project, row)
    if not info.path.is_file():
        raise QualcodeError(f"the recording '{info.name}' is missing from the media folder "
                            f"({info.path}); attach it again")
    return info


def media_names(project: Project) -> dict[int, str]:
    """The attached file's name per transcript id (only those with a recording)."""
    with project.reading() as s:
        return dict(s.execute(select(Media.transcript_id, Media.name)).all())


def all_media(project: Project) -> dict[int, MediaInfo]:
    """Every recording's facts per transcript id (for exports); files are not checked."""
    with project.reading() as s:
        return {row.transcript_id: _info(project, row) for row in s.scalars(select(Media))}


def read_media_bytes(project: Project, transcript_id: int) -> bytes:
    """The whole file (for small recordings and exports); needs ``read``."""
    info = media_of(project, transcript_id)
    if info is None:
        raise NotFound(f"transcript {transcript_id} has no recording")
    return info.path.read_bytes()


def copy_media_to(project: Project, transcript_id: int, target: BinaryIO) -> None:
    """Stream a recording into ``target`` (bounded memory); needs ``read``."""
    info = media_of(project, transcript_id)
    if info is None:
        raise NotFound(f"transcript {transcript_id} has no recording")
    with info.path.open("rb") as f:
        shutil.copyfileobj(f, target, _CHUNK)
