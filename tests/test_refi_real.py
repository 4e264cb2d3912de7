"""REFI-QDA files as real tools write them: fixtures reduced from exports found in public
repositories (the XML structure, attributes and position conventions are kept; long texts are
replaced by short neutral ones placed so that the original positions keep their meaning)."""

from __future__ import annotations

import io
import zipfile

from qualcode.coding.codes import code_tree
from qualcode.coding.codings import all_codings, list_memos
from qualcode.exchange.refi_read import import_qdpx
from qualcode.ingest.decode import normalise
from qualcode.corpus.transcripts import list_transcripts
from tests.test_refi_project import qdpx


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


# ---------------------------------------------------------------------------------------------
# ATLAS.ti. Reduced from sky-loom/refi-qda (MIT licence), Project.qde: the "ATLAS.ti standard
# project" exported by ATLAS.ti 8.4.0 for macOS (the REFI-QDA test project). Kept: names
# "Coke::diet Coke" before their parent "Coke", a name with &quot;, a code without colour, a
# selection with three codings, one with a Description and a coding, one with a Description
# only, a picture, a PDF with its text Representation before and one after its region
# selections (ATLAS.ti writes each text quotation twice: a PDFSelection and a
# PlainTextSelection of the Representation with the same GUID), an audio source without
# transcript, a video whose transcript is the same file as a text source, a note linked to a
# video selection, sets of sources and of codes (one empty), a graph. Each selection's name is
# the text it quotes; the texts (not in the repository) are rebuilt around those quotes with
# CR LF line ends, which ATLAS.ti counts as one position.


def place(length: int, quotes_at: dict[int, str], seed: str = "filler") -> str:
    """A text of ``length`` characters (LF line ends) with each quote at its position."""
    out = []
    pos = 0
    n = 0
    for at, piece in sorted(quotes_at.items()):
        while pos < at:
            word = f"{seed}{n} "
            n += 1
            chunk = ("\n" if n % 9 == 0 else word)[: at - pos]
            out.append(chunk)
            pos += len(chunk)
        out.append(piece)
        pos += len(piece)
    while pos < length:
        chunk = ("\n" if n % 9 == 0 else f"{seed}{n} ")[: length - pos]
        n += 1
        out.append(chunk)
        pos += len(chunk)
    return "".join(out)


ATLAS_USER = "AD68FBE7-E1EE-4A82-A279-23CC698C89EB"
MABEL = ("I'm a single mum with an 8 month old and a toddler and breakfast is mayhem.\n"
         "The baby has porridge, I have whatever the toddler leaves; " + "we run late " * 40)[:410]
SIMON_SOGGY = "I did try the gluten free bread, but it was always so soggy,"
SIMON_HONEST = ("But to be honest, I used to have a much bigger breakfast, and these days I find "
                "myself snacking about")
ATLAS_TEXTS = {
    "B2F54555-0D2D-43B2-B40C-2A1C048F5F1C": place(600, {0: MABEL}, "mabel"),
    "C1C745F7-8E4D-48B2-9710-655AFE7E54FA": place(1000, {215: SIMON_SOGGY, 513: SIMON_HONEST},
                                                  "simon"),
    "88293C71-CB70-4AB7-8413-C24110A19C2E": place(500, {250: (
        "For some reason babies aren't supposed to have cow's milk that is low fat. However, "
        "I am really bad")}, "mabel2"),
    "230B768E-5A3D-42B7-BE92-2A3721177944": place(
        260, {139: "Oh, that was great.\nSee you tomorrow?\nEleven thirty. Mm."}, "coke"),
    "01106019-2518-43DD-BBD1-8F0252BACB30": "Audio transcript of the commercial.\nSinging.\n",
    "C8A57C71-D156-4A94-8407-2BD2FA57E2A4": "Visual transcript: a beach.\nPeople drink.\n",
    "142EB46D-612E-4593-A385-D0E5D04D1288": place(600, {62: "granola", 297: (
        "favoritos.\nDificultad: Media\nTiempo: 2 horas 30 minutos\nPorciones: 8\nIngredientes\n"
        "Para la base")}, "receta"),
    "B09E8D25-66A6-4D7E-A884-3E1A11A40E7C": "Kellogg's Passion for Nutrition.\n",
}


def text_source(guid, path, name, body=""):
    return (f'<TextSource plainTextPath="internal://{path}.txt" modifyingUser="{ATLAS_USER}" '
            f'modifiedDateTime="2018-03-27T18:01:07Z" creatingUser="{ATLAS_USER}" '
            f'creationDateTime="2018-03-27T18:01:07Z" richTextPath="internal://{guid}.docx" '
            f'guid="{guid}" name="{name}">{body}</TextSource>')


def selection(guid, a, b, name, body, tag="PlainTextSelection"):
    return (f'<{tag} startPosition="{a}" modifyingUser="{ATLAS_USER}" '
            f'creatingUser="{ATLAS_USER}" creationDateTime="2018-03-27T19:29:27Z" '
            f'endPosition="{b}" guid="{guid}" name="{name}">{body}</{tag}>')


def coding(guid, code):
    return (f'<Coding creatingUser="{ATLAS_USER}" creationDateTime="2018-03-27T19:29:27Z" '
            f'guid="{guid}"><CodeRef targetGUID="{code}"/></Coding>')


