"""Bounded access to a REFI-QDA archive (.qdpx): the zip's members found case-insensitively,
``project.qde`` parsed without entities or network (bare '&' and '<' repaired and reported),
source texts decoded keeping a BOM (some tools count it in their positions)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from ..errors import ValidationError
from ..ingest.decode import decode_bytes
from ..ingest.limits import MAX_BYTES
from ..ingest.xml_entities import inline_entities

MAX_ENTRIES = 50_000  # entries in the zip
MAX_XML_BYTES = 512 * 2**20  # project.qde, uncompressed
MAX_SOURCE_BYTES = MAX_BYTES  # one text source, uncompressed: as for ingest (50 MiB)
MAX_READ_BYTES = 2 * 2**30  # everything we read from one archive, uncompressed


class Archive:
    """Bounded access to the members of a .qdpx zip, found case-insensitively."""

    def __init__(self, data: bytes, origin: str):
        self.origin = origin
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise ValidationError(f"{origin}: not a .qdpx (zip) file: {exc}") from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ValidationError(f"{origin}: the archive has {len(infos)} entries, more than "
                                  f"the {MAX_ENTRIES} allowed")
        self.by_lower = {}
        for info in infos:
            if not info.is_dir():
                self.by_lower.setdefault(info.filename.replace("\\", "/").lower(), info)
        self.read_total = 0
        self.base = ""  # the folder of project.qde, where some tools put everything

    def find(self, path: str):
        return self.by_lower.get(path.replace("\\", "/").lstrip("/").lower())

    def project_qde(self):
        info = self.find("project.qde")
        if info is None:
            found = sorted((n for n in self.by_lower if n.endswith(".qde")), key=len)
            info = self.by_lower[found[0]] if found else None
        if info is None:
            raise ValidationError(f"{self.origin}: no project.qde inside; is this a REFI-QDA "
                                  "project export (.qdpx)?")
        self.base = posixpath.dirname(info.filename.replace("\\", "/"))
        return info

    def read(self, info, limit: int) -> bytes:
        """Read one member after checking its declared size; never more than the limit."""
        if info.file_size > limit:
            raise ValidationError(f"{self.origin}: '{info.filename}' is {info.file_size} bytes "
                                  f"uncompressed, more than the {limit} allowed")
        if self.read_total + info.file_size > MAX_READ_BYTES:
            raise ValidationError(f"{self.origin}: the archive holds more than "
                                  f"{MAX_READ_BYTES // 2**20} MiB of text")
        try:
            with self.zip.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ValidationError(f"{self.origin}: cannot read '{info.filename}': {exc}") from exc
        if len(data) > limit:
            raise ValidationError(f"{self.origin}: '{info.filename}' is larger than declared")
        self.read_total += len(data)
        return data

    def source(self, path: str):
        """The member a plainTextPath names: internal://x.txt, sources/x.txt, x.txt, ..."""
        p = (path or "").strip().replace("\\", "/")
        p = re.sub(r"^(internal|relative|file|absolute)://+", "", p, flags=re.I)
        base = posixpath.basename(p)
        candidates = [p, f"sources/{p}", base, f"sources/{base}"]
        if self.base:
            candidates += [f"{self.base}/{c}" for c in candidates]
        for candidate in candidates:
            if candidate and (info := self.find(candidate)) is not None:
                return info
        return None

    def project_xml(self) -> bytes:
        """The bytes of project.qde (bounded)."""
        return self.read(self.project_qde(), MAX_XML_BYTES)

    def source_text(self, info) -> str:
        """The raw text of one source or note file (bounded), a BOM kept as U+FEFF."""
        return decode_source(self.read(info, MAX_SOURCE_BYTES))


_BARE_AMP = re.compile(rb"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)")
_BARE_LT = re.compile(rb"<(?=[\s0-9=<>&\"'(),.;-])")


def parse_xml(data: bytes, origin: str, warnings: list[str] | None = None):
    """Parse project.qde. Some exporters write text unescaped (QualCoder puts annotation
    text into PlainTextContent as it is, so "R&D" or "a < b" breaks the XML): a bare '&' or a
    '<' that cannot start a tag is escaped and the file read again (reported). Anything else
    (a truncated file, a broken tag) is refused: a half-read project is not imported."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        repaired = _BARE_LT.sub(b"&lt;", _BARE_AMP.sub(b"&amp;", data))
        if warnings is None or repaired == data:
            raise ValidationError(f"{origin}: project.qde is not well-formed XML: {exc}") from exc
        try:
            root = etree.fromstring(repaired, parser=parser)
        except etree.XMLSyntaxError:
            raise ValidationError(f"{origin}: project.qde is not well-formed XML: {exc}") from exc
        warnings.append(f"project.qde is not well-formed XML ({exc}); bare '&' or '<' in its "
                        "text were escaped and it was read again")
    entities = inline_entities(root)
    if entities:
        shown = ", ".join(f"&{n};" for n in entities[:5])
        message = (f"project.qde declares and uses its own XML entities ({shown}); they were "
                   "not resolved (never read from files or the network) and are kept as "
                   "written in the text")
        if warnings is None:
            raise ValidationError(f"{origin}: {message}")
        warnings.append(message)
    namespaces = set()
    for el in root.iter():
        if isinstance(el.tag, str):
            q = etree.QName(el)
            namespaces.add(q.namespace)
            el.tag = q.localname  # tolerate missing or other namespaces
    return root, namespaces


def children(el, name: str):
    return [c for c in el if c.tag == name] if el is not None else []


def first_child(el, name: str):
    return next((c for c in el if c.tag == name), None) if el is not None else None


def text_of(el) -> str:
    return (el.text or "") if el is not None else ""


def decode_source(data: bytes) -> str:
    """Raw source text, keeping a leading BOM as U+FEFF (some tools count it)."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom) and not data.startswith(b"\xff\xfe\x00\x00"):
            try:
                return "\ufeff" + data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data)[0]
