"""REFI-QDA projects (.qdpx): hand-built fixtures for each vendor convention, every imported
coding on the intended words; export valid against Project-mrt2019.xsd; lossless round trip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from lxml import etree

from qualcode.cli import main
from qualcode.coding.codebook import import_codebook
from qualcode.exchange.codebook_files import load_codebook
from qualcode.coding.codes import code_tree, create_code
from qualcode.coding.codings import add_coding, add_memo, all_codings, list_memos
from qualcode.errors import QualcodeError, ValidationError
from qualcode.exchange import refi_archive, refi_read
from qualcode.exchange.positions import codepoint_to_utf16
from qualcode.exchange.refi_read import import_qdpx
from qualcode.exchange.refi_write import export_qdpx
from qualcode.corpus import ingest_file
from qualcode.store.models import Coding, Memo, Transcript
from qualcode.corpus.transcripts import list_transcripts, update_transcript
from tests.conftest import ROOT
from tests.refi_schemas import schema as refi_schema

NS = "urn:QDA-XML:project:1.0"

U1, U2 = "0b5ab7e7-1c1e-4a4f-9a3b-6a0f1d2e3c4b", "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"
C_WORK, C_JOY, C_SUB = ("{1A2B3C4D-0000-4000-8000-00000000000A}",
                        "1a2b3c4d-0000-4000-8000-00000000000b",
                        "1a2b3c4d-0000-4000-8000-00000000000c")
S1, S2 = "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"


def g(n: int) -> str:
    return f"cccccccc-0000-4000-8000-{n:012d}"


def validate(data: bytes) -> etree._Element:
    schema = refi_schema("Project-mrt2019.xsd")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        doc = etree.fromstring(z.read("project.qde"))
    assert schema.validate(doc), schema.error_log
    return doc


def qdpx(qde: str, files: dict[str, bytes], qde_name: str = "project.qde") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(qde_name, qde.encode("utf-8"))
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def quotes(project) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(transcript, code path) -> {(quote, coder)} of every coding."""
    paths = {n.code.id: n.path for n in code_tree(project)}
    names = {t.id: (t.name, t.text) for t in list_transcripts(project)}
    out: dict = {}
    for c in all_codings(project):
        name, text = names[c.transcript_id]
        out.setdefault((name, paths[c.code_id]), set()).add((text[c.start:c.end], c.coder))
    return out


# ---------------------------------------------------------------------------------------------
# NVivo style: UTF-16 code units, BOM and CRLF counted, emoji count twice; Sources/ and
# Project.qde in upper case, plainTextPath without internal://, a GUID as a source name.

NVIVO_TEXT = ("\ufeffInterviewer: Hoe gaat het op het werk? 😀\r\n"
              "P1: Ik werk graag met jonge collega's 👩‍🔬 en leer veel.  \r\n"
              "\r\n"
              "P1: Mijn 𝔄-team geeft energie.\r\n")
NVIVO_TEXT_2 = "\ufeffP2: Ik ben 😀 blij met mijn rol.\r\nInterviewer: Dank je.\r\n"


