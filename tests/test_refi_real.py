"""REFI-QDA files as real tools write them: fixtures reduced from exports found in public
repositories (the XML structure, attributes and position conventions are kept; long texts are
replaced by short neutral ones placed so that the original positions keep their meaning)."""

from __future__ import annotations

import io
import zipfile

from qualcode.codes import code_tree
from qualcode.codings import all_codings, list_memos
from qualcode.exchange.refi_project import import_qdpx, read_qdpx
from qualcode.transcripts import list_transcripts


def qdpx(qde: str, files: dict[str, bytes], qde_name: str = "project.qde") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(qde_name, qde.encode("utf-8"))
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def quotes(project) -> dict[str, list[tuple[str, str]]]:
    """code path -> sorted [(quote, coder)]"""
    paths = {n.code.id: n.path for n in code_tree(project)}
    texts = {t.id: t.text for t in list_transcripts(project)}
    out: dict = {}
    for c in all_codings(project):
        out.setdefault(paths[c.code_id], []).append((texts[c.transcript_id][c.start:c.end],
                                                     c.coder))
    return {k: sorted(v) for k, v in out.items()}


def utf16_crlf(text: str, piece: str) -> tuple[int, int]:
    """Where NVivo for Windows puts ``piece``: UTF-16 code units of its own text, whose line
    ends are CR LF."""
    i = text.index(piece)
    before = text[:i].replace("\n", "\r\n")
    inside = piece.replace("\n", "\r\n")
    a = len(before.encode("utf-16-le")) // 2
    return a, a + len(inside.encode("utf-16-le")) // 2


