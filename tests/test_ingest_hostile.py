"""Hostile and broken files: refused with a clear message, in bounded time and memory, and the
rest of the batch (and everything already stored) is kept."""

from __future__ import annotations

import io
import sqlite3
import threading
import tracemalloc
import zipfile
import zlib

import pytest

from qualcode.coding.codebook import parse_codebook
from qualcode.coding.codes import create_code, all_codes
from qualcode.coding.codings import add_coding, add_memo, list_memos
from qualcode.errors import IngestError, QualcodeError, ValidationError
from qualcode.ingest import read_document
from qualcode.corpus import ingest_files
from qualcode.store.project import Project
from qualcode.corpus.transcripts import get_transcript, list_transcripts, update_transcript
from tests.files import pdf_bytes


def zip_bomb(path, member: str, size: int, extra: dict | None = None) -> bytes:
    """A small zip whose ``member`` inflates to ``size`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=True) as out:
            chunk = b"\0" * (1 << 22)
            for _ in range(size // len(chunk)):
                out.write(chunk)
    data = buffer.getvalue()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("suffix,member", [(".docx", "word/document.xml"),
                                           (".odt", "content.xml")])
def test_zip_bomb_is_refused_fast_in_bounded_memory(tmp_path, suffix, member):
    path = tmp_path / f"bomb{suffix}"
    data = zip_bomb(path, member, 300 * 2**20)
    assert len(data) < 2 * 2**20
    read_document("warm-up.txt", b"R: imports done\n")
    tracemalloc.start()
    with pytest.raises(IngestError, match="zip bomb"):
        read_document(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 32 * 2**20  # (the time it takes is measured in bench/bench_ingest.py)


def test_zip_with_too_many_entries_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(5001):
            archive.writestr(f"x/{i}", b"")
    with pytest.raises(IngestError, match="5001 files"):
        read_document("many.docx", buffer.getvalue())


def test_qdc_bomb_and_oversize_are_refused(tmp_path):
    from qualcode.exchange.refi_codebook import parse_qdc

    data = zip_bomb(tmp_path / "x.qdpx", "project.qdc", 300 * 2**20)
    with pytest.raises(ValidationError, match="zip bomb"):
        parse_qdc(data, "x.qdc")
    with pytest.raises(ValidationError, match="larger than"):
        parse_qdc(b"<a>" + b" " * (21 * 2**20) + b"</a>", "big.qdc")


ALIAS_BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


def test_yaml_alias_bomb_in_front_matter_and_codebook():
    tracemalloc.start()
    with pytest.raises(IngestError, match="alias"):
        read_document("x.txt", f"---\n{ALIAS_BOMB}---\nR: hi\n".encode())
    with pytest.raises(ValidationError, match="alias"):
        parse_codebook(ALIAS_BOMB + "codes: []\n", "bomb.yaml")
    assert tracemalloc.get_traced_memory()[1] < 16 * 2**20
    tracemalloc.stop()
    # a few aliases are fine
    doc = read_document("y.txt", b"---\nrole: &r participant\nother: *r\n---\nR: hi\n")
    assert doc.attributes["other"] == "participant"


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "2.5", "first", "true"])
def test_interview_order_not_a_whole_number(value):
    with pytest.raises(IngestError, match="whole number"):
        read_document("x.txt", f"---\ninterview_order: {value}\n---\nR: hi\n".encode())


def test_interview_order_validated_everywhere(project):
    doc = read_document("x.txt", b"R: hi\n")
    from qualcode.corpus.transcripts import add_transcript

    with pytest.raises(ValidationError, match="whole number"):
        add_transcript(project, doc, "x", attributes={"interview_order": float("inf")})
    t = add_transcript(project, doc, "x", attributes={"interview_order": "4"})
    assert t.interview_order == 4
    with pytest.raises(ValidationError, match="whole number"):
        update_transcript(project, t.id, interview_order=float("nan"))


def test_vtt_hours_of_100_and_more_are_valid():
    vtt = ("WEBVTT\n\n100:00:01.000 --> 100:00:03.500\n<v Anna>Hallo</v>\n\n"
           "123:59:59.000 --> 124:00:00.000\n<v Ben>Dag</v>\n")
    doc = read_document("long.vtt", vtt.encode())
    assert [(t.speaker, t.time_start, t.time_end) for t in doc.turns] == [
        ("Anna", 360001.0, 360003.5), ("Ben", 446399.0, 446400.0)]


def test_pdf_over_the_decompression_limit(tmp_path, monkeypatch):
    import qualcode.ingest.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "MAX_STREAM", 4 * 2**20)
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td (hello) Tj ET\n" + b" " * (8 * 2**20))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
        + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    with pytest.raises(IngestError, match="decompression limit"):
        read_document("bomb.pdf", pdf_bytes(objects))


def test_200k_turns(tmp_path):
    """200k turns are all found (the time it takes, < 5 s, is measured in bench/)."""
    lines = [f"{'Interviewer' if i % 2 else 'Anna'}: [{i // 60 % 60:02d}:{i % 60:02d}] zin {i}."
             for i in range(200_000)]
    doc = read_document("big.txt", "\n".join(lines).encode())
    assert len(doc.turns) == 200_000
    assert doc.turns[-1].speaker == "Interviewer" and doc.turns[-1].time_start == 33 * 60 + 19


def test_control_characters_and_nul_removed_at_the_door(project, tmp_path):
    doc = read_document("x.txt", b"R: he\x00llo\x07 there\x1b\n")
    assert doc.text == "R: hello there"
    path = tmp_path / "x.txt"
    path.write_bytes(b"R: he\x00llo\n")
    report = ingest_files(project, [(path, None, None)],
                          attributes={"site\x00": "Ant\x00werpen\x0b", "role": "part\x1fic"})
    assert report.added == ["x"], report.errors
    t = get_transcript(project, "x")
    assert t.attributes == {"site": "Antwerpen", "role": "partic"}
    code = create_code(project, "Lo\x00yalty", description="de\x01f", examples=["e\x02x"])
    assert code.name == "Loyalty"
    stored = all_codes(project)[0]
    assert (stored.name, stored.description, stored.examples) == ("Loyalty", "def", ["ex"])
    add_memo(project, "Ti\x00tle", "bo\x00dy", author="A\x08B")
    memo = list_memos(project)[0]
    assert (memo.title, memo.body, memo.author) == ("Title", "body", "AB")
    coding = add_coding(project, t.id, stored.id, 3, 8, coder="c\x00d", memo="m\x00emo")
    assert (coding.coder, coding.memo) == ("cd", "memo")


def test_names_over_255_characters_are_refused_on_every_backend(project, tmp_path):
    from qualcode.corpus.transcripts import add_transcript

    doc = read_document("x.txt", b"R: hi\n")
    with pytest.raises(ValidationError, match="too long: 300 characters, at most 255"):
        add_transcript(project, doc, "n" * 300)
    with pytest.raises(ValidationError, match="at most 255"):
        create_code(project, "c" * 256)
    with pytest.raises(ValidationError, match="memo title is too long"):
        add_memo(project, "t" * 256)
    path = tmp_path / "long.txt"
    path.write_text("---\nname: " + "x" * 400 + "\n---\nR: hi\n", encoding="utf-8")
    ok = tmp_path / "ok.txt"
    ok.write_text("R: fine\n", encoding="utf-8")
    report = ingest_files(project, [(path, None, None), (ok, None, None)])
    assert report.added == ["ok"] and "long.txt" in report.errors[0]
    assert "too long" in report.errors[0]
    assert [t.name for t in list_transcripts(project)] == ["ok"]


def test_every_per_file_error_is_caught_and_the_batch_goes_on(project, tmp_path, monkeypatch):
    import qualcode.corpus.importing as store

    real = store.read_document

    def flaky(path, data=None):
        if "boom" in str(path):
            raise RuntimeError("parser bug")
        return real(path, data)

    monkeypatch.setattr(store, "read_document", flaky)
    files = []
    for name, text in (("a.txt", "R: een"), ("boom.txt", "R: twee"), ("c.txt", "R: drie")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append((tmp_path / name, None, None))
    files.append((tmp_path / "d.vtt", b"WEBVTT\n\n1000:00:01.000 --> x\n", None))
    files.append((tmp_path / "e.txt", b"---\ninterview_order: .inf\n---\nR: vijf\n", None))
    report = ingest_files(project, files)
    assert report.added == ["a", "c"]
    assert len(report.errors) == 3
    assert "boom.txt: unexpected error (RuntimeError: parser bug)" in report.errors[0]
    assert "d.vtt" in report.errors[1] and "e.txt" in report.errors[2]


def test_two_uploads_of_the_same_file_at_once(project, tmp_path, monkeypatch):
    import qualcode.corpus.transcripts as transcripts

    barrier = threading.Barrier(2, timeout=10)
    real = transcripts._free_name

    def slow_free_name(session, name):  # both have passed the duplicate check
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return real(session, name)

    monkeypatch.setattr(transcripts, "_free_name", slow_free_name)
    data = b"Interviewer: tegelijk\nR: geupload\n"
    reports = []

    def upload(name):
        reports.append(ingest_files(project, [(name, data, None)]))

    threads = [threading.Thread(target=upload, args=(n,)) for n in ("a.txt", "b.txt")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    added = sum(len(r.added) for r in reports)
    duplicates = sum(len(r.duplicates) for r in reports)
    assert added == 1 and duplicates == 1, [r.errors for r in reports]
    assert len(list_transcripts(project)) == 1


def test_a_database_that_is_not_a_qualcode_project_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('kept')")
    before = path.read_bytes()
    with pytest.raises(QualcodeError, match="not a qualcode project"):
        Project(path)
    assert path.read_bytes() == before
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(QualcodeError, match="not a database"):
        Project(junk)


@pytest.mark.postgres
def test_a_postgres_database_of_another_application_is_refused(tmp_path):
    from sqlalchemy import create_engine, inspect, text

    from tests.conftest import PG_URL

    if not PG_URL:
        pytest.skip("no PostgreSQL")
    engine = create_engine(PG_URL)
    from qualcode.store.models import Base

    Base.metadata.drop_all(engine)
    with engine.begin() as c:  # only the other application's table (drop_all leaves Alembic's)
        c.execute(text("DROP TABLE IF EXISTS alembic_version"))
        c.execute(text("CREATE TABLE IF NOT EXISTS other_app (id int)"))
    try:
        with pytest.raises(QualcodeError, match="not a qualcode project"):
            Project(PG_URL)
        assert set(inspect(engine).get_table_names()) == {"other_app"}
    finally:
        with engine.begin() as c:
            c.execute(text("DROP TABLE other_app"))
        engine.dispose()


def test_exports_survive_control_characters_already_stored(tmp_path):
    from qualcode.export.docx_report import quote_table_docx, theme_report_docx
    from qualcode.export.tables import codings_csv, codings_xlsx
    from qualcode.exchange.refi_codebook import export_qdc

    project = Project(tmp_path / "p.sqlite")
    doc = read_document("x.txt", b"R: een mooi citaat\n")
    from qualcode.corpus.transcripts import add_transcript

    t = add_transcript(project, doc, "x")
    code = create_code(project, "Loyalty")
    add_coding(project, t.id, code.id, 3, 7, coder="A", memo="ok")
    project.close()
    with sqlite3.connect(tmp_path / "p.sqlite") as db:  # as an older version could have stored
        db.execute("UPDATE codes SET description = 'de\x01f', name = 'Loy\x07alty'")
        db.execute("UPDATE transcripts SET attributes = ?", ('{"role": "pa\\u0000rt\\u000b"}',))
        db.execute("UPDATE codings SET memo = ?, coder = ?", ("me\x00mo", "A\x1b"))
    project = Project(tmp_path / "p.sqlite")
    assert theme_report_docx(project)[:2] == b"PK"
    assert quote_table_docx(project)[:2] == b"PK"
    assert codings_xlsx(project)[:2] == b"PK"
    assert b"\x01" not in codings_csv(project)
    assert b"\x07" not in export_qdc(project)
    project.close()


def test_csv_export_neutralises_formulas(project):
    from qualcode.export.tables import codings_csv, neutralise

    assert [neutralise(v) for v in ("=1+1", "+31", "-x", "@SUM(A1)", "\tx", "ok", 5)] == [
        "'=1+1", "'+31", "'-x", "'@SUM(A1)", "'\tx", "ok", 5]
    from qualcode.corpus.transcripts import add_transcript

    t = add_transcript(project, read_document("x.txt", b'R: =HYPERLINK("http://x")\n'), "x")
    code = create_code(project, "@risk")
    add_coding(project, t.id, code.id, 3, len(t.text), coder="+me", memo="-memo")
    text = codings_csv(project).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@risk" in text and "'+me" in text and "'-memo" in text


def test_an_xml_part_too_big_to_parse_is_refused(tmp_path, monkeypatch):
    import qualcode.ingest.files as files
    import qualcode.ingest.limits as limits

    monkeypatch.setattr(limits, "MAX_XML_MEMBER", 2**20)
    monkeypatch.setattr(files, "MAX_XML_MEMBER", 2**20)
    for suffix, member in ((".docx", "word/document.xml"), (".odt", "content.xml")):
        path = tmp_path / f"big{suffix}"
        zip_bomb(path, member, 8 * 2**20)
        with pytest.raises(IngestError, match="MiB of XML"):
            read_document(path)
