"""Bounds on what a file may make qualcode do: a file is read only up to a size, zip packages
(.docx/.odt/.xlsx) are checked before any parser sees them, YAML may not build structures from
anchors and aliases."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import yaml

from ..errors import IngestError

MAX_BYTES = 50 * 2**20  # one file to ingest (transcript or survey sheet)
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 256 * 2**20  # all members together (pictures included)
MAX_XML_MEMBER = 64 * 2**20  # one XML part that is parsed into a tree
MAX_YAML_ALIASES = 20
MAX_YAML_EVENTS = 200_000
MAX_YAML_DEPTH = 50  # nesting of a codebook (code levels and their fields)

# Bounds on what the bytes decode to: the 50 MiB of a file may hide far more text.
MAX_TEXT_CHARS = 10_000_000  # one transcript (code points): ~1.5 M words, far beyond an interview
MAX_REPEAT = 1_000  # one repeat count (an .odt <text:s text:c="…"/> run of spaces)
MAX_TURNS = 200_000  # speaker turns (or paragraphs) of one transcript
MAX_COLUMNS = 500  # columns of a sheet / attributes of one row or transcript
MAX_IMPORT_CHARS = 40_000_000  # all texts of one import together (a .qdpx, a batch of uploads)
MAX_XML_DEPTH = 500  # element nesting of an XML part (.docx, .odt, .qdpx)


class LimitError(ValueError):
    """Input refused because it would take too much memory or time; the message says why."""


def _n(value: int) -> str:
    return f"{value:,}"


def check_text(text: str, what: str = "the text", limit: int = MAX_TEXT_CHARS) -> str:
    """``text``, or LimitError when it is longer than ``limit`` code points."""
    if len(text) > limit:
        raise LimitError(f"{what} decodes to {_n(len(text))} characters; at most {_n(limit)} "
                         "are accepted per transcript")
    return text


def check_turns(count: int, what: str = "the text") -> None:
    if count > MAX_TURNS:
        raise LimitError(f"{what} has more than {_n(MAX_TURNS)} speaker turns or paragraphs "
                         f"({_n(count)} found so far); split it into several transcripts")


def check_columns(count: int, what: str = "the sheet") -> None:
    if count > MAX_COLUMNS:
        raise LimitError(f"{what} has {_n(count)} columns; at most {_n(MAX_COLUMNS)} "
                         "(attributes per transcript) are accepted")


def check_repeat(count: int, what: str = "a repeat count") -> int:
    if count > MAX_REPEAT:
        raise LimitError(f"{what} of {_n(count)}; at most {_n(MAX_REPEAT)} are accepted")
    return count


class ImportBudget:
    """The decoded characters of one import together (every source of a .qdpx, every file of
    a batch): LimitError once they pass ``limit``."""

    def __init__(self, what: str, limit: int = MAX_IMPORT_CHARS):
        self.what, self.limit, self.used = what, limit, 0

    def take(self, count: int, name: str = "") -> None:
        self.used += count
        if self.used > self.limit:
            at = f" (reached at '{name}')" if name else ""
            raise LimitError(f"{self.what} decodes to more than {_n(self.limit)} characters "
                             f"of text in all{at}; import it in smaller parts")


def read_input(path: Path, data: bytes | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a file to ingest (``data``, as from an upload, or read from ``path``);
    an IngestError naming the file when it cannot be read, is too large or is empty."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise IngestError(path, f"file is larger than {max_bytes // 2**20} MiB")
    if not data.strip():
        raise IngestError(path, "the file is empty")
    return data


def check_zip(data: bytes, what: str = "package",
              max_total: int = MAX_ZIP_UNCOMPRESSED) -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking entry count and declared uncompressed sizes.

    Python's zipfile never returns more bytes for a member than its declared size (and checks
    the CRC), so the declared sizes bound what any parser reading this zip can inflate."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LimitError(f"not a valid {what} (the zip container is damaged: {exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise LimitError(f"the {what} holds {len(infos)} files; at most {MAX_ZIP_ENTRIES} are "
                         "accepted (a zip bomb?)")
    total = 0
    for info in infos:
        total += info.file_size
        if total > max_total:
            raise LimitError(f"the {what} would unpack to more than "
                             f"{max_total // 2**20} MiB (a zip bomb?)")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, what: str = "package",
                max_bytes: int | None = None) -> bytes | None:
    """A member's bytes (None if absent), read in chunks and stopped at the size limit."""
    max_bytes = MAX_XML_MEMBER if max_bytes is None else max_bytes
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > max_bytes:
        raise LimitError(f"'{name}' in the {what} is {info.file_size // 2**20} MiB of XML; at "
                         f"most {max_bytes // 2**20} MiB are read (a zip bomb?)")
    limit = info.file_size
    out = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                out += chunk
                if len(out) > limit:
                    raise LimitError(f"'{name}' in the {what} is larger than it declares")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise LimitError(f"'{name}' in the {what} cannot be read ({exc})") from None
    return bytes(out)


def safe_yaml_load(text: str):
    """``yaml.safe_load`` that refuses many anchors/aliases (a "billion laughs" alias bomb)
    before building anything. Raises LimitError or yaml.YAMLError."""
    aliases = events = depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        events += 1
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise LimitError(f"the YAML uses more than {MAX_YAML_ALIASES} aliases (*name); "
                                 "refused (an alias bomb?)")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise LimitError(f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if events > MAX_YAML_EVENTS:
            raise LimitError("the YAML is too large")
    return yaml.safe_load(text)