def u16(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return codepoint_to_utf16(text, i), codepoint_to_utf16(text, i + len(word))


def nvivo_project(origin: str = "NVivo 14") -> bytes:
    s1, e1 = u16(NVIVO_TEXT, "jonge collega's")
    s2, e2 = u16(NVIVO_TEXT, "leer veel")
    s3, e3 = u16(NVIVO_TEXT, "𝔄-team geeft energie")
    s4, e4 = u16(NVIVO_TEXT_2, "blij met mijn rol")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Werk" origin="{origin}">
  <Users><User guid="{U1}" name="Anna"/><User guid="{U2}" name="Bram"/></Users>
  <CodeBook><Codes>
    <Code guid="{C_WORK}" name="Werk" isCodable="true" color="#0A0">
      <Description>Over werk.
Include when: het gaat over taken</Description>
      <NoteRef targetGUID="{g(3)}"/>
      <Code guid="{C_SUB}" name="Leren" isCodable="true" color="#123456"/>
    </Code>
    <Code guid="{C_JOY}" name="Plezier" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{g(10)}" name="leeftijd" typeOfVariable="Integer"/>
    <Variable guid="{g(11)}" name="rol" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="{g(20)}" name="P1">
      <VariableValue><VariableRef targetGUID="{g(10)}"/><IntegerValue>58</IntegerValue></VariableValue>
      <SourceRef targetGUID="{S1}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{S1}" name="Interview P1" plainTextPath="{S1}.txt" creatingUser="{U1}">
      <PlainTextSelection guid="{g(100)}" startPosition="{s1}" endPosition="{e1}" creatingUser="{U1}">
        <Coding guid="{g(101)}"><CodeRef targetGUID="{C_WORK}"/></Coding>
        <Coding guid="{g(102)}" creatingUser="{U2}"><CodeRef targetGUID="{C_JOY}"/>
          <NoteRef targetGUID="{g(1)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(103)}" startPosition="{s2}" endPosition="{e2}">
        <Coding guid="{g(104)}" creatingUser="{U2}"><CodeRef targetGUID="{C_SUB}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(105)}" startPosition="{s3}" endPosition="{e3}" creatingUser="{U1}">
        <Coding guid="{g(106)}"><CodeRef targetGUID="{C_JOY}"/></Coding>
      </PlainTextSelection>
      <NoteRef targetGUID="{g(2)}"/>
      <VariableValue><VariableRef targetGUID="{g(11)}"/><TextValue>deelnemer</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="{S2}" name="{S2}" plainTextPath="{S2}.txt">
      <PlainTextSelection guid="{g(107)}" startPosition="{s4}" endPosition="{e4}" creatingUser="{U2}">
        <Coding guid="{g(108)}"><CodeRef targetGUID="{C_JOY}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="{g(30)}" name="Foto" path="internal://foto.jpg">
      <PictureSelection guid="{g(31)}" firstX="1" firstY="1" secondX="5" secondY="5">
        <Coding guid="{g(32)}"><CodeRef targetGUID="{C_JOY}"/></Coding>
      </PictureSelection>
    </PictureSource>
    <AudioSource guid="{g(33)}" name="Opname" path="internal://opname.mp3"/>
  </Sources>
  <Notes>
    <Note guid="{g(1)}" name="Waarom plezier" creatingUser="{U2}"><PlainTextContent>Ze lacht hier.</PlainTextContent></Note>
    <Note guid="{g(2)}" name="Sfeer" creatingUser="{U1}"><PlainTextContent>Open gesprek.</PlainTextContent></Note>
    <Note guid="{g(3)}" name="Codedefinitie"><PlainTextContent>Nog verfijnen.</PlainTextContent></Note>
    <Note guid="{g(4)}" name="Projectnotitie"><PlainTextContent>Algemeen.</PlainTextContent></Note>
  </Notes>
  <Sets>
    <Set guid="{g(40)}" name="Ronde 1"><MemberSource targetGUID="{S1}"/><MemberSource targetGUID="{S2}"/></Set>
    <Set guid="{g(41)}" name="Codeset"><MemberCode targetGUID="{C_JOY}"/></Set>
  </Sets>
  <NoteRef targetGUID="{g(4)}"/>
</Project>"""
    return qdpx(qde, {f"Sources/{S1}.txt": NVIVO_TEXT.encode("utf-8"),
                      f"Sources/{S2}.txt": NVIVO_TEXT_2.encode("utf-8")},
                qde_name="Project.qde")


NVIVO_EXPECTED = {
    ("Interview P1", "Werk"): {("jonge collega's", "Anna")},
    ("Interview P1", "Plezier"): {("jonge collega's", "Bram"), ("𝔄-team geeft energie", "Anna")},
    ("Interview P1", "Werk / Leren"): {("leer veel", "Bram")},
    ("P2: Ik ben 😀 blij met mijn rol.", "Plezier"): {("blij met mijn rol", "Bram")},
}


def test_nvivo_utf16_positions_land_on_the_words(project):
    report = import_qdpx(project, nvivo_project(), "nvivo.qdpx")
    assert "UTF-16" in report.positions and "detected" in report.positions
    assert quotes(project) == NVIVO_EXPECTED
    # codes: hierarchy, colours, descriptions, GUIDs (normalised)
    nodes = {n.path: n.code for n in code_tree(project)}
    assert nodes["Werk"].guid == C_WORK.strip("{}").lower()
    assert nodes["Werk"].color == "#00aa00" and nodes["Werk / Leren"].color == "#123456"
    assert nodes["Werk"].description == "Over werk." and nodes["Werk"].inclusion == "het gaat over taken"
    # attributes from cases and variables, sets; a GUID name replaced by the first line
    by_name = {t.name: t for t in list_transcripts(project)}
    p1 = by_name["Interview P1"]
    assert p1.attributes == {"leeftijd": 58, "rol": "deelnemer", "sets": "Ronde 1",
                             "participant": "P1"}  # the case
    assert p1.guid == S1
    assert by_name["P2: Ik ben 😀 blij met mijn rol."].attributes == {"sets": "Ronde 1"}
    # memos linked to what they annotate; the coding's note on the coding
    memos = {m.title: m for m in list_memos(project)}
    assert memos["Sfeer"].transcript_id == p1.id and memos["Sfeer"].author == "Anna"
    assert memos["Codedefinitie"].code_id == nodes["Werk"].id
    assert memos["Projectnotitie"].transcript_id is None and memos["Projectnotitie"].code_id is None
    joy = [c for c in all_codings(project) if c.code_id == nodes["Plezier"].id
           and c.coder == "Bram" and c.transcript_id == p1.id]
    assert joy[0].memo == "Ze lacht hier." and joy[0].guid == g(102)
    # what was skipped, and why
    skipped = "\n".join(report.skipped)
    assert "picture source 'Foto'" in skipped and "audio source 'Opname'" in skipped
    # a set of codes comes in as a set of codes (qualcode.coding.code_sets)
    from qualcode.coding.code_sets import code_sets

    assert [(v.name, len(v.code_ids)) for v in code_sets(project)] == [("Codeset", 1)]
    assert report.counts["codings"] == 5


def test_nvivo_positions_detected_without_the_origin_and_forced(sqlite_project, tmp_path):
    report = import_qdpx(sqlite_project, nvivo_project(origin="Some tool"), "x.qdpx")
    assert "UTF-16" in report.positions
    assert quotes(sqlite_project) == NVIVO_EXPECTED
    # read as code points on request: the positions fall elsewhere (reported honestly)
    other = refi_read.read_qdpx(nvivo_project(), "x.qdpx", positions="codepoint")[1]
    assert other.positions.startswith("code points") and "as asked" in other.positions


# ---------------------------------------------------------------------------------------------
# QualCoder style: code points of the raw text, trailing spaces and tabs, internal:// paths,
# sources/ in lower case; one source with its text in the XML (empty Sources folder).

QC_TEXT = "Interviewer: Wat drijft je?   \nP3: Autonomie \t\nen vakmanschap.   \n\nP3: Café-gesprekken, e\u0301cht.  "
QC_TEXT_2 = "P4: Tekst  in de XML zelf.  \r\nP4: Tweede regel."


def cp(text: str, word: str) -> tuple[int, int]:
    i = text.index(word)
    return i, i + len(word)


def qualcoder_project(with_file: bool = True) -> bytes:
    a, b = cp(QC_TEXT, "Autonomie \t\nen vakmanschap")
    c, d = cp(QC_TEXT, "e\u0301cht")
    e, f = cp(QC_TEXT_2, "in de XML zelf")
    x, y = cp(QC_TEXT, "Café-gesprekken")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="qc" origin="QualCoder 3.5">
  <Users><User guid="{U1}" name="cb"/></Users>
  <CodeBook><Codes>
    <Code guid="{g(200)}" name="Motivatie::Autonomie" isCodable="true" color="#ff0000"/>
    <Code guid="{g(201)}" name="Motivatie::Vakmanschap" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{S1}" name="qc-interview.txt" plainTextPath="internal://{S1}.txt">
      <PlainTextSelection guid="{g(210)}" startPosition="{a}" endPosition="{b}" creatingUser="{U1}">
        <Coding guid="{g(211)}" creatingUser="{U1}"><CodeRef targetGUID="{g(200)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(212)}" startPosition="{c}" endPosition="{d}" creatingUser="{U1}">
        <Coding guid="{g(213)}" creatingUser="{U1}"><CodeRef targetGUID="{g(201)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(214)}" startPosition="{x}" endPosition="{y}" creatingUser="{U1}">
        <Coding guid="{g(215)}" creatingUser="{U1}"><CodeRef targetGUID="{g(201)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{S2}" name="in de xml">
      <PlainTextContent>{QC_TEXT_2.replace(chr(13), "&#13;")}</PlainTextContent>
      <PlainTextSelection guid="{g(216)}" startPosition="{e}" endPosition="{f}" creatingUser="{U1}">
        <Coding guid="{g(217)}" creatingUser="{U1}"><CodeRef targetGUID="{g(200)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{g(218)}" name="kwijt" plainTextPath="internal://kwijt.txt">
      <PlainTextSelection guid="{g(219)}" startPosition="0" endPosition="3">
        <Coding guid="{g(220)}"><CodeRef targetGUID="{g(200)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
    files = {f"sources/{S1}.txt": QC_TEXT.encode("utf-8")} if with_file else {}
    return qdpx(qde, files)


def test_qualcoder_trailing_spaces_text_in_xml_and_split_atlas_names(project):
    report = import_qdpx(project, qualcoder_project(), "qc.qdpx", split_codes="::")
    assert report.positions.startswith("code points")
    got = quotes(project)
    assert got == {
        ("qc-interview.txt", "Motivatie / Autonomie"): {("Autonomie\nen vakmanschap", "cb")},
        ("qc-interview.txt", "Motivatie / Vakmanschap"): {("écht", "cb"),
                                                          ("Café-gesprekken", "cb")},
        ("in de xml", "Motivatie / Autonomie"): {("in de XML zelf", "cb")},
    }
    assert "source 'kwijt': its text (internal://kwijt.txt) is not in the archive" in \
        "\n".join(report.skipped)


def test_atlas_names_kept_whole_without_the_option(sqlite_project):
    import_qdpx(sqlite_project, qualcoder_project(), "qc.qdpx")
    assert {n.path for n in code_tree(sqlite_project)} == {"Motivatie::Autonomie",
                                                           "Motivatie::Vakmanschap"}


def test_reimport_adds_nothing_twice(sqlite_project):
    import_qdpx(sqlite_project, nvivo_project(), "nvivo.qdpx")
    before = (len(all_codings(sqlite_project)), len(code_tree(sqlite_project)),
              len(list_transcripts(sqlite_project)), len(list_memos(sqlite_project)))
    report = import_qdpx(sqlite_project, nvivo_project(), "nvivo.qdpx")
    after = (len(all_codings(sqlite_project)), len(code_tree(sqlite_project)),
             len(list_transcripts(sqlite_project)), len(list_memos(sqlite_project)))
    assert before == after
    assert report.counts.get("transcripts_reused") == 2


# ---------------------------------------------------------------------------------------------
# all or nothing, bounds, bad input


def test_failed_import_leaves_the_project_as_it_was(project, monkeypatch):
    import qualcode.exchange.bundle as bundle

    import_codebook(project, ROOT / "qualcode" / "demo_data" / "codebooks" / "three-tensions.yaml")
    before = len(code_tree(project))
    calls = {"n": 0}
    real = bundle.find_turns

    def boom(text):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(text)

    monkeypatch.setattr(bundle, "find_turns", boom)
    with pytest.raises(RuntimeError):
        import_qdpx(project, nvivo_project(), "nvivo.qdpx")
    assert len(code_tree(project)) == before
    assert list_transcripts(project) == [] and all_codings(project) == []


def test_zip_limits_are_checked_before_reading(sqlite_project, monkeypatch):
    monkeypatch.setattr(refi_archive, "MAX_SOURCE_BYTES", 50)
    with pytest.raises(ValidationError, match="more than the 50 allowed"):
        import_qdpx(sqlite_project, nvivo_project(), "big.qdpx")
    monkeypatch.setattr(refi_archive, "MAX_ENTRIES", 2)
    with pytest.raises(ValidationError, match="entries"):
        import_qdpx(sqlite_project, nvivo_project(), "many.qdpx")
    assert list_transcripts(sqlite_project) == []


@pytest.mark.parametrize("data,message", [
    (b"PK\x03\x04broken", "not a .qdpx"),
    (qdpx("<Project", {}), "not well-formed"),
    (qdpx(f"<CodeBook xmlns='{NS}'/>", {}), "not a REFI-QDA project"),
    (qdpx(f"<Project xmlns='{NS}' name='x'/>", {}), "nothing to import"),
])
def test_bad_archives_are_refused_with_a_reason(sqlite_project, data, message):
    with pytest.raises(ValidationError, match=message):
        import_qdpx(sqlite_project, data, "bad.qdpx")


def test_no_project_qde():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(ValidationError, match="no project.qde"):
        refi_read.read_qdpx(out.getvalue(), "x.qdpx")


# ---------------------------------------------------------------------------------------------
# export and the round trip


def rich_project(project, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Interviewer: Hoe begon het?\nP1: Met een 😀 en een 𝔄-team, écht waar.\n"
        "P1: Daarna <b>kwam</b> & ging het \"snel\".\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("R: Tweede gesprek over leren.\nR: En over plezier.\n",
                                    encoding="utf-8")
    a = ingest_file(project, tmp_path / "a.txt")
    b = ingest_file(project, tmp_path / "b.txt")
    update_transcript(project, a.id, interview_order=3,
                      attributes={"role": "participant", "participant": "P1", "age": 61,
                                  "senior": True, "fte": 0.8, "sets": "Ronde 1; Pilot"})
    update_transcript(project, b.id, interview_order=7, attributes={"role": "manager"})
    top = create_code(project, "Werk", description="Over werk", inclusion="taken",
                      exclusion="hobby's", color="#aabbcc")
    sub = create_code(project, "Leren", top.id)
    joy = create_code(project, "Plezier")
    ta = a.text
    for code, t, word, coder, memo in [(top, a, "een 😀 en een 𝔄-team", "AB", "mooi"),
                                       (joy, a, "een 😀 en een 𝔄-team", "CD", ""),
                                       (sub, a, "écht waar", "AB", ""),
                                       (joy, a, "<b>kwam</b> & ging", "", "let op"),
                                       (sub, b, "leren", "CD", "")]:
        s = t.text.index(word)
        add_coding(project, t.id, code.id, s, s + len(word), coder=coder, memo=memo)
    add_memo(project, "Over P1", "Lang verhaal.", author="AB", transcript_id=a.id)
    add_memo(project, "Definitie werk", "Nog scherper.", author="CD", code_id=top.id)
    add_memo(project, "Vrij memo", "Algemene gedachte\nover twee regels.")
    assert ta


def snapshot(project) -> dict:
    with project.reading() as s:
        ts = {t.guid: (t.name, t.text, t.interview_order, dict(t.attributes or {}))
              for t in s.query(Transcript)}
        tguid = {t.id: t.guid for t in s.query(Transcript)}
        codes = {n.code.guid: (n.path, n.code.color, n.code.description, n.code.inclusion,
                               n.code.exclusion) for n in code_tree(project)}
        cguid = {n.code.id: n.code.guid for n in code_tree(project)}
        codings = {c.guid: (tguid[c.transcript_id], cguid[c.code_id], c.start, c.end, c.coder,
                            c.memo) for c in s.query(Coding)}
        memos = {m.guid: (m.title, m.body, m.author, tguid.get(m.transcript_id),
                          cguid.get(m.code_id)) for m in s.query(Memo)}
    return {"transcripts": ts, "codes": codes, "codings": codings, "memos": memos}


def test_round_trip_is_lossless_and_export_valid(project, tmp_path):
    rich_project(project, tmp_path)
    data = export_qdpx(project, "Rijk project")
    doc = validate(data)
    assert doc.get("origin") == "qualcode"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert all(n == "project.qde" or (n.startswith("sources/") and n.endswith(".txt"))
                   for n in names)
        texts = {z.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    # the transcripts, and the text of each note (in a file, as NVivo and QualCoder write them)
    assert {t.text for t in list_transcripts(project)} | {
        m.body for m in list_memos(project)} == texts
    from qualcode.store.project import Project

    other = Project(tmp_path / "other.sqlite")
    report = import_qdpx(other, data, "rijk.qdpx")
    assert report.positions.startswith("code points")
    assert report.skipped == [] and report.warnings == []
    assert snapshot(other) == snapshot(project)
    # GUIDs stay the same across exports, and on the way back out
    again = export_qdpx(project, "Rijk project")
    guids = lambda d: sorted(etree.fromstring(zipfile.ZipFile(io.BytesIO(d)).read(  # noqa: E731
        "project.qde")).xpath("//@guid"))
    assert guids(again) == guids(data)
    assert guids(export_qdpx(other, "Rijk project")) == guids(data)
    other.close()


def test_export_of_the_demo_and_an_empty_project_validate(demo_project, tmp_path):
    validate(export_qdpx(demo_project))
    from qualcode.store.project import Project

    empty = Project(tmp_path / "empty.sqlite")
    validate(export_qdpx(empty))
    empty.close()


def test_old_rows_without_guid_get_one_that_stays(sqlite_project, tmp_path):
    rich_project(sqlite_project, tmp_path)
    with sqlite_project.transaction() as s:
        for model in (Transcript, Coding, Memo):
            s.query(model).update({model.guid: None})
    first = export_qdpx(sqlite_project)
    validate(first)
    assert export_qdpx(sqlite_project).count(b"guid") == first.count(b"guid")
    with sqlite_project.reading() as s:
        assert all(t.guid for t in s.query(Transcript))


# ---------------------------------------------------------------------------------------------
# the command line


def test_cli_import_export_and_csv(capsys, tmp_path):
    db = str(tmp_path / "cli.sqlite")
    src = tmp_path / "nvivo.qdpx"
    src.write_bytes(nvivo_project())
    assert main(["--db", db, "import", str(src), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "REFI-QDA project from NVivo 14"
    assert report["counts"]["codings"] == 5 and "UTF-16" in report["positions"]
    assert {"source", "came_in", "skipped", "warnings", "counts", "positions"} <= set(report)

    out = tmp_path / "out.qdpx"
    assert main(["--db", db, "export", str(out)]) == 0
    validate(out.read_bytes())
    csv_path = tmp_path / "codings.csv"
    assert main(["--db", db, "export", str(csv_path)]) == 0
    csv_text = csv_path.read_text(encoding="utf-8-sig")
    assert "jonge collega's" in csv_text and "𝔄-team geeft energie" in csv_text

    other = str(tmp_path / "other.sqlite")
    assert main(["--db", other, "import", str(out), "--dry-run"]) == 0
    assert "dry run, nothing stored" in capsys.readouterr().out
    assert main(["--db", other, "transcripts"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--db", other, "import", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "positions: code points" in printed and "5 codings" in printed

    # the codebook command points to `qualcode import` for a whole project
    assert main(["--db", other, "codebook", "import", str(out)]) == 2
    assert "qualcode import" in capsys.readouterr().err
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert main(["--db", other, "import", str(bad)]) == 2
    assert "not a file qualcode can import" in capsys.readouterr().err


def test_codebook_command_refuses_a_project_file(tmp_path):
    path = tmp_path / "p.qdpx"
    path.write_bytes(nvivo_project())
    with pytest.raises(QualcodeError, match="qualcode import"):
        load_codebook(path)


# ---------------------------------------------------------------------------------------------
# more layouts: a sub-folder, a bare project.qde, PDF with a text representation, CRLF counted
# as one position

CRLF_TEXT = "Regel een met woorden.\r\nRegel twee: zonder BOM, wel CRLF.\r\nRegel drie eindigt hier."


def test_subfolder_pdf_representation_and_crlf_as_one(sqlite_project):
    lf = CRLF_TEXT.replace("\r\n", "\n")  # the tool counted on its own \n text
    a, b = cp(lf, "drie eindigt")
    c, d = cp(lf, "twee")
    pa, pb = cp("PDF tekst met inhoud.", "met inhoud")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="m" origin="MAXQDA 2022">
  <CodeBook><Codes><Code guid="{g(300)}" name="Een" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="{g(310)}" name="soort" typeOfVariable="Text"/></Variables>
  <Sources>
    <TextSource guid="{S1}" name="crlf" plainTextPath="relative://Docs/crlf.txt">
      <PlainTextSelection guid="{g(301)}" startPosition="{a}" endPosition="{b}">
        <Coding guid="{g(302)}"><CodeRef targetGUID="{g(300)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(303)}" startPosition="{c}" endPosition="{d}">
        <Coding guid="{g(304)}"><CodeRef targetGUID="{g(300)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="{S2}" name="Rapport" path="internal://rapport.pdf">
      <PDFSelection guid="{g(305)}" page="1" firstX="0" firstY="0" secondX="9" secondY="9"/>
      <Representation guid="{g(306)}" plainTextPath="internal://rapport.txt">
        <PlainTextSelection guid="{g(307)}" startPosition="{pa}" endPosition="{pb}">
          <Coding guid="{g(308)}"><CodeRef targetGUID="{g(300)}"/></Coding>
        </PlainTextSelection>
      </Representation>
      <VariableValue><VariableRef targetGUID="{g(310)}"/><TextValue>rapport</TextValue></VariableValue>
    </PDFSource>
  </Sources>
  <Sets><Set guid="{g(311)}" name="Documenten"><MemberSource targetGUID="{S2}"/></Set></Sets>
</Project>"""
    data = qdpx(qde, {"export/Sources/crlf.txt": CRLF_TEXT.encode("utf-8"),
                      "export/Sources/rapport.txt": "PDF tekst met inhoud.".encode("utf-8")},
                qde_name="export/PROJECT.QDE")
    report = import_qdpx(sqlite_project, data, "maxqda.qdpx")
    assert "CRLF as one" in report.positions
    assert quotes(sqlite_project) == {("crlf", "Een"): {("drie eindigt", ""), ("twee", "")},
                                      ("Rapport", "Een"): {("met inhoud", "")}}
    assert any("1 region selection" in line for line in report.skipped)
    pdf = next(t for t in list_transcripts(sqlite_project) if t.name == "Rapport")
    assert pdf.attributes == {"soort": "rapport", "sets": "Documenten"}


def test_a_bare_project_qde_with_text_inside(sqlite_project, tmp_path, capsys):
    a, b = cp(QC_TEXT_2, "in de XML zelf")
    qde = f"""<Project name="bare">
  <CodeBook><Codes><Code guid="{g(400)}" name="X" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{S1}" name="t">
    <PlainTextContent>{QC_TEXT_2.replace(chr(13), "&#13;")}</PlainTextContent>
    <PlainTextSelection guid="{g(401)}" startPosition="{a}" endPosition="{b}">
      <Coding guid="{g(402)}"><CodeRef targetGUID="{g(400)}"/></Coding>
    </PlainTextSelection></TextSource></Sources>
</Project>"""
    path = tmp_path / "project.qde"
    path.write_text(qde, encoding="utf-8")
    db = sqlite_project.url.split("///")[1]
    assert main(["--db", db, "import", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "warning: unexpected XML namespace" in printed
    assert quotes(sqlite_project) == {("t", "X"): {("in de XML zelf", "")}}


def test_hostile_values_are_stored_safely(project):
    """NUL in a note file, a 300-character source name, nonsense positions and values: stored
    on every backend or reported, never a crash."""
    long_name = "N" * 300
    qde = f"""<Project xmlns="{NS}" name="h">
  <CodeBook><Codes><Code guid="{g(500)}" name="a/b" isCodable="true" color="red"/></Codes></CodeBook>
  <Variables><Variable guid="{g(501)}" name="n" typeOfVariable="Integer"/></Variables>
  <Sources><TextSource guid="{S1}" name="{long_name}" plainTextPath="internal://t.txt">
    <PlainTextSelection guid="{g(502)}" startPosition="x" endPosition="3"/>
    <PlainTextSelection guid="{g(503)}" startPosition="2" endPosition="999999">
      <Coding guid="{g(504)}"><CodeRef targetGUID="{g(500)}"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="{g(505)}" startPosition="0" endPosition="4">
      <Coding guid="{g(506)}"><CodeRef targetGUID="{g(599)}"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="{g(507)}" startPosition="5" endPosition="0">
      <Coding guid="{g(508)}"><CodeRef targetGUID="{g(500)}"/></Coding></PlainTextSelection>
    <NoteRef targetGUID="{g(509)}"/>
    <VariableValue><VariableRef targetGUID="{g(501)}"/><IntegerValue>veel</IntegerValue></VariableValue>
  </TextSource></Sources>
  <Notes><Note guid="{g(509)}" name="n" plainTextPath="internal://note.txt"/></Notes>
</Project>"""
    data = qdpx(qde, {"sources/t.txt": b"Tekst hier.", "sources/note.txt": b"a\x00b"})
    report = import_qdpx(project, data, "hostile.qdpx")
    (t,) = list_transcripts(project)
    assert len(t.name) <= 255 and t.attributes == {"n": "veel"}
    assert quotes(project) == {(t.name, "a-b"): {("Tekst", "")}}  # 5–0 read as 0–5
    assert list_memos(project)[0].body == "ab"
    text = "\n".join(report.skipped)
    assert "without valid positions" in text and "beyond the text" in text
    assert "its code is not in the codebook" in text


def test_annotations_maxqda_descriptions_nvivo_links_and_atlas_line_ends(sqlite_project):
    text = "Eerste zin hier.\r\nTweede zin daar.\r\nDerde zin."
    lf = text.replace("\r\n", "\n")  # ATLAS.ti counts on its own \n text
    a, b = cp(lf, "Tweede zin")
    c, d = cp(lf, "Derde")
    e, f = cp(lf, "Eerste")
    qde = f"""<Project xmlns="{NS}" name="a" origin="ATLAS.ti 23">
  <CodeBook><Codes><Code guid="{g(600)}" name="K" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{S1}" name="doc" plainTextPath="internal://d.txt">
    <PlainTextSelection guid="{g(601)}" startPosition="{a}" endPosition="{b}">
      <Description>Waarom tweede?</Description>
      <Coding guid="{g(602)}"><CodeRef targetGUID="{g(600)}"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="{g(603)}" startPosition="{c}" endPosition="{d}">
      <Description>Alleen een opmerking</Description>
    </PlainTextSelection>
    <PlainTextSelection guid="{g(604)}" startPosition="{e}" endPosition="{f}"/>
    <NoteRef targetGUID="{g(606)}"/>
  </TextSource></Sources>
  <Notes>
    <Note guid="{g(605)}" name="Gekoppeld"><PlainTextContent>Via een link.</PlainTextContent></Note>
    <Note guid="{g(606)}" name="Annotatie"><PlainTextContent>Over de derde zin.</PlainTextContent>
      <PlainTextSelection guid="{g(607)}" startPosition="{c}" endPosition="{d}"/></Note>
  </Notes>
  <Links><Link guid="{g(608)}" originGUID="{g(605)}" targetGUID="{g(604)}"/>
         <Link guid="{g(609)}" originGUID="{g(600)}" targetGUID="{S1}"/></Links>
</Project>"""
    report = import_qdpx(sqlite_project, qdpx(qde, {"sources/d.txt": text.encode()}), "a.qdpx")
    assert "CRLF as one" in report.positions
    (coding,) = all_codings(sqlite_project)
    (t,) = list_transcripts(sqlite_project)
    assert t.text[coding.start:coding.end] == "Tweede zin" and coding.memo == "Waarom tweede?"
    memos = {m.title: m for m in list_memos(sqlite_project)}
    assert memos["Annotation on doc"].body.endswith("] Derde")
    assert memos["Annotation on doc"].transcript_id == t.id
    assert memos["Gekoppeld"].body.startswith("Via een link.") and memos["Gekoppeld"].body.endswith(
        "] Eerste")
    assert memos["Annotatie"].body.endswith("] Derde") and memos["Annotatie"].transcript_id == t.id
    assert "1 link(s) between objects" in "\n".join(report.skipped)


def test_export_for_nvivo_in_utf16_units_comes_back_the_same(sqlite_project, tmp_path):
    rich_project(sqlite_project, tmp_path)
    data = export_qdpx(sqlite_project, positions="utf16")
    doc = validate(data)
    (t,) = [t for t in list_transcripts(sqlite_project) if "😀" in t.text]
    word = "écht waar"
    i = t.text.index(word)
    starts = {int(s) for s in doc.xpath("//*[local-name()='PlainTextSelection']/@startPosition")}
    # NVivo for Windows counts UTF-16 code units over text with CR LF line ends: after 2
    # astral characters and one line end
    crlf = t.text.replace("\n", "\r\n")
    nvivo_pos = codepoint_to_utf16(crlf, i + t.text.count("\n", 0, i))
    assert nvivo_pos == i + 3 and nvivo_pos in starts and i not in starts
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert crlf.encode() in {z.read(n) for n in z.namelist()}
    from qualcode.store.project import Project

    other = Project(tmp_path / "nvivo-back.sqlite")
    report = import_qdpx(other, data, "for-nvivo.qdpx")
    assert report.positions.startswith("UTF-16")
    assert snapshot(other) == snapshot(sqlite_project)
    other.close()


def test_audio_transcript_comes_in_with_its_codings(sqlite_project):
    text = "I: Wat deed je daar?\nP5: Ik 😀 leerde elke dag iets nieuws."
    a, b = cp(text, "leerde elke dag")
    qde = f"""<Project xmlns="{NS}" name="av" origin="QualCoder 3.5">
  <CodeBook><Codes><Code guid="{g(700)}" name="Leren" isCodable="true"/></Codes></CodeBook>
  <Sources><AudioSource guid="{g(701)}" name="opname.m4a" path="internal://opname.m4a">
    <Transcript guid="{g(702)}" name="opname.txt">
      <PlainTextContent>{text}</PlainTextContent>
      <SyncPoint guid="{g(703)}" timeStamp="1000" position="{a}"/>
      <SyncPoint guid="{g(704)}" timeStamp="4000" position="{b}"/>
      <TranscriptSelection guid="{g(705)}" fromSyncPoint="{g(703)}" toSyncPoint="{g(704)}">
        <Coding guid="{g(706)}"><CodeRef targetGUID="{g(700)}"/></Coding>
      </TranscriptSelection>
    </Transcript>
    <AudioSelection guid="{g(707)}" begin="0" end="5000">
      <Coding guid="{g(708)}"><CodeRef targetGUID="{g(700)}"/></Coding></AudioSelection>
  </AudioSource></Sources>
</Project>"""
    report = import_qdpx(sqlite_project, qdpx(qde, {}), "av.qdpx")
    # the time selection 0–5 s is placed between the sync points (1 s and 4 s) around it
    (passages,) = quotes(sqlite_project).values()
    assert ("leerde elke dag", "") in passages
    assert {q for q, _ in passages} == {"leerde elke dag", "I: Wat deed je daar?\nP5: Ik 😀 "
                                        "leerde elke dag iets"}
    assert "1 time selection(s) of recordings" in "\n".join(report.came_in)
    # the recording itself is not in this archive: said so
    assert "recording of 'opname.m4a' (internal://opname.m4a): not inside" in \
        "\n".join(report.skipped)


def test_split_names_keep_the_guid_of_a_parent_code_that_comes_later(sqlite_project):
    qde = f"""<Project xmlns="{NS}" name="s" origin="ATLAS.ti 9">
  <CodeBook><Codes>
    <Code guid="{g(800)}" name="Thema::Sub" isCodable="true"/>
    <Code guid="{g(801)}" name="Thema" isCodable="true" color="#112233"/>
  </Codes></CodeBook></Project>"""
    import_qdpx(sqlite_project, qdpx(qde, {}), "s.qdpx", split_codes="::")
    nodes = {n.path: n.code for n in code_tree(sqlite_project)}
    assert set(nodes) == {"Thema", "Thema / Sub"}
    assert nodes["Thema"].guid == g(801) and nodes["Thema"].color == "#112233"
    assert nodes["Thema / Sub"].guid == g(800)