ATLAS_QDE = (
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'origin="ATLAS.ti 8.4.0 573 , macOS Version 10.14.3 (Build 18D109)" '
    f'creatingUserGUID="{ATLAS_USER}" modifiedDateTime="2018-03-27T17:46:39Z" '
    'basePath="/Users/sebpe/QDA-XML/Exports from vendors/ATLAS.ti standard project Media" '
    'name="ATLAS.ti standard project">'
    '<Users><User guid="C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B" name="ATLAS.ti"/>'
    f'<User guid="{ATLAS_USER}" name="Friedrich Markgraf"/></Users>'
    '<CodeBook><Codes>'
    '<Code color="#F00082" isCodable="true" name="happiness" guid="85D17F60-7BB0-481E-B742-B4861DD669DF"/>'
    '<Code color="#F00082" isCodable="true" name="Feelings" guid="0F8A1907-7E42-4739-8610-A676B4D1B69F">'
    '<Description>thoughts about breakfast foods</Description></Code>'
    '<Code color="#F00082" isCodable="true" name="waste of time" guid="7988DAC2-ADBD-4258-A81E-71489189F5B5"/>'
    '<Code color="#966450" isCodable="true" name="Coke::diet Coke" guid="D299EFAE-5779-46DC-9827-A3D1A5D544BC">'
    '<Description>non sucré</Description></Code>'
    '<Code color="#966450" isCodable="true" name="Coke" guid="7496BA52-9C8D-4396-8FAB-CC438614E453">'
    '<Description>the breakfast of champions</Description></Code>'
    '<Code guid="C3C7D437-6932-4B14-A55D-30B7F811BBF3" name="milk" isCodable="true"/>'
    '<Code color="#463CC8" isCodable="true" name="bacon and eggs" guid="F9C6EAC0-8A66-4757-9D8A-9A6C8FEA3C44"/>'
    '<Code color="#DC0000" isCodable="true" name="cornflakes" guid="AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F"/>'
    '<Code color="#F00082" isCodable="true" name="&quot;rushed&quot;" guid="9F43FE32-C2CB-4BA8-B766-A0734C826E49"/>'
    '</Codes></CodeBook><Sources>'
    + text_source("69A4332D-5B31-4915-B520-5275CFC21B40", "01106019-2518-43DD-BBD1-8F0252BACB30",
                  "1960s Coca Cola commercial - Audio.docx")
    + text_source("57C6099B-934F-4C86-90F2-CC6C2F2A3CC3", "230B768E-5A3D-42B7-BE92-2A3721177944",
                  "1994 Diet Coke-Diet Coke Break.docx", selection(
                      "4191294A-E287-4510-95B0-69BCE4638E56", 139, 195,
                      "Oh, that was great. See you tomorrow? Eleven thirty. Mm.",
                      coding("445A6AEC-1400-4502-919D-0867832FF211",
                             "D299EFAE-5779-46DC-9827-A3D1A5D544BC")))
    + text_source("17FB9CB8-7858-4291-A162-65424B9942EC", "88293C71-CB70-4AB7-8413-C24110A19C2E",
                  "Mabêl 2ième.txt", selection(
                      "B49D7982-BB8E-4335-80AF-DC869CCC3F45", 250, 412,
                      "For some reason babies aren't supposed to have cow's milk that is low fat. "
                      "However, I am really bad…",
                      "<Description>Mabel is not the only person I know who has Coke for "
                      "breakfast!</Description>"))
    + text_source("EC0A7242-65E1-457C-B7D1-310DAE603FAB", "B2F54555-0D2D-43B2-B40C-2A1C048F5F1C",
                  "Mabel.txt", selection(
                      "2F24EA88-C6A7-482B-8F89-893EF66D7A21", 0, 410,
                      "I'm a single mum with an 8 month old and a toddler and breakfast is mayhem. "
                      "The baby has porridge, I…",
                      coding("2284BF5B-8F78-45B6-A6EF-A128D991408B",
                             "F9C6EAC0-8A66-4757-9D8A-9A6C8FEA3C44")
                      + coding("89B9918E-4209-4FE0-BEA0-0C7FF56D67A4",
                               "AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F")
                      + coding("4B8DD4A4-0C50-42D0-91F4-9E95AFBFC7F0",
                               "85D17F60-7BB0-481E-B742-B4861DD669DF")))
    + text_source("AE5298BE-7C94-4B66-8A9C-51FBE232D2F5", "C1C745F7-8E4D-48B2-9710-655AFE7E54FA",
                  "Simon.docx",
                  selection("63E009F1-5C33-4568-B65D-53A7E28BDBC1", 688, 907,
                            "damage done by fatty foods",
                            "<Description>why does Simon feel the need to do this?</Description>"
                            + coding("9AD860A5-3D53-4BDE-B5EE-A8FC613C1652",
                                     "F9C6EAC0-8A66-4757-9D8A-9A6C8FEA3C44"))
                  + selection("789A62D6-A2AD-4B59-AB90-EF1D4AB1868F", 215, 275, SIMON_SOGGY,
                              coding("61C727FB-E8CD-442D-B34E-D20F6B843407",
                                     "0F8A1907-7E42-4739-8610-A676B4D1B69F"))
                  + selection("F4E8FF7E-1E00-4112-ADD1-37F087BB8598", 513, 907,
                              SIMON_HONEST[:100] + "…",
                              coding("B1CE75CA-1953-43E9-9CE4-26A9AAB4DC02",
                                     "85D17F60-7BB0-481E-B742-B4861DD669DF")))
    + '<PictureSource path="internal://87EAD86F-3112-4537-8A01-01427CAE1C6D.jpg" '
    'guid="02255470-09E6-400B-9E20-97D71FBEC65D" name="cornflakes-n-milk.jpg">'
    '<PictureSelection firstX="267" firstY="1" secondY="720" secondX="992" '
    'guid="7532038C-670E-471B-AA89-A1098E9A4E33" name="Quotation 6:1">'
    + coding("8205358C-5489-4F75-A86D-C7A3DF1571CE", "AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F")
    + coding("F3906F2B-2FF0-4338-B45B-BE66661F9AE6", "C3C7D437-6932-4B14-A55D-30B7F811BBF3")
    + '</PictureSelection></PictureSource>'
    '<PDFSource path="internal://484934BD-97FF-4F8C-9690-B9E77A9092B5.pdf" '
    'guid="03F134F1-AB05-46E6-8702-1D6930D7F7F0" name="Kellogg\'s Passion for Nutrition.pdf">'
    '<Representation plainTextPath="internal://B09E8D25-66A6-4D7E-A884-3E1A11A40E7C.txt" '
    'guid="B09E8D25-66A6-4D7E-A884-3E1A11A40E7C" '
    'name="Representation_for_Kellogg\'s Passion for Nutrition.pdf"/></PDFSource>'
    '<PDFSource path="internal://3E029F7C-B699-47C2-AE9F-95F481693CAF.pdf" '
    'guid="2065D8AB-D724-40C9-B4E9-6EB8DAB73541" '
    'name="Pay de Limón con Base de Granola | Kellogg\'s ®.pdf">'
    '<PDFSelection firstX="18" firstY="45" secondY="234" secondX="577" '
    'guid="95916796-D0A0-4B49-80B0-5A5C8B94AE13" name="favoritos. Dificultad: Media Tiempo: 2 '
    'horas 30 minutos Porciones: 8 Ingredientes Para la bas…" page="0">'
    '<Representation guid="7CFEDFC8-A48D-4F27-B3E0-FF2E7D7B1CD7"><PlainTextContent>'
    'favoritos.Dificultad: MediaTiempo: 2 horas 30 minutos </PlainTextContent></Representation>'
    + coding("DA81AC20-2C10-45DE-9D95-1F87DF90D77D", "AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F")
    + '</PDFSelection>'
    '<PDFSelection firstX="19" firstY="515" secondY="676" secondX="576" '
    'guid="7C046D16-1B6D-4814-A260-3A7BD5FC6A51" name="Quotation 12:3" page="0">'
    + coding("D918B908-05D4-4DF6-B300-371298F05768", "85D17F60-7BB0-481E-B742-B4861DD669DF")
    + '</PDFSelection>'
    '<PDFSelection firstX="335" firstY="367" secondY="420" secondX="485" '
    'guid="27A5F0C2-E225-4D6A-8297-F4FEC794D890" name="granola" page="0">'
    + coding("A4681168-7A17-45F6-BEF4-E717A90DB205", "7988DAC2-ADBD-4258-A81E-71489189F5B5")
    + '</PDFSelection>'
    '<Representation plainTextPath="internal://142EB46D-612E-4593-A385-D0E5D04D1288.txt" '
    'guid="142EB46D-612E-4593-A385-D0E5D04D1288" '
    'name="Representation_for_Pay de Limón con Base de Granola | Kellogg\'s ®.pdf">'
    + selection("95916796-D0A0-4B49-80B0-5A5C8B94AE13", 297, 498,
                "favoritos. Dificultad: Media Tiempo: 2 horas 30 minutos Porciones: 8 "
                "Ingredientes Para la bas…",
                coding("5C931701-6CD4-4A2B-A553-F1DDE2EAC46D",
                       "AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F"))
    + selection("27A5F0C2-E225-4D6A-8297-F4FEC794D890", 62, 69, "granola",
                coding("4B1F2D56-CCE9-46F9-8248-E110F3352C5A",
                       "7988DAC2-ADBD-4258-A81E-71489189F5B5"))
    + '</Representation></PDFSource>'
    '<AudioSource path="relative:///DF370983-F009-4D47-8615-711633FA9DE6.m4a" '
    'guid="DA744775-589A-46D3-8B26-A07ADCE1E1CA" name="Jeanine\'s Breakfast.m4a"/>'
    '<VideoSource path="relative:///5293A7DD-8139-4811-88E4-3357E3AA64E1.mp4" '
    'guid="9D260347-8F7D-4161-89F7-DCC93CC34170" name="1960s Coca Cola commercial.mp4">'
    '<Transcript plainTextPath="internal://01106019-2518-43DD-BBD1-8F0252BACB30.txt" '
    'richTextPath="internal://B5566006-EB5F-43F0-9BC2-DBCD4D2F73F7.docx" '
    'guid="0EBF03C4-768D-4937-B37E-58341FDA4CDB" name="1960s Coca Cola commercial - Audio.docx">'
    '<SyncPoint guid="BC57B3AA-64E1-4974-AC92-646A4F822070" position="0" timeStamp="0"/>'
    '</Transcript>'
    '<Transcript plainTextPath="internal://C8A57C71-D156-4A94-8407-2BD2FA57E2A4.txt" '
    'guid="71013825-D721-4D83-9E28-415218223753" name="1960s Coca Cola commercial - Visual.docx">'
    '<SyncPoint guid="3101C58C-BD31-4AC5-A76B-BE5B6876C387" position="0" timeStamp="0"/>'
    '</Transcript>'
    '<VideoSelection end="45358" begin="16176" guid="238965CB-E557-405D-B4F0-6F824B2F4570" '
    'name="00:16.17 – 00:45.35"/>'
    '<VideoSelection end="17706" begin="14706" guid="0EF270BA-47AD-4107-B78F-7697362BCA44" '
    'name="00:14.70 – 00:17.70">'
    + coding("04EBEC7D-EAB4-43FC-8167-ADB14F921143", "9F43FE32-C2CB-4BA8-B766-A0734C826E49")
    + '</VideoSelection></VideoSource></Sources>'
    f'<Notes><Note creatingUser="{ATLAS_USER}" creationDateTime="2018-03-27T19:38:46Z" '
    'name="Research Plan" modifiedDateTime="2018-03-27T19:41:09Z" '
    'guid="CE15250D-46AD-42C2-B90F-A509B8D64EC8">'
    '<Description>day to day log about this amazing project</Description>'
    '<PlainTextContent>This is a great project by a dynamic team of researcher-developers. '
    '</PlainTextContent></Note>'
    f'<Note creatingUser="{ATLAS_USER}" creationDateTime="2018-03-27T19:41:28Z" '
    'name="My favorite Coke ad" guid="E41BE463-FDF3-4ED0-B668-119C53D8D687">'
    '<PlainTextContent>This version is much better than the new Director’s cut '
    '</PlainTextContent></Note></Notes>'
    '<Links><Link direction="OneWay" color="#000000" originGUID="E41BE463-FDF3-4ED0-B668-119C53D8D687" '
    'name="Memo-Quotation Relation" targetGUID="238965CB-E557-405D-B4F0-6F824B2F4570" '
    'guid="7B56978E-9D9F-4D47-B4EC-436E2F6B8BE5"/></Links>'
    '<Sets><Set guid="C29B5DB8-2ED6-406B-BFD2-68E8E273C1E9" name="Mabel">'
    '<MemberSource targetGUID="17FB9CB8-7858-4291-A162-65424B9942EC"/>'
    '<MemberSource targetGUID="EC0A7242-65E1-457C-B7D1-310DAE603FAB"/></Set>'
    '<Set guid="02B010C9-3990-4065-B09C-2D228030B01C" name="gender: male">'
    '<MemberSource targetGUID="AE5298BE-7C94-4B66-8A9C-51FBE232D2F5"/></Set>'
    '<Set guid="C8D93AD3-1913-45D4-B2F5-F6681D19CCAD" name="negative feelings">'
    '<MemberCode targetGUID="9F43FE32-C2CB-4BA8-B766-A0734C826E49"/>'
    '<MemberCode targetGUID="7988DAC2-ADBD-4258-A81E-71489189F5B5"/></Set>'
    '<Set guid="322EDFE7-C248-49CE-A094-477E02CB7177" name="&lt;3"/></Sets>'
    '<Graphs><Graph guid="2BD17780-DA8D-4F9E-835A-5FA8CF02EF11" name="Netzwerk">'
    '<Vertex firstX="103" firstY="26" representedGUID="ED105492-356D-4119-A1E2-716CF018AFED" '
    'secondY="72" secondX="258" guid="B169A012-304E-49AC-A753-2543F08987AF" '
    'name="1994 Diet Coke-Diet Coke Break.mp4" shape="Rectangle"/></Graph></Graphs></Project>')