def utf16(text: str, piece: str) -> tuple[int, int]:
    i = text.index(piece)
    a = len(text[:i].encode("utf-16-le")) // 2
    return a, a + len(piece.encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------------------------
# NVivo. Reduced from DEpt-metagenom/pyqdpx (MIT licence): oltas0517/project.qde with
# oltas0517/Sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt (origin "NVivo for Windows 12.6")
# and OltasSzkepticizmus_17June/project.qde with its sources/70a540a6-….txt ("NVivo for Mac
# 12.7.0"): one export of the same coded YouTube comments from each platform. The text file
# of both has bare LF line ends; NVivo for Mac counts UTF-16 code units over that text, NVivo
# for Windows counts UTF-16 code units over its own text with CR LF line ends, so every
# position moves by one per line above it (16 of 16 codings landed on the wrong words before
# this was handled). Comments replaced by neutral lines with the same features (emoji before
# coded passages, one comment per line block).

COMMENTS = ("video_id\ncomment_author\ncomment_text\ncomment_likes\n"
            "HhkH__mfvlk\n@author5820\nWhy is it not compulsory? I would have given two doses.\n1\n"
            "HhkH__mfvlk\n@brain6201\nWhat is it to them? They rewrite it when they want 🤣🤣🤣\n0\n"
            "HhkH__mfvlk\n@julia8756\nThey cannot make it compulsory! 😡😡\n3\n"
            "lVKRSFQIu5Q\n@hooyo6\nFor politicians it is compulsory, they voted it down!\n1\n"
            "lVKRSFQIu5Q\n@tamas3490\nNobody can be forced to take a vaccine.\n3\n")
NV_CODED = [("They rewrite it when they want 🤣🤣🤣", "e8811e5d-feb6-458a-b0dd-ae1dbfef84b8"),
            ("They cannot make it compulsory! 😡😡", "e8811e5d-feb6-458a-b0dd-ae1dbfef84b8"),
            ("For politicians it is compulsory, they voted it down!",
             "ff023011-bbac-4515-b4dd-ae1dbffe8f0e"),
            ("Nobody can be forced to take a vaccine.", "0c8c8b44-5570-4c1d-82dd-ae1dbff4f6b0")]
NV_CODES = {"e8811e5d-feb6-458a-b0dd-ae1dbfef84b8": "piros",
            "ff023011-bbac-4515-b4dd-ae1dbffe8f0e": "politikusokkal szembeli bizalmatlanság",
            "0c8c8b44-5570-4c1d-82dd-ae1dbff4f6b0": "szabadság, szuverenitás"}


def nvivo_windows_qde(positions) -> str:
    sels = "".join(
        f'\n      <PlainTextSelection guid="7154a758-6873-4134-badd-ae1dc04d30{i:02d}" name="" '
        f'startPosition="{a}" endPosition="{b}" '
        'creatingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" '
        'creationDateTime="2025-06-18T02:08:15Z" modifyingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" '
        'modifiedDateTime="2025-06-18T02:08:15Z">\n        <Description />\n'
        f'        <Coding guid="da50c6de-cd58-40da-a7e3-be4b82d7f0{i:02d}" '
        'creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-18T02:06:50Z">\n'
        f'          <CodeRef targetGUID="{code}" />\n        </Coding>\n      </PlainTextSelection>'
        for i, ((a, b), code) in enumerate(positions))
    codes = "".join(f'\n      <Code guid="{g}" name="{n}" isCodable="true" />'
                    for g, n in NV_CODES.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Untitled" '
        'origin="NVivo for Windows 12.6" creatingUserGUID="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" '
        'creationDateTime="2025-02-21T15:09:07Z" modifyingUserGUID="29518289-d0e3-447b-b7dd-ae1d8cd880a0" '
        'modifiedDateTime="2025-06-18T02:18:21Z" basePath="" xmlns="urn:QDA-XML:project:1.0">\n'
        '  <Users>\n    <User guid="29518289-d0e3-447b-b7dd-ae1d8cd880a0" name="Gergo" />\n'
        '    <User guid="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" name="floriansipos" />\n  </Users>\n'
        f'  <CodeBook>\n    <Codes>{codes}\n    </Codes>\n  </CodeBook>\n  <Sources>\n'
        '    <TextSource guid="68bbdc14-c361-4432-b4dd-ae1dbfc12890" name="videos_10_selected" '
        'richTextPath="internal://68bbdc14-c361-4432-b4dd-ae1dbfc12890.docx" '
        'plainTextPath="internal://68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt" '
        'creatingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" creationDateTime="2025-06-16T17:07:29Z" '
        'modifyingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" modifiedDateTime="2025-06-16T21:34:01Z">\n'
        f'      <Description />{sels}\n    </TextSource>\n  </Sources>\n</Project>')


def nvivo_mac_qde(positions) -> str:
    sels = "".join(
        '<PlainTextSelection creatingUser="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" '
        f'creationDateTime="2025-06-16T17:13:37Z" endPosition="{b}" '
        f'guid="29823243-1af4-4cd8-a7e9-e4c450287{i:03d}" modifiedDateTime="2025-06-16T17:13:37Z" '
        f'modifyingUser="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" name="" startPosition="{a}">'
        '<Coding creatingUser="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" '
        f'creationDateTime="2025-06-08T12:34:58Z" guid="d79e6d26-42b1-48cc-b9d8-b092c8135{i:03d}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        for i, ((a, b), code) in enumerate(positions))
    codes = "".join(f'<Code guid="{g}" isCodable="true" name="{n}"/>' for g, n in NV_CODES.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project basePath="" '
        'creatingUserGUID="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" creationDateTime="2025-02-21T15:09:07Z" '
        'modifiedDateTime="2025-06-17T10:31:00Z" modifyingUserGUID="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" '
        'name="Untitled" origin="NVivo for Mac 12.7.0" xmlns="urn:QDA-XML:project:1.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd"><Users>'
        '<User guid="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" id="SF" name="floriansipos"/>'
        '<User guid="0f77948d-768a-4665-b7c3-fb9aaa3cdf08" id="GP" name="Gergo"/></Users>'
        f'<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>'
        '<TextSource creatingUser="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" '
        'creationDateTime="2025-06-16T17:07:29Z" guid="70a540a6-08d4-4ce3-8a60-9f29ffd2b259" '
        'modifiedDateTime="2025-06-16T21:34:01Z" modifyingUser="f93ad076-5ca1-4f46-abf4-b4b67130a6e2" '
        'name="videos_10_selected" plainTextPath="internal://70a540a6-08d4-4ce3-8a60-9f29ffd2b259.txt" '
        f'richTextPath="internal://70a540a6-08d4-4ce3-8a60-9f29ffd2b259.docx">{sels}</TextSource>'
        '</Sources></Project>')


def expected_nvivo(coder: str) -> dict:
    out: dict = {}
    for piece, code in NV_CODED:
        out.setdefault(NV_CODES[code], []).append((piece, coder))
    return {k: sorted(v) for k, v in out.items()}


def test_nvivo_windows_counts_crlf_even_when_the_text_file_has_lf(project):
    positions = [(utf16_crlf(COMMENTS, piece), code) for piece, code in NV_CODED]
    qde = nvivo_windows_qde(positions)
    # the file as found in the repository: bare LF line ends, NVivo's CR LF positions
    lf = qdpx(qde, {"Sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt": COMMENTS.encode()})
    report = import_qdpx(project, lf, "oltas0517.qdpx")
    assert "LF counted as CR LF" in report.positions and "UTF-16" in report.positions
    assert quotes(project) == expected_nvivo("Gergo")  # the coder sits on the Coding
    # the same export with CR LF in the text file: the same codings, nothing doubled
    crlf = qdpx(qde, {"Sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt":
                      COMMENTS.replace("\n", "\r\n").encode()})
    report = import_qdpx(project, crlf, "oltas0517-crlf.qdpx")
    assert "LF counted" not in report.positions
    assert quotes(project) == expected_nvivo("Gergo")


def test_nvivo_for_mac_counts_utf16_over_lf(sqlite_project):
    positions = [(utf16(COMMENTS, piece), code) for piece, code in NV_CODED]
    data = qdpx(nvivo_mac_qde(positions),
                {"sources/70a540a6-08d4-4ce3-8a60-9f29ffd2b259.txt": COMMENTS.encode()})
    report = import_qdpx(sqlite_project, data, "OltasSzkepticizmus_17June.qdpx")
    assert report.positions.startswith("UTF-16 code units") and "LF counted" not in report.positions
    assert quotes(sqlite_project) == expected_nvivo("floriansipos")
