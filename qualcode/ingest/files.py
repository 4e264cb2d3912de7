"""One file in, one IngestedDocument out; every failure is an IngestError naming the file."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import yaml

from ..errors import IngestError
from .decode import UndecodableError, decode_bytes, normalise
from .document import IngestedDocument
from .language import guess_language
from .markdown import markdown_to_text
from .limits import MAX_XML_MEMBER, LimitError, check_zip, read_input, safe_yaml_load
from .speakers import find_turns_explained
from .subtitles import CaptionError, cues_to_text, parse_cues

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".pdf", ".odt")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)


PROJECT_SUFFIXES = (".qdpx", ".qde", ".qdc", ".sqlite3")


def read_document(path: str | Path, data: bytes | None = None) -> IngestedDocument:
    """Read ``path`` (or ``data`` named by ``path``, as from an upload) into canonical text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in PROJECT_SUFFIXES:
        raise IngestError(path, "a whole project or codebook from another tool (REFI-QDA, "
                          "Taguette), not a transcript: bring it in with `qualcode import` "
                          "(or on the Import / export page)")
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            path, f"unsupported file type '{suffix or '(none)'}'; supported: "
            + ", ".join(SUPPORTED_SUFFIXES)
        )
    data = read_input(path, data)
    fmt = suffix.lstrip(".")
    encoding = None
    comments: list = []
    try:
        if fmt in ("txt", "md", "vtt", "srt"):
            raw, encoding = decode_bytes(data)
        elif fmt == "docx":
            from .docx import DocxError, read_docx

            try:
                raw, comments = read_docx(data)
            except DocxError as exc:
                raise UndecodableError(str(exc)) from None
        elif fmt == "pdf":
            from .pdf import PdfError, read_pdf

            try:
                raw = read_pdf(data)
            except PdfError as exc:
                raise UndecodableError(str(exc)) from None
        else:
            raw = _odt_text(data)
    except (UndecodableError, LimitError) as exc:
        raise IngestError(path, str(exc)) from exc

    attributes: dict = {}
    notes: list[str] = []
    if fmt in ("txt", "md"):
        raw, attributes = _split_front_matter(path, raw)
    if fmt == "md":
        raw = markdown_to_text(raw)
    if fmt in ("vtt", "srt"):
        try:
            text, turns = cues_to_text(parse_cues(raw, fmt))
        except (CaptionError, ValueError) as exc:
            raise IngestError(path, str(exc)) from exc
    else:
        text = raw if fmt == "docx" else normalise(raw)
        turns, structure = find_turns_explained(text)
        notes.append(f"speakers: {structure}")
    if not text.strip():
        hint = " (a scanned PDF without a text layer?)" if fmt == "pdf" else ""
        raise IngestError(path, f"no text found in the file{hint}")
    language = str(attributes.pop("language", "") or "") or guess_language(text)
    return IngestedDocument(text, turns, fmt, encoding, language, attributes, comments=comments,
                            notes=notes)


def _split_front_matter(path: Path, raw: str) -> tuple[str, dict]:
    m = _FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if not m:
        return raw, {}
    try:
        meta = safe_yaml_load(m.group(1)) or {}
    except LimitError as exc:
        raise IngestError(path, f"the front matter: {exc}") from exc
    except yaml.YAMLError as exc:
        message = f"the front matter between '---' lines is not valid YAML: {exc}"
        raise IngestError(path, message) from exc
    if not isinstance(meta, dict):
        raise IngestError(path, "the front matter between '---' lines must be 'key: value' pairs")
    meta = {str(k): (v if isinstance(v, (int, float, bool)) or v is None else str(v))
            for k, v in meta.items()}
    for key in ("interview_order", "order"):
        if key in meta and meta[key] is not None:
            value = meta[key]
            if isinstance(value, bool) or not _whole(value):
                raise IngestError(path, f"front matter '{key}: {value}' must be a whole number")
            meta[key] = int(float(value))
    return raw.lstrip("\ufeff")[m.end():], meta


def _whole(value) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number == int(number)


def _odt_text(data: bytes) -> str:
    with check_zip(data, "OpenDocument .odt file") as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    if sizes.get("content.xml", 0) > MAX_XML_MEMBER:
        raise UndecodableError(f"content.xml in the OpenDocument .odt file is larger than "
                               f"{MAX_XML_MEMBER // 2**20} MiB of XML (a zip bomb?)")
    from odf.namespaces import OFFICENS, TEXTNS
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises zip, XML and key errors alike
        raise UndecodableError("not a valid OpenDocument .odt file (corrupt, or another format)") from exc
    paragraph = {(TEXTNS, "p"), (TEXTNS, "h")}
    # Comments (annotations), tracked deletions and notes' bodies are not the spoken text.
    skip = {(OFFICENS, "annotation"), (OFFICENS, "annotation-end"), (TEXTNS, "tracked-changes"),
            (TEXTNS, "note-body"), (TEXTNS, "note-citation")}
    lines: list[str] = []

    def text_of(node, out: list[str]) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                out.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            name = child.qname
            if name in skip:
                continue
            if name == (TEXTNS, "s"):
                out.append(" " * int(child.getAttrNS(TEXTNS, "c") or 1))
            elif name == (TEXTNS, "tab"):
                out.append("\t")
            elif name == (TEXTNS, "line-break"):
                out.append("\n")
            else:
                text_of(child, out)

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE or child.qname in skip:
                continue
            if child.qname in paragraph:
                out: list[str] = []
                text_of(child, out)
                lines.append("".join(out))
            else:
                walk(child)

    walk(document.text)
    # A blank line between paragraphs: unlabelled text falls into paragraph turns.
    return "\n\n".join(line for line in lines if line.strip())