def atlas_archive() -> bytes:
    files = {f"sources/{g}.txt": t.replace("\n", "\r\n").encode("utf-8")
             for g, t in ATLAS_TEXTS.items()}
    return qdpx(ATLAS_QDE, files, qde_name="ATLAS.ti standard project.qde")


def test_atlas_standard_project(project):
    report = import_qdpx(project, atlas_archive(), "ATLAS.ti standard project.qdpx",
                         split_codes="::")
    assert report.positions == "code points (BOM not counted, CRLF as one), detected"
    soggy = SIMON_SOGGY
    honest = normalise(ATLAS_TEXTS["C1C745F7-8E4D-48B2-9710-655AFE7E54FA"][513:907])
    fm = "Friedrich Markgraf"
    got = quotes(project)
    assert got["Coke / diet Coke"] == [
        ("Oh, that was great.\nSee you tomorrow?\nEleven thirty. Mm.", fm)]
    assert got["Feelings"] == [(soggy, fm)]
    assert sorted(got["happiness"]) == sorted([(normalise(MABEL), fm), (honest, fm)])
    assert any(q.startswith("favoritos.\nDificultad: Media") for q, _c in got["cornflakes"])
    assert got["waste of time"] == [("granola", fm)]
    assert len(got["bacon and eggs"]) == 2
    # the parent met after its child keeps its own GUID and description; &quot; decoded
    paths = {n.path: n.code for n in code_tree(project)}
    assert paths["Coke"].guid == "7496ba52-9c8d-4396-8fab-cc438614e453"
    assert paths["Coke"].description == "the breakfast of champions"
    assert '"rushed"' in paths
    # the quotation with a Description and no code: a memo quoting the passage; with a
    # code: the coding memo
    memos = {m.title: m for m in list_memos(project)}
    assert "Mabel is not the only person" in memos["Annotation on Mabêl 2ième.txt"].body
    assert "For some reason babies" in memos["Annotation on Mabêl 2ième.txt"].body
    assert any(c.memo == "why does Simon feel the need to do this?" for c in all_codings(project))
    assert memos["Research Plan"].body.startswith("This is a great project")
    # the video transcript that is the text source's own file is not imported twice
    names = sorted(t.name for t in list_transcripts(project))
    assert len(names) == len(set(names)) == 8
    assert "1960s Coca Cola commercial - Visual.docx" in names  # the transcript's own name
    sets = {t.name: (t.attributes or {}).get("sets") for t in list_transcripts(project)}
    assert sets["Mabel.txt"] == "Mabel" and sets["Simon.docx"] == "gender: male"
    skipped = "\n".join(report.skipped)
    assert "picture source 'cornflakes-n-milk.jpg'" in skipped
    assert "1 region selection(s)" in skipped  # the PDF region without a text twin
    assert "audio source" in skipped and "graph" in skipped
    from qualcode.coding.code_sets import code_sets  # sets of codes come in as such

    assert [(v.name, len(v.code_ids)) for v in code_sets(project)] == [("negative feelings", 2)]
    # the one quotation ATLAS.ti users renamed is pointed out, the rest match their names
    assert any("damage done by fatty foods" in w for w in report.warnings)
    # importing it again changes nothing
    again = import_qdpx(project, atlas_archive(), "again.qdpx", split_codes="::")
    assert again.counts.get("codings", 0) == 0 and quotes(project) == got


