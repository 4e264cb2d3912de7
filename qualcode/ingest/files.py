"""One file in, one IngestedDocument out; every failure is an IngestError naming the file."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import yaml

from ..errors import IngestError
from .decode import UndecodableError, decode_bytes, normalise
from .document import IngestedDocument
from .language import guess_language
from .speakers import find_turns
from .subtitles import CaptionError, cues_to_text, parse_cues

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".pdf", ".odt")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
MAX_BYTES = 50 * 1024 * 1024


def read_document(path: str | Path, data: bytes | None = None) -> IngestedDocument:
    """Read ``path`` (or ``data`` named by ``path``, as from an upload) into canonical text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            path, f"unsupported file type '{suffix or '(none)'}'; supported: "
            + ", ".join(SUPPORTED_SUFFIXES)
        )
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise IngestError(path, f"file is larger than {MAX_BYTES // 2**20} MiB")
    if not data.strip():
        raise IngestError(path, "the file is empty")
    fmt = suffix.lstrip(".")
    encoding = None
    try:
        if fmt in ("txt", "md", "vtt", "srt"):
            raw, encoding = decode_bytes(data)
        elif fmt == "docx":
            raw = _docx_text(data)
        elif fmt == "pdf":
            raw = _pdf_text(data)
        else:
            raw = _odt_text(data)
    except UndecodableError as exc:
        raise IngestError(path, str(exc)) from exc

    attributes: dict = {}
    if fmt in ("txt", "md"):
        raw, attributes = _split_front_matter(path, raw)
    if fmt in ("vtt", "srt"):
        try:
            text, turns = cues_to_text(parse_cues(raw, fmt))
        except CaptionError as exc:
            raise IngestError(path, str(exc)) from exc
    else:
        text = normalise(raw)
        turns = find_turns(text)
    if not text.strip():
        hint = " (a scanned PDF without a text layer?)" if fmt == "pdf" else ""
        raise IngestError(path, f"no text found in the file{hint}")
    language = str(attributes.pop("language", "") or "") or guess_language(text)
    return IngestedDocument(text, turns, fmt, encoding, language, attributes)


def _split_front_matter(path: Path, raw: str) -> tuple[str, dict]:
    m = _FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if not m:
        return raw, {}
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        message = f"the front matter between '---' lines is not valid YAML: {exc}"
        raise IngestError(path, message) from exc
    if not isinstance(meta, dict):
        raise IngestError(path, "the front matter between '---' lines must be 'key: value' pairs")
    meta = {str(k): (v if isinstance(v, (int, float, bool)) or v is None else str(v))
            for k, v in meta.items()}
    return raw.lstrip("\ufeff")[m.end():], meta


def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UndecodableError("not a valid Word .docx file (corrupt, or another format renamed)") from exc
    except Exception as exc:  # python-docx raises several types for damaged packages
        raise UndecodableError(f"cannot open the Word file: {exc}") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if len(cells) == 2 and len(cells[0]) <= 40 and "\n" not in cells[0]:
                    lines.append(f"{cells[0].rstrip(':')}: {cells[1]}")
                else:
                    lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UndecodableError("the PDF is encrypted")
        return "\n\n".join((page.extract_text() or "") for page in reader.pages)
    except UndecodableError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UndecodableError(f"not a readable PDF ({exc})") from exc


def _odt_text(data: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.namespaces import TEXTNS

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises zip, XML and key errors alike
        raise UndecodableError("not a valid OpenDocument .odt file (corrupt, or another format)") from exc
    lines: list[str] = []

    def walk(node) -> None:
        for child in node.childNodes:
            if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
                lines.append(teletype.extractText(child))
            elif child.nodeType == child.ELEMENT_NODE:
                walk(child)

    walk(document.text)
    return "\n".join(lines)
