"""Hostile files of the team-safety probe, generated (never stored), and a way to ingest one in
a child process under a memory limit, measuring its peak memory and time. Used by
tests/test_hostile_bounds.py and bench/bench_hostile.py."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_ODT_MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                 b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                 b'<manifest:file-entry manifest:full-path="/" manifest:media-type='
                 b'"application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                 b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                 b'</manifest:manifest>')


def odt(body: str) -> bytes:
    """A minimal .odt whose office:text holds ``body`` (XML)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:text>' + body +
               '</office:text></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", _ODT_MANIFEST)
        z.writestr("content.xml", content)
    return buffer.getvalue()


def odt_spaces(count: int = 500_000_000) -> bytes:
    """The 713-byte .odt that asked for half a billion spaces."""
    return odt(f'<text:p>P1: hello<text:s text:c="{count}"/>world</text:p>')


def odt_nested_spans(depth: int = 200_000) -> bytes:
    return odt("<text:p>" + "<text:span>" * depth + "deep" + "</text:span>" * depth + "</text:p>")


def txt_turns(megabytes: float = 3) -> bytes:
    """Lines of "A: x": one speaker turn per 5 bytes."""
    return b"A: x\n" * int(megabytes * 2**20 / 5)


def txt_bad_utf16() -> bytes:
    """A UTF-16 byte-order mark, then a lone high surrogate and an odd byte count."""
    return b"\xff\xfe" + "P1: hallo ".encode("utf-16-le") + b"\x00\xd8\x41"


def csv_columns(count: int = 1_000_000) -> bytes:
    header = ",".join(f"c{i}" for i in range(count))
    return (header + "\n" + ",".join("x" for _ in range(count)) + "\n").encode()


def qdpx_big_sources(n: int = 10, mib: float = 45, line: str = "R: words words words\n") -> bytes:
    """A small .qdpx whose ``n`` text sources each inflate to ``mib`` MiB of ``line``s."""
    sources = "".join(
        f'<TextSource guid="{i:08d}-0000-4000-8000-000000000000" name="s{i}" '
        f'plainTextPath="internal://s{i}.txt"/>' for i in range(n))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="big" origin="probe"><Sources>{sources}</Sources></Project>')
    buffer = io.BytesIO()
    chunk = line.encode() * max(1, 2**20 // len(line))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("project.qde", qde)
        for i in range(n):
            with z.open(f"sources/s{i}.txt", "w", force_zip64=True) as out:
                written = 0
                while written < mib * 2**20:
                    out.write(chunk)
                    written += len(chunk)
    return buffer.getvalue()


def qdpx_entity(text_after: str = "after the entity") -> bytes:
    qde = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="probe"><Sources>'
           '<TextSource guid="00000000-0000-4000-8000-000000000001" name="Interview">'
           f'<PlainTextContent>P1: before &xxe; {text_after}</PlainTextContent></TextSource>'
           '</Sources></Project>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("project.qde", qde)
    return buffer.getvalue()


def docx_entity() -> bytes:
    from tests.files import make_docx

    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = make_docx(Path(folder) / "x.docx", ["P1: before XXE after"])
        data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            member = src.read(info)
            if info.filename == "word/document.xml":
                member = member.replace(b"?>", b'?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
                                        b'"file:///etc/passwd">]>', 1).replace(b"XXE", b"&xxe;")
            out.writestr(info, member)
    return buffer.getvalue()


def yaml_deep(depth: int = 1000) -> bytes:
    return ("codes:\n" + "".join(" " * (2 * i) + "- name: c\n" + " " * (2 * i + 2)
                                 + "codes:\n" for i in range(depth))).encode()


def json_deep(depth: int = 3000) -> bytes:
    return ('{"codes": ' + '[{"name": "c", "codes": ' * depth + "[]" + "}]" * depth
            + "}").encode()


def brackets(size: int = 200_000) -> bytes:
    return ("codes: " + "[" * (size // 2) + "]" * (size // 2)).encode()


# --- ingest in a child process under a memory limit ------------------------------------------

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    limit = int(sys.argv[3])
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    kind, path = sys.argv[1], sys.argv[2]
    from qualcode.store.project import Project
    from qualcode.errors import QualcodeError
    project = Project(sys.argv[4])
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    outcome, message = "stored", ""
    try:
        if kind == "ingest":
            from qualcode.corpus import ingest_files
            report = ingest_files(project, [(path, None, None)])
            if report.errors:
                outcome, message = "refused", report.errors[0]
        elif kind == "import":
            from qualcode.exchange.importing import import_path
            report = import_path(project, path)
            message = "; ".join(report.warnings)
        else:
            from qualcode.exchange.codebook_files import load_codebook
            load_codebook(path)
    except QualcodeError as exc:
        outcome, message = "refused", str(exc)
    except MemoryError:
        outcome, message = "memory", "MemoryError"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"outcome": outcome, "message": message, "seconds": seconds,
                      "peak": peak, "base": base * 1024}))
""")


def run_limited(kind: str, path: Path, *, memory: int = 3 * 2**30, timeout: int = 300) -> dict:
    """Ingest (``kind`` "ingest"), import ("import") or load as codebook ("codebook") the
    file at ``path`` in a fresh Python under an address-space limit of ``memory`` bytes:
    {"outcome": stored/refused/memory, "message", "seconds", "peak" (max RSS, bytes)}."""
    db = path.with_suffix(path.suffix + ".sqlite")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path), str(memory), str(db)],
                          capture_output=True, text=True, timeout=timeout, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"the child died (code {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])