# ---------------------------------------------------------------------------------------------
# QualCoder. Built as ccbogel/QualCoder (LGPL-3.0) src/qualcoder/refi.py RefiExport writes a
# project: text files with a BOM ("utf-8-sig") that positions do not count; with the export
# option for MAXQDA the text gets CR LF while positions stay those of the LF text; one
# PlainTextSelection per coding named by its whole quote; the coder on the selection; a
# journal as a Note with only a plainTextPath file; an annotation as a Note holding its
# PlainTextSelection, referenced from the TextSource, its text written into the XML without
# escaping (so "R&D" or "x < 3" breaks the XML); variables with an empty Description; a case
# with a SourceRef.

QC_TEXT = ("Interviewer: What changed for you?\n"
           "Anna: Working in R&D with young colleagues gave me energy. \n"
           "Anna: The commute < 3 hours a week now.\n")
QC_USER = "5c94bc9e-db8c-4f1d-9cd6-e900c7440860"


def qualcoder_qde(text: str, escape_annotation: bool) -> str:
    from html import escape

    def sel(piece, code, memo=""):
        a = text.index(piece)
        b = a + len(piece)
        return (f'<PlainTextSelection guid="{code[:8]}-aaaa-4bbb-8ccc-{a:012d}" '
                f'startPosition="{a}" endPosition="{b}" name="{escape(piece)}" '
                f'creatingUser="{QC_USER}" creationDateTime="2024-05-01T10:00:00Z">\n'
                + (f"<Description>{escape(memo)}</Description>\n" if memo else "")
                + f'<Coding guid="{code[:8]}-dddd-4eee-8fff-{a:012d}" creatingUser="{QC_USER}" >\n'
                f'<CodeRef targetGUID="{code}" />\n</Coding>\n</PlainTextSelection>\n')

    note = "Energy from R&D work, x < 3"
    a = text.index("young colleagues")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="interviews.qda" '
        'origin="QualCoder 3.6" creatingUserGUID="0d3fbb3a-7f0c-4c0a-9d7e-3c1b4a5e6f70" '
        'creationDateTime="2024-04-30T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">\n'
        f'<Users>\n<User guid="{QC_USER}" name="colin" />\n</Users>\n'
        '<CodeBook>\n<Codes>\n'
        '<Code guid="2dfba8c9-59f5-4424-99d6-ea9bce18134b" name="energy" isCodable="true" color="#F781F3">\n'
        '<Description>what gives energy</Description>\n</Code>\n'
        '<Code guid="3efcb9da-6a06-4535-aae7-fbacdf29245c" name="commute" isCodable="true" color="#81BEF7">\n'
        '</Code>\n</Codes>\n</CodeBook>\n'
        '<Variables>\n<Variable guid="51dc3bcd-5454-47ff-a4d6-ea699144410d" name="Age group" '
        'typeOfVariable="Text" >\n<Description />\n</Variable>\n</Variables>\n'
        '<Cases>\n<Case guid="4a463c0d-9263-494a-81d6-e9d5a229f227" name="Anna">\n<Description />\n'
        '<VariableValue>\n<VariableRef targetGUID="51dc3bcd-5454-47ff-a4d6-ea699144410d" />\n'
        '<TextValue>20-29</TextValue>\n</VariableValue>\n'
        '<SourceRef targetGUID="a2b94468-80a5-412f-92d6-e900d97b55a6"/>\n</Case>\n</Cases>\n'
        '<Sources>\n<TextSource plainTextPath="internal://6f35c6f2-bd8f-4f08-ad49-6d62cb8442a5.txt" '
        f'creatingUser="{QC_USER}" creationDateTime="2024-05-01T09:30:00Z" '
        'guid="a2b94468-80a5-412f-92d6-e900d97b55a6" name="anna.txt">\n'
        + sel("Working in R&D with young colleagues gave me energy.",
              "2dfba8c9-59f5-4424-99d6-ea9bce18134b", memo="key passage")
        + sel("The commute < 3 hours a week now.", "3efcb9da-6a06-4535-aae7-fbacdf29245c")
        + '<NoteRef targetGUID="0f758eeb-d61d-4e91-b250-79861c3869a6" />\n</TextSource>\n'
        '</Sources>\n<Notes>\n'
        '<Note guid="4691a8a0-d67c-4dcc-91d6-e9075dc230cc" creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860" '
        'creationDateTime="2024-05-02T08:00:00Z" name="Assignment Progress Memo"  '
        'plainTextPath="internal://4691a8a0-d67c-4dcc-91d6-e9075dc230cc.txt" >\n<Description /></Note>\n'
        f'<Note guid="0f758eeb-d61d-4e91-b250-79861c3869a6" creatingUser="{QC_USER}" '
        'creationDateTime="2024-05-02T09:00:00Z" >\n'
        f"<PlainTextContent>{escape(note) if escape_annotation else note}</PlainTextContent>\n"
        f'<PlainTextSelection guid="d61907b2-d0d4-48dc-b8b7-5e4f7ae5faa6" startPosition="{a}" '
        f'endPosition="{a + len("young colleagues")}" />\n</Note>\n</Notes>\n'
        '<Description>Pilot interviews</Description>\n</Project>')


