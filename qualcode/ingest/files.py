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
from .limits import (MAX_TEXT_CHARS, MAX_XML_DEPTH, MAX_XML_MEMBER, LimitError, check_columns,
                     check_repeat, check_text, check_turns, check_zip, read_input, safe_yaml_load)
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
        check_text(raw, "the file")
        return _document(path, fmt, raw, encoding, comments)
    except (UndecodableError, LimitError) as exc:
        raise IngestError(path, str(exc)) from exc
    except RecursionError:
        raise IngestError(path, "the file is nested too deeply to read (a hostile file?)") from None


def _document(path: Path, fmt: str, raw: str, encoding, comments) -> IngestedDocument:
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
    check_turns(len(turns), "the file")
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
    try:
        check_columns(len(meta), "the front matter")
    except LimitError as exc:
        raise IngestError(path, str(exc)) from exc
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


def _check_odt_xml(data: bytes) -> None:
    """content.xml parsed once by libxml2 before odfpy builds its tree: a hostile nesting
    (200,000 spans) is refused in milliseconds at libxml2's depth limit instead of costing
    seconds and hundreds of MB in odfpy; declared entities are refused (never resolved)."""
    from lxml import etree

    from .limits import read_member
    from .xml_entities import inline_entities

    with check_zip(data, "OpenDocument .odt file") as archive:
        xml = read_member(archive, "content.xml", "OpenDocument .odt file")
    if xml is None:
        raise UndecodableError("not an OpenDocument .odt file (no content.xml)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        why = ("nested too deeply (a hostile file?)" if "depth" in str(exc).lower()
               else f"damaged ({exc})")
        raise UndecodableError(f"content.xml of the .odt file is {why}") from None
    if inline_entities(root):
        raise UndecodableError("the .odt file declares its own XML entities, which office "
                               "programs never write; refused (they are never resolved)")


def _odt_text(data: bytes) -> str:
    with check_zip(data, "OpenDocument .odt file") as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    if sizes.get("content.xml", 0) > MAX_XML_MEMBER:
        raise UndecodableError(f"content.xml in the OpenDocument .odt file is larger than "
                               f"{MAX_XML_MEMBER // 2**20} MiB of XML (a zip bomb?)")
    _check_odt_xml(data)
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
    size = 0

    def text_of(node, out: list[str]) -> None:
        """The text of a paragraph, walked with a stack (200,000 nested spans must not
        exhaust Python's recursion), counted as it grows."""
        nonlocal size
        stack = [iter(node.childNodes)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if child.nodeType == child.TEXT_NODE:
                piece = child.data
            elif child.nodeType != child.ELEMENT_NODE or child.qname in skip:
                continue
            elif child.qname == (TEXTNS, "s"):
                count = str(child.getAttrNS(TEXTNS, "c") or "1").strip()
                if not count.isdigit():
                    raise UndecodableError(f"a space count <text:s text:c=\"{count[:20]}\"/> "
                                           "that is not a whole number")
                piece = " " * check_repeat(int(count), "a run of spaces <text:s>")
            elif child.qname == (TEXTNS, "tab"):
                piece = "\t"
            elif child.qname == (TEXTNS, "line-break"):
                piece = "\n"
            else:
                if len(stack) > MAX_XML_DEPTH:
                    raise LimitError(f"the text is nested more than {MAX_XML_DEPTH} elements "
                                     "deep (a hostile file?)")
                stack.append(iter(child.childNodes))
                continue
            size += len(piece)
            if size > MAX_TEXT_CHARS:
                raise LimitError(f"the file decodes to more than {MAX_TEXT_CHARS:,} characters; "
                                 f"at most {MAX_TEXT_CHARS:,} are accepted per transcript")
            out.append(piece)

    def walk(root) -> None:
        stack = [iter(root.childNodes)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if child.nodeType != child.ELEMENT_NODE or child.qname in skip:
                continue
            if child.qname in paragraph:
                out: list[str] = []
                text_of(child, out)
                lines.append("".join(out))
            else:
                if len(stack) > MAX_XML_DEPTH:
                    raise LimitError(f"the document is nested more than {MAX_XML_DEPTH} "
                                     "elements deep (a hostile file?)")
                stack.append(iter(child.childNodes))

    walk(document.text)
    # A blank line between paragraphs: unlabelled text falls into paragraph turns.
    return "\n\n".join(line for line in lines if line.strip())