def qualcoder_archive(crlf: bool = False, escape_annotation: bool = False) -> bytes:
    text = QC_TEXT.replace("\n", "\r\n") if crlf else QC_TEXT
    return qdpx(qualcoder_qde(QC_TEXT, escape_annotation), {
        "sources/6f35c6f2-bd8f-4f08-ad49-6d62cb8442a5.txt": text.encode("utf-8-sig"),
        "sources/4691a8a0-d67c-4dcc-91d6-e9075dc230cc.txt": "Steps towards the report.".encode(
            "utf-8-sig")})


def test_qualcoder_export_with_unescaped_annotation_text(project):
    report = import_qdpx(project, qualcoder_archive(), "interviews.qdpx")
    assert any("not well-formed" in w and "escaped" in w for w in report.warnings)
    assert report.positions == "code points (BOM not counted, CRLF as two), detected"
    assert quotes(project) == {
        "energy": [("Working in R&D with young colleagues gave me energy.", "colin")],
        "commute": [("The commute < 3 hours a week now.", "colin")]}
    assert [c.memo for c in all_codings(project) if c.memo] == ["key passage"]
    memos = {m.title: m for m in list_memos(project)}
    assert memos["Assignment Progress Memo"].body == "Steps towards the report."
    annotation = next(m for m in memos.values() if m.body.startswith("Energy from R&D work"))
    assert "x < 3" in annotation.body and "young colleagues" in annotation.body
    (t,) = list_transcripts(project)
    assert t.attributes == {"Age group": "20-29", "participant": "Anna"}
    assert not any("name quotes" in w for w in report.warnings)


def test_qualcoder_export_for_maxqda_crlf_text_with_lf_positions(sqlite_project):
    report = import_qdpx(sqlite_project, qualcoder_archive(crlf=True, escape_annotation=True),
                         "interviews-maxqda.qdpx")
    assert report.positions == "code points (BOM not counted, CRLF as one), detected"
    assert not any("well-formed" in w for w in report.warnings)
    assert quotes(sqlite_project)["commute"] == [("The commute < 3 hours a week now.", "colin")]


def test_xml_beyond_repair_is_refused_with_the_reason(sqlite_project):
    import pytest

    from qualcode.errors import ValidationError

    with pytest.raises(ValidationError, match="not well-formed"):
        import_qdpx(sqlite_project, b"<?xml version='1.0'?>\n<<<", "broken.qde")


# ---------------------------------------------------------------------------------------------
# NVivo cases are nodes. ccbogel/QualCoder (LGPL-3.0) src/qualcoder/refi.py notes that in NVivo
# exports "some Codes in CodeBook are Cases - they use the same guid" and that codings at them
# are case text (clean_up_case_codes_and_case_text); NVivo names variables after their
# classification. Before this, each case became a code and its whole-source coding a coding.

def test_nvivo_case_nodes_become_case_membership_not_codes(sqlite_project):
    text = "Interviewer: How was the year?\nAnna: Busy but good.\n"
    a, b = 0, len(text.replace("\n", "\r\n").encode("utf-16-le")) // 2
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'name="Cases" origin="NVivo for Windows 14" xmlns="urn:QDA-XML:project:1.0">'
        '<Users><User guid="5c94bc9e-db8c-4f1d-9cd6-e900c7440860" name="CC" /></Users>'
        '<CodeBook><Codes>'
        '<Code guid="2dfba8c9-59f5-4424-99d6-ea9bce18134b" name="Busy" isCodable="true" />'
        '<Code guid="10b3a0a4-7c65-4b55-9c8d-ea9bce180001" name="Cases" isCodable="false">'
        '<Code guid="4a463c0d-9263-494a-81d6-e9d5a229f227" name="Anna" isCodable="true" />'
        '</Code></Codes></CodeBook>'
        '<Variables><Variable guid="51dc3bcd-5454-47ff-a4d6-ea699144410d" name="Age group" '
        'typeOfVariable="Text"><Description /></Variable></Variables>'
        '<Cases><Case guid="4a463c0d-9263-494a-81d6-e9d5a229f227" name="Anna"><Description />'
        '<VariableValue><VariableRef targetGUID="51dc3bcd-5454-47ff-a4d6-ea699144410d" />'
        '<TextValue>20-29</TextValue></VariableValue></Case></Cases>'
        '<Sources><TextSource guid="a2b94468-80a5-412f-92d6-e900d97b55a6" name="Anna" '
        'plainTextPath="internal://a2b94468-80a5-412f-92d6-e900d97b55a6.txt">'
        f'<PlainTextSelection guid="08cbced0-d736-44c8-8fd6-eb4d29fe46c5" name="" '
        f'startPosition="{a}" endPosition="{b}" creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860">'
        '<Description /><Coding guid="76414714-63c4-4a25-a47e-66fef80bd52e" '
        'creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860">'
        '<CodeRef targetGUID="4a463c0d-9263-494a-81d6-e9d5a229f227" /></Coding>'
        '<Coding guid="76414714-63c4-4a25-a47e-66fef80bd52f" '
        'creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860">'
        '<CodeRef targetGUID="2dfba8c9-59f5-4424-99d6-ea9bce18134b" /></Coding>'
        '</PlainTextSelection></TextSource></Sources></Project>')
    data = qdpx(qde, {"Sources/a2b94468-80a5-412f-92d6-e900d97b55a6.txt":
                      text.replace("\n", "\r\n").encode("utf-8-sig")})
    report = import_qdpx(sqlite_project, data, "cases.qdpx")
    paths = {n.path for n in code_tree(sqlite_project)}
    assert "Cases / Anna" not in paths and "Anna" not in paths and "Busy" in paths
    assert [(q, c) for q, c in quotes(sqlite_project)["Busy"]] == [
        ("Interviewer: How was the year?\nAnna: Busy but good.", "CC")]
    assert len(all_codings(sqlite_project)) == 1
    (t,) = list_transcripts(sqlite_project)
    assert t.attributes == {"Age group": "20-29"}  # the case is the transcript's own name
    assert any("are cases" in line for line in report.came_in)


# ---------------------------------------------------------------------------------------------
# Export, read the way other tools read it. QualCoder's RefiImport (ccbogel/QualCoder,
# src/qualcoder/refi.py): the coder of a text coding is the creatingUser of its
# PlainTextSelection ("default" if none), the coding memo is the selection's Description, the
# first child of a Coding is its CodeRef, a journal comes from a Note's plainTextPath file under
# sources/ or Sources/ (a Note with only PlainTextContent is not read), dates are read as
# text with "T" and "Z" replaced. ATLAS.ti rejects an archive whose source folder is not
# "sources" in lower case (noted in QualCoder's export code) and a .txt given as richTextPath.


def qualcoder_reads(data: bytes) -> dict:
    """What QualCoder's RefiImport takes from a .qdpx (its rules, re-implemented)."""
    from lxml import etree

    ns = "{urn:QDA-XML:project:1.0}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("project.qde"))
        files = {n: z.read(n) for n in z.namelist()}
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{ns}User")}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{ns}Code")}
    out = {"codings": [], "journals": {}}
    for src in root.iter(f"{ns}TextSource"):
        assert src.get("plainTextPath").startswith("internal://")
        assert src.get("richTextPath") is None
        text = files["sources/" + src.get("plainTextPath").split("internal:/")[1].lstrip("/")]
        text = text.decode("utf-8-sig")
        for sel in src.iter(f"{ns}PlainTextSelection"):
            sel.get("creationDateTime").replace("T", " ").replace("Z", "")
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            desc = sel.find(f"{ns}Description")
            memo = desc.text if desc is not None and desc.text is not None else ""
            for coding in sel.findall(f"{ns}Coding"):
                ref = list(coding)[0]
                out["codings"].append((codes[ref.get("targetGUID")], text[a:b],
                                       users.get(sel.get("creatingUser"), "default"), memo))
    for note in root.iter(f"{ns}Note"):
        note.get("creationDateTime").replace("T", " ")
        path = note.get("plainTextPath")
        if path is not None and note.get("name") != "":
            out["journals"][note.get("name")] = files[
                "sources/" + path.split("internal:/")[1].lstrip("/")].decode("utf-8-sig")
    out["codings"].sort()
    return out


def test_export_is_read_right_by_qualcoder_rules(sqlite_project, tmp_path):
    from qualcode.coding.codes import create_code
    from qualcode.coding.codings import add_coding, add_memo
    from qualcode.exchange.refi_write import export_qdpx
    from qualcode.corpus import ingest_file
    from tests.refi_schemas import schema

    (tmp_path / "i.txt").write_text("Interviewer: And then?\nP1: Then we moved to R&D.\n",
                                    encoding="utf-8")
    t = ingest_file(sqlite_project, tmp_path / "i.txt")
    move = create_code(sqlite_project, "moving")
    work = create_code(sqlite_project, "work")
    s = t.text.index("we moved")
    e = s + len("we moved to R&D")
    add_coding(sqlite_project, t.id, move.id, s, e, coder="AB", memo="first move")
    add_coding(sqlite_project, t.id, move.id, s, e, coder="CD")
    add_coding(sqlite_project, t.id, work.id, s, e, coder="CD")
    add_memo(sqlite_project, "Field notes", "Met P1 at the office.", author="AB")
    data = export_qdpx(sqlite_project, "Moves")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        from lxml import etree

        doc = etree.fromstring(z.read("project.qde"))
        assert all(n == "project.qde" or n.startswith("sources/") for n in z.namelist())
    refi = schema("Project-mrt2019.xsd")
    assert refi.validate(doc), refi.error_log
    got = qualcoder_reads(data)
    quote = "we moved to R&D"
    assert got["codings"] == sorted([("moving", quote, "AB", "first move"),
                                     ("moving", quote, "CD", ""), ("work", quote, "CD", "")])
    assert got["journals"] == {"Field notes": "Met P1 at the office."}
    # and back into qualcode: the same codings, memo and note
    from qualcode.store.project import Project

    other = Project(tmp_path / "back.sqlite")
    import_qdpx(other, data, "moves.qdpx")
    assert sorted((c.coder, c.memo) for c in all_codings(other)) == [
        ("AB", "first move"), ("CD", ""), ("CD", "")]
    assert [m.body for m in list_memos(other)] == ["Met P1 at the office."]
    other.close()


# ---------------------------------------------------------------------------------------------
# Codebooks (.qdc) as found: ATLAS.ti Win 23.4.0 (RE-QDA/requal, tests/testthat/test-qdc.R):
# schemaLocation of version 0:4, a code group whose MemberCode carries guid= instead of
# targetGUID=, and a truncated export; a header copied from "NVivo 12 For Mac" with the
# namespace urn:QDA-XML:codebook:1:0; QualCoder writes its codebook with a BOM (utf-8-sig).

ATLAS_QDC = (
    '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns:xsi="http://www.w3.org/2001/'
    'XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:codebook:0:4 Codebook.xsd" '
    'origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0">\n  <Codes>\n'
    '    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="code1" color="#46AA00" '
    'isCodable="true">\n      <Description>description</Description>\n    </Code>\n  </Codes>\n'
    '  <Sets>\n    <Set name="code group 1" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">\n'
    '      <Description>kategorie 1</Description>\n'
    '      <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" />\n    </Set>\n  </Sets>\n'
    '</CodeBook>')


def test_codebooks_as_tools_write_them(sqlite_project):
    import pytest

    from qualcode.errors import ValidationError
    from qualcode.exchange.importing import import_file

    report = import_file(sqlite_project, ATLAS_QDC.encode("utf-8"), "atlas.qdc")
    assert report.counts["codes_created"] == 1
    assert any("code sets" in w for w in report.warnings)
    (node,) = code_tree(sqlite_project)
    assert (node.code.guid, node.code.color) == ("1ff58b12-6f6f-4b0c-8be5-bbdc91f55294", "#46aa00")
    truncated = ATLAS_QDC[:ATLAS_QDC.index("</Code>")] + "<Code \n"
    with pytest.raises(ValidationError, match="not well-formed"):
        import_file(sqlite_project, truncated.encode(), "corrupted.qdc")
    nvivo_mac = ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?><CodeBook '
                 'origin="NVivo 12 For Mac" xmlns="urn:QDA-XML:codebook:1:0"><Codes>'
                 '<Code color="#00FF00" guid="0ede5bd6-e64e-4536-aee6-8663227dacb5" '
                 'isCodable="true" name="A"><Code guid="2b5e8f6b-d3a0-412e-9ca8-418531b012f7" '
                 'isCodable="true" name="B"/></Code></Codes></CodeBook>')
    report = import_file(sqlite_project, nvivo_mac.encode("utf-8-sig"), "nvivo.qdc")
    assert report.counts["codes_created"] == 2 and any("namespace" in w for w in report.warnings)
    assert "A / B" in {n.path for n in code_tree(sqlite_project)}


# ---------------------------------------------------------------------------------------------
# f4analyse. Reduced from openqda/refi-tools, validators/javascript/src/tests/data/
# valid-document.xml (an export of "f4 2025.2.9"): no users; a memo on a passage is a
# selection of its own with a Description and a NoteRef to a note file holding the same text;
# when the passage is also coded, that memo selection has exactly the span of the coded one
# (before: a second, free-floating memo, its text doubled). Interview text is neutral.

F4_TEXT = place(1400, {320: "Ich habe angefangen, weil es mir Spass macht.",
                       603: "Das Team war damals noch sehr klein.",
                       995: "Heute arbeite ich mit vielen jungen Kollegen zusammen."}, "wort")


def f4_qde() -> str:
    code = "206750b8-d3c8-4bc6-a922-5c8c1475f36f"

    def span(piece):
        a = F4_TEXT.index(piece)
        return a, a + len(piece)

    (a1, b1), (a2, b2), (a3, b3) = (span("Ich habe angefangen, weil es mir Spass macht."),
                                    span("Das Team war damals noch sehr klein."),
                                    span("Heute arbeite ich mit vielen jungen Kollegen zusammen."))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:'
        'project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" '
        'origin="f4 2025.2.9" name="f4-Projekt">\n    <CodeBook>\n        <Codes>\n'
        f'            <Code guid="{code}" name="Dies ist ein Test-Code" isCodable="true" '
        'color="#044B9B">\n                <Description>Dies ist der Kommentar vom Test-Code'
        '</Description>\n                <NoteRef targetGUID="768169b3-d336-4ef3-8060-83bcb776a23d"/>\n'
        '            </Code>\n        </Codes>\n    </CodeBook>\n    <Sources>\n'
        '        <TextSource guid="834517f4-6e9f-4425-9bdd-a4be2d36e7a0" name="Interview 60mins" '
        'plainTextPath="internal://834517f4-6e9f-4425-9bdd-a4be2d36e7a0.txt" '
        'richTextPath="internal://834517f4-6e9f-4425-9bdd-a4be2d36e7a0.docx">\n'
        f'            <PlainTextSelection guid="52c4a374-b094-4322-9543-614df5eee1e3" '
        f'startPosition="{a1}" endPosition="{b1}">\n                <Coding guid="35febc96-efd3-'
        f'4431-9dd9-b818ea0198e6">\n                    <CodeRef targetGUID="{code}"/>\n'
        '                </Coding>\n            </PlainTextSelection>\n'
        f'            <PlainTextSelection guid="e4633804-3ab6-4a8f-a6f4-f4e0a5ee1249" '
        f'startPosition="{a3}" endPosition="{b3}">\n                <Coding guid="81f73cb1-5190-'
        f'4c40-9a30-d7e93deadb68">\n                    <CodeRef targetGUID="{code}"/>\n'
        '                </Coding>\n            </PlainTextSelection>\n'
        f'            <PlainTextSelection guid="1b1d9d6c-5e81-40df-b470-7ea8b99573e4" '
        f'startPosition="{a2}" endPosition="{b2}">\n                <Description>Dies ist ein '
        'Memo, angeheftet an ein Text-Snippet (das nicht codiert ist!)</Description>\n'
        '                <NoteRef targetGUID="b4352c05-1171-41d9-9d27-401fd25cd8e7"/>\n'
        '            </PlainTextSelection>\n'
        f'            <PlainTextSelection guid="b86192c2-19d1-4ab3-82ce-6086b0054924" '
        f'startPosition="{a3}" endPosition="{b3}">\n                <Description>Dies ist ein '
        'Memo, angeheftet an ein Text-Snipped (das codiert ist!)</Description>\n'
        '                <NoteRef targetGUID="7b5e2e19-bae9-4450-97d0-f548e3e4ec76"/>\n'
        '            </PlainTextSelection>\n        </TextSource>\n    </Sources>\n    <Notes>\n'
        '        <Note guid="768169b3-d336-4ef3-8060-83bcb776a23d" plainTextPath="internal://'
        '768169b3-d336-4ef3-8060-83bcb776a23d.txt"/>\n'
        '        <Note guid="7b5e2e19-bae9-4450-97d0-f548e3e4ec76" plainTextPath="internal://'
        '7b5e2e19-bae9-4450-97d0-f548e3e4ec76.txt"/>\n'
        '        <Note guid="b4352c05-1171-41d9-9d27-401fd25cd8e7" plainTextPath="internal://'
        'b4352c05-1171-41d9-9d27-401fd25cd8e7.txt"/>\n    </Notes>\n</Project>\n')


def test_f4_memo_on_a_coded_passage_becomes_the_coding_memo(sqlite_project):
    files = {
        "sources/834517f4-6e9f-4425-9bdd-a4be2d36e7a0.txt": F4_TEXT.encode("utf-8"),
        "sources/768169b3-d336-4ef3-8060-83bcb776a23d.txt": "Memo zum Test-Code".encode(),
        "sources/7b5e2e19-bae9-4450-97d0-f548e3e4ec76.txt":
            "Dies ist ein Memo, angeheftet an ein Text-Snipped (das codiert ist!)".encode(),
        "sources/b4352c05-1171-41d9-9d27-401fd25cd8e7.txt":
            "Dies ist ein Memo, angeheftet an ein Text-Snippet (das nicht codiert ist!)".encode(),
    }
    report = import_qdpx(sqlite_project, qdpx(f4_qde(), files), "f4-Projekt.qdpx")
    got = {q: c.memo for c in all_codings(sqlite_project)
           for q in [list_transcripts(sqlite_project)[0].text[c.start:c.end]]}
    assert got == {"Ich habe angefangen, weil es mir Spass macht.": "",
                   "Heute arbeite ich mit vielen jungen Kollegen zusammen.":
                       "Dies ist ein Memo, angeheftet an ein Text-Snipped (das codiert ist!)"}
    memos = list_memos(sqlite_project)
    on_code = [m.body for m in memos if m.code_id is not None]
    assert on_code == ["Memo zum Test-Code"]
    # the memo on an uncoded passage: once, quoting the passage
    (passage,) = [m.body for m in memos if m.code_id is None]
    assert passage.count("Dies ist ein Memo") == 1
    assert "Das Team war damals noch sehr klein." in passage and len(memos) == 2
    assert any("became the memo of its codings" in line for line in report.came_in)


# ---------------------------------------------------------------------------------------------
# MAXQDA 24. Reduced from bedingjd/paper_themes, project.qde (origin "MAXQDA 24 (Release
# 24.7.0)", with sources/<GUID>.txt): upper-case GUIDs, every source with modifyingUser and
# modifiedDateTime and no selection yet, a two-level codebook whose parents carry long
# descriptions, document sets. Texts are neutral.

def test_maxqda_24_sources_codes_and_sets(sqlite_project):
    user = "F3EA8DA1-BB99-411F-8ED4-011170237B6C"
    srcs = [("C5E4C960-5296-4FDE-8C63-DEABA4E17F92", "ICLS 2024 3-10", "2024-10-18T23:23:46Z"),
            ("7391D47A-323D-4291-8202-ED599C250828", "ICLS 2024 11-18", "2024-10-18T23:18:48Z"),
            ("1C693BD8-FFE2-4398-AB33-0831971751F4", "ICLS 2025 1007-1015", "2025-06-16T22:00:02Z")]
    sources = "".join(
        f'  <TextSource modifyingUser="{user}" guid="{g}" creatingUser="{user}" '
        f'creationDateTime="{d}" name="{n}" plainTextPath="internal://{g}.txt" '
        f'modifiedDateTime="{d}"/>\n' for g, n, d in srcs)
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xsi:schemaLocation="urn:QDA-XML:project:1.0 '
        'http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:QDA-XML:project:1.0" '
        'origin="MAXQDA 24 (Release 24.7.0)" name="2025-06-16_ICLS_Conf_Themes_ALL_just10" '
        f'modifiedDateTime="2025-07-14T18:42:34Z">\n <Users>\n  <User guid="{user}" name="johnb"/>\n'
        ' </Users>\n <CodeBook>\n  <Codes>\n'
        '   <Code color="#32bd59" guid="5C7AE230-096A-4F7E-A632-3BE263BB9156" name="Assessments" '
        'isCodable="true">\n    <Description>This category focuses on the evaluation of learning. '
        'This is a parent category, and only the codes within this category should be applied '
        'when coding data.</Description>\n'
        '    <Code color="#32bd59" guid="088164C3-4BB6-4C84-8FCF-E550D479867D" '
        'name="ASSMNT - Affective Outcomes" isCodable="true">\n     <Description>Apply this code '
        'when the paper discusses assessments that measure emotions.</Description>\n    </Code>\n'
        '   </Code>\n  </Codes>\n </CodeBook>\n <Sources>\n' + sources + ' </Sources>\n <Sets>\n'
        '  <Set guid="45FE4439-9BF4-47FC-AFAF-D87305293172" name="ICLS 2024">\n'
        f'   <MemberSource targetGUID="{srcs[0][0]}"/>\n   <MemberSource targetGUID="{srcs[1][0]}"/>\n'
        '  </Set>\n  <Set guid="FEEDCF5C-1D45-4CE1-B551-586A9CD14F09" name="ICLS 2025">\n'
        f'   <MemberSource targetGUID="{srcs[2][0]}"/>\n  </Set>\n </Sets>\n</Project>\n')
    files = {f"sources/{g}.txt": f"Proceedings {n}\r\nAbstract of the papers.\r\n".encode()
             for g, n, _d in srcs}
    report = import_qdpx(sqlite_project, qdpx(qde, files), "ICLS.qdpx")
    assert report.skipped == [] and report.warnings == []
    ts = {t.name: t for t in list_transcripts(sqlite_project)}
    assert {n: t.attributes["sets"] for n, t in ts.items()} == {
        "ICLS 2024 3-10": "ICLS 2024", "ICLS 2024 11-18": "ICLS 2024",
        "ICLS 2025 1007-1015": "ICLS 2025"}
    assert ts["ICLS 2024 3-10"].guid == srcs[0][0].lower()  # the GUID kept, in qualcode form
    assert {n.path for n in code_tree(sqlite_project)} == {
        "Assessments", "Assessments / ASSMNT - Affective Outcomes"}


def test_long_codings_round_trip_without_quote_warnings(sqlite_project, tmp_path):
    from qualcode.coding.codes import create_code
    from qualcode.coding.codings import add_coding
    from qualcode.exchange.refi_write import export_qdpx
    from qualcode.corpus import ingest_file
    from qualcode.store.project import Project

    long = "P1: " + " ".join(f"word{i}" for i in range(80))
    (tmp_path / "l.txt").write_text(long + "\nP2: short answer.\n", encoding="utf-8")
    t = ingest_file(sqlite_project, tmp_path / "l.txt")
    code = create_code(sqlite_project, "long")
    add_coding(sqlite_project, t.id, code.id, 4, len(long))
    add_coding(sqlite_project, t.id, code.id, t.text.index("short"), t.text.index("short") + 5)
    data = export_qdpx(sqlite_project, "Long")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        qde = z.read("project.qde").decode()
    assert 'name="word0 word1' in qde and "…" in qde  # named by its text, cut with an ellipsis
    other = Project(tmp_path / "o.sqlite")
    report = import_qdpx(other, data, "long.qdpx")
    assert report.warnings == [] and len(all_codings(other)) == 2
    other.close()


def test_export_for_nvivo_counts_as_nvivo_for_windows_does(sqlite_project, tmp_path):
    """The positions of an export for NVivo are those NVivo for Windows wrote in the real
    export above (UTF-16 code units over CR LF line ends; ``utf16_crlf``)."""
    from lxml import etree

    from qualcode.coding.codes import create_code
    from qualcode.coding.codings import add_coding
    from qualcode.exchange.refi_write import export_qdpx
    from qualcode.corpus import ingest_file

    (tmp_path / "c.txt").write_text(COMMENTS, encoding="utf-8")
    t = ingest_file(sqlite_project, tmp_path / "c.txt")
    code = create_code(sqlite_project, "piros")
    for piece, _code in NV_CODED:
        i = t.text.index(piece)
        add_coding(sqlite_project, t.id, code.id, i, i + len(piece))
    data = export_qdpx(sqlite_project, positions="utf16")
    doc = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    got = sorted((int(s.get("startPosition")), int(s.get("endPosition")))
                 for s in doc.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
    assert got == sorted(utf16_crlf(t.text, piece) for piece, _code in NV_CODED)


def test_real_qualcoder_codebook(sqlite_project):
    """Reduced from gfchavez28/mixedmeasures, backend/tests/reference_data/
    qualcoder-3.8.2-codebook.qdc (a real QualCoder 3.8.2 export, with its BOM): categories as
    Codes with isCodable="false", a '/' in names (qualcode keeps '/' for paths: '-'),
    entities, a two-line description."""
    from qualcode.exchange.importing import import_file

    qdc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
        'xsi:schemaLocation="urn:QDA-XML:codebook:1.0 Codebook.xsd" origin="QualCoder" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<Codes>\n'
        '<Code guid="8162617f-e691-400b-aa13-c586dfaf7b89" name="Unsubstantive/Artifact" '
        'isCodable="true" color="#D8D8D8">\n<Description>Non-substantive content or transcript '
        'artifacts</Description>\n</Code>\n'
        '<Code guid="da298f4e-3d71-4df2-880d-4bd3ed264ee0" name="Ünïcøde &amp; &lt;angle&gt; '
        '&quot;quoted&quot; — 教师" isCodable="true" color="#81BEF7" />\n'
        '<Code guid="a07ea1c2-3f9d-4c62-ad0c-74f0880cf42f" name="Implementation Quality" '
        'isCodable="false">\n<Code guid="4d1ebd54-13f8-4da1-9a17-026e2aefc288" '
        'name="Curriculum fidelity" isCodable="true" color="#A3BEA5">\n<Description>Teacher '
        'follows the published sequence.\nSecond line, after a hard break.</Description>\n'
        '</Code>\n</Code>\n</Codes>\n</CodeBook>\n')
    report = import_file(sqlite_project, qdc.encode("utf-8-sig"), "Codebook-Ferncrest.qdc")
    assert report.counts["codes_created"] == 4
    codes = {n.path: n.code for n in code_tree(sqlite_project)}
    assert set(codes) == {"Unsubstantive-Artifact", 'Ünïcøde & <angle> "quoted" — 教师',
                          "Implementation Quality", "Implementation Quality / Curriculum fidelity"}
    assert codes["Implementation Quality / Curriculum fidelity"].description == (
        "Teacher follows the published sequence.\nSecond line, after a hard break.")
    assert codes["Unsubstantive-Artifact"].guid == "8162617f-e691-400b-aa13-c586dfaf7b89"
    again = import_file(sqlite_project, qdc.encode("utf-8-sig"), "again.qdc")
    assert again.counts == {"codes_created": 0, "codes_updated": 4}
