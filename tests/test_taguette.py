"""Taguette: a database with Taguette's real schema, HTML documents with multibyte characters,
highlights as UTF-8 byte offsets of the HTML text nodes; its codebook CSV."""

from __future__ import annotations

import json
import sqlite3

import pytest

from qualcode.cli import main
from qualcode.coding.codes import code_tree
from qualcode.coding.codings import all_codings, list_memos
from qualcode.errors import ValidationError
from qualcode.exchange.taguette import import_taguette, import_taguette_codebook, split_tag
from qualcode.corpus.transcripts import list_transcripts

# Taguette 1.5's tables (taguette/database/models.py), as its migrations create them.
SCHEMA = """
CREATE TABLE users (login VARCHAR(30) NOT NULL PRIMARY KEY, created DATETIME NOT NULL,
  hashed_password VARCHAR(192), disabled BOOLEAN NOT NULL, password_set_date DATETIME,
  language VARCHAR(10), email VARCHAR(256) UNIQUE, email_sent DATETIME);
CREATE TABLE projects (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, name VARCHAR(200) NOT NULL,
  description TEXT NOT NULL, created DATETIME NOT NULL);
CREATE TABLE project_members (project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_login VARCHAR(30) NOT NULL REFERENCES users(login), privileges VARCHAR(8) NOT NULL,
  PRIMARY KEY (project_id, user_login));
CREATE TABLE documents (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, name VARCHAR(200) NOT NULL,
  description TEXT NOT NULL, filename VARCHAR(200) NOT NULL, created DATETIME NOT NULL,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  text_direction VARCHAR(13) NOT NULL, contents TEXT NOT NULL);
CREATE TABLE commands (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, date DATETIME NOT NULL,
  user_login VARCHAR(30) NOT NULL REFERENCES users(login), project_id INTEGER NOT NULL,
  document_id INTEGER, payload TEXT NOT NULL);
CREATE TABLE highlights (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, snippet TEXT NOT NULL);
CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  path VARCHAR(200) NOT NULL, description TEXT NOT NULL, UNIQUE (project_id, path));
CREATE TABLE highlight_tags (highlight_id INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE, PRIMARY KEY (highlight_id, tag_id));
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
"""

DOC1 = ("<p>Interviewer: Hoe voelt het werk nu? 😀</p>\n"
        "<p>P1: Ik voel me <strong>gewaardeerd</strong> &amp; zeker, ook na 30 jaar.</p>\n"
        "<p>P1: Mijn collega’s in Zürich zijn <em>geweldig</em>, écht&nbsp;waar.</p>")
DOC2 = "<h2>Tweede gesprek</h2><p>P2: Soms   twijfel\nik aan mijn rol 👩‍🔬.</p><ul><li>één</li><li>twee</li></ul>"

# (document, words, tags, user): highlight exactly these words
HIGHLIGHTS = [
    (1, "gewaardeerd</strong> &amp; zeker", ["gevoel.positief"], "anna"),
    (1, "collega’s in Zürich", ["gevoel.positief", "mensen"], "bram"),
    (1, "écht&nbsp;waar", ["gevoel"], "anna"),
    (2, "twijfel\nik aan mijn rol 👩‍🔬", ["gevoel.negatief"], "bram"),
    (2, "twee", ["mensen"], "anna"),
]
EXPECTED_WORDS = {
    "gewaardeerd</strong> &amp; zeker": "gewaardeerd & zeker",
    "collega’s in Zürich": "collega’s in Zürich",
    "écht&nbsp;waar": "écht\xa0waar",
    "twijfel\nik aan mijn rol 👩‍🔬": "twijfel ik aan mijn rol 👩‍🔬",
    "twee": "twee",
}


def text_nodes_bytes(html: str, upto: int) -> int:
    """UTF-8 bytes of the text nodes of html[:upto], tags not counted, entities as the
    characters they stand for (what Taguette counts; done here without an HTML parser)."""
    import html as htmllib
    import re

    return len(htmllib.unescape(re.sub(r"<[^>]*>", "", html[:upto])).encode("utf-8"))


def make_db(path, second_project: bool = False) -> None:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute("INSERT INTO users VALUES ('anna', '2024-01-01', NULL, 0, NULL, 'nl', NULL, NULL)")
    db.execute("INSERT INTO users VALUES ('bram', '2024-01-01', NULL, 0, NULL, 'nl', NULL, NULL)")
    db.execute("INSERT INTO projects VALUES (1, 'Werkbeleving', 'Een studie.', '2024-01-01')")
    if second_project:
        db.execute("INSERT INTO projects VALUES (2, 'Ander', '', '2024-01-01')")
    for did, html in ((1, DOC1), (2, DOC2)):
        db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, '2024-02-01 10:00:00', 1, "
                   "'LEFT_TO_RIGHT', ?)", (did, f"Interview {did}", "Pilot" if did == 1 else "",
                                           f"interview{did}.docx", html))
    tags = {}
    for path_ in ("gevoel", "gevoel.positief", "gevoel.negatief", "mensen"):
        cur = db.execute("INSERT INTO tags (project_id, path, description) VALUES (1, ?, ?)",
                         (path_, f"Beschrijving {path_}"))
        tags[path_] = cur.lastrowid
    for hid, (did, words, tag_paths, user) in enumerate(HIGHLIGHTS, 1):
        html = DOC1 if did == 1 else DOC2
        i = html.index(words)
        start = text_nodes_bytes(html, i)
        end = text_nodes_bytes(html, i + len(words))
        db.execute("INSERT INTO highlights VALUES (?, ?, ?, ?, ?)",
                   (hid, did, start, end, words))
        for t in tag_paths:
            db.execute("INSERT INTO highlight_tags VALUES (?, ?)", (hid, tags[t]))
        db.execute("INSERT INTO commands (date, user_login, project_id, document_id, payload) "
                   "VALUES ('2024-02-02', ?, 1, ?, ?)",
                   (user, did, json.dumps({"type": "highlight_add", "highlight_id": hid,
                                           "start_offset": start, "end_offset": end,
                                           "tags": []})))
    db.commit()
    db.close()


def test_taguette_highlights_land_on_the_intended_words(project, tmp_path):
    path = tmp_path / "taguette.sqlite3"
    make_db(path)
    report = import_taguette(project, path.read_bytes(), path.name)
    assert report.warnings == [] and report.skipped == []
    transcripts = {t.id: t for t in list_transcripts(project)}
    assert [t.name for t in transcripts.values()] == ["Interview 1", "Interview 2"]
    t1 = next(t for t in transcripts.values() if t.name == "Interview 1")
    assert t1.text.startswith("Interviewer: Hoe voelt het werk nu? 😀\n\nP1: Ik voel me gewaardeerd")
    paths = {n.code.id: n.path for n in code_tree(project)}
    assert set(paths.values()) == {"gevoel", "gevoel / positief", "gevoel / negatief", "mensen"}
    got = sorted((transcripts[c.transcript_id].text[c.start:c.end], paths[c.code_id], c.coder)
                 for c in all_codings(project))
    want = sorted((EXPECTED_WORDS[words], " / ".join(tag.split(".")), user)
                  for _did, words, tags, user in HIGHLIGHTS for tag in tags)
    assert got == want
    # read as characters, the byte offsets would have landed elsewhere
    html_chars = DOC1.index("collega’s")
    assert html_chars != text_nodes_bytes(DOC1, html_chars)
    memos = {m.title: m for m in list_memos(project)}
    assert memos["Description of Interview 1"].body == "Pilot"
    assert "Project description: Werkbeleving" in memos
    assert {n.code.description for n in code_tree(project) if n.path == "mensen"} == {
        "Beschrijving mensen"}


def test_a_database_with_several_projects_asks_which(sqlite_project, tmp_path, capsys):
    path = tmp_path / "multi.sqlite3"
    make_db(path, second_project=True)
    with pytest.raises(ValidationError, match="2 Taguette projects .*1: Werkbeleving; 2: Ander"):
        import_taguette(sqlite_project, path.read_bytes(), path.name)
    assert list_transcripts(sqlite_project) == []
    assert main(["--db", str(sqlite_project.url.split("///")[1]), "import", str(path),
                 "--taguette-project", "Werkbeleving"]) == 0
    assert "6 codings" in capsys.readouterr().out
    assert len(all_codings(sqlite_project)) == 6


def test_not_a_taguette_database(sqlite_project, tmp_path):
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE x (a)")
    db.commit()
    db.close()
    with pytest.raises(ValidationError, match="not a Taguette database"):
        import_taguette(sqlite_project, path.read_bytes(), path.name)


def test_taguette_codebook_csv(sqlite_project, tmp_path, capsys):
    csv_text = ("tag,description,number of highlights,number of documents\r\n"
                "gevoel,Alles over gevoel,3,2\r\n"
                "gevoel.positief,Blij,2,1\r\n"
                "Mr. Smith,Een naam met een punt,0,0\r\n")
    path = tmp_path / "codebook.csv"
    path.write_bytes(csv_text.encode("cp1252"))
    report = import_taguette_codebook(sqlite_project, path.read_bytes(), path.name)
    assert report.counts == {"codes_created": 3, "codes_updated": 0}
    assert {n.path for n in code_tree(sqlite_project)} == {"gevoel", "gevoel / positief",
                                                           "Mr. Smith"}
    # again through the CLI: updated, never duplicated
    db = sqlite_project.url.split("///")[1]
    assert main(["--db", db, "import", str(path)]) == 0
    assert "0 code(s) created, 3 updated" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValidationError, match="'tag'"):
        import_taguette_codebook(sqlite_project, bad.read_bytes(), bad.name)


def test_split_tag():
    assert split_tag("a.b.c", ".") == ["a", "b", "c"]
    assert split_tag("Mr. Smith", ".") == ["Mr. Smith"]
    assert split_tag("a..b", ".") == ["a..b"]
    assert split_tag("a.b", None) == ["a.b"]


# Taguette's own extract() (taguette 1.5.2 from PyPI, taguette/extract.py, BSD-3-Clause), run
# with BeautifulSoup + html5lib over these documents, gave these snippets for these byte spans
# (whitespace collapsed). qualcode must select the same text: spans across paragraphs, a <br>,
# entities, <pre>, a table, a start inside a 4-byte emoji (Taguette moves it to the next
# character) and inside a 3-byte CJK character. (Checked against 3,200 random spans while
# this was written; these are kept.)
TAGUETTE_DOCS = [
    "<p>Hello <b>world</b> &amp; caf\u00e9 \U0001F600 done.</p>\n<p>Second   paragraph\nwith a "
    "break<br>after it.</p>",
    "<h1>Title</h1><ul><li>one</li><li>two \U0001F469\u200d\U0001F52c</li></ul><table><tr><td>"
    "a</td><td>b c</td></tr></table><pre>\n  kept   spaces\nline</pre><p>end</p>",
    "<p>Interviewer: Wie geht\u2019s?</p>\r\n<p>P1: Gut &lt;sehr&gt; gut. \u00fc\u00f6\u00e4 "
    "\u4e2d\u6587</p>",
]
TAGUETTE_EXTRACTS = [
    (0, 8, 47, "rld & café 😀 done. Second paragra"),
    (0, 30, 68, "Second paragraph with a break after"),
    (0, 47, 67, "ph with a break after"),
    (0, 60, 71, "ak after it."),
    (0, 69, 70, "t"),
    (1, 0, 31, "Title one two 👩\u200d🔬 a b c ke"),
    (1, 12, 43, "👩\u200d🔬 a b c kept spaces"),
    (1, 16, 31, "\u200d🔬 a b c ke"),
    (1, 25, 46, "c kept spaces lin"),
    (1, 34, 50, "spaces line end"),
    (2, 9, 43, "er: Wie geht’s? P1: Gut <sehr> g"),
    (2, 14, 55, "ie geht’s? P1: Gut <sehr> gut. üöä 中"),
    (2, 24, 25, "s"),
    (2, 42, 45, "gut"),
    (2, 55, 57, ""),
]


@pytest.mark.parametrize("doc,start,end,snippet", TAGUETTE_EXTRACTS)
def test_byte_spans_select_what_taguette_extracts(doc, start, end, snippet):
    from qualcode.exchange.positions import canonical_with_map, html_text

    ht = html_text(TAGUETTE_DOCS[doc])
    text, mapping, _aligned = canonical_with_map(ht.text)
    s, e = ht.span(start, end)
    assert " ".join(text[mapping[s]:mapping[e]].split()) == snippet


def taguette_qdc(paths: list[str]) -> bytes:
    """A codebook as Taguette 1.5.2 writes it (taguette/export.py codebook_xml: tags flat,
    named by their path, GUID uuid5(TAGUETTE_NAMESPACE, path) in upper case, an empty
    <Sets/>)."""
    import uuid
    from xml.sax.saxutils import quoteattr

    ns = uuid.UUID("51B2B2B7-27EB-4ECB-9D56-E75B0A0496C2")
    codes = "".join(f"<Code guid={quoteattr(str(uuid.uuid5(ns, p)).upper())} "
                    f"name={quoteattr(p)} isCodable=\"true\"/>" for p in paths)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
            f'origin="Taguette 1.5.2"><Codes>{codes}</Codes><Sets/></CodeBook>').encode()


def test_taguette_codebook_qdc_matches_the_database_tags(sqlite_project, tmp_path):
    from qualcode.exchange.importing import import_file

    path = tmp_path / "taguette.sqlite3"
    make_db(path)
    import_taguette(sqlite_project, path.read_bytes(), path.name)
    before = {n.path: n.code.guid for n in code_tree(sqlite_project)}
    report = import_file(sqlite_project, taguette_qdc(
        ["gevoel", "gevoel.negatief", "gevoel.positief", "mensen", "nieuw.tag"]), "codebook.qdc")
    after = {n.path: n.code.guid for n in code_tree(sqlite_project)}
    # the same tags are the same codes (matched by Taguette's GUIDs), split as in the database
    assert {p: g for p, g in after.items() if p in before} == before
    assert set(after) - set(before) == {"nieuw", "nieuw / tag"}
    assert report.counts["codes_updated"] == 4
    assert any("empty <Sets/>" in w for w in report.warnings)


def test_tag_guids_are_those_of_a_real_taguette_codebook():
    """gfchavez28/mixedmeasures, backend/tests/reference_data/taguette-1.4.1-codebook.qdc: a
    real Taguette 1.4.1 export (flat names, upper-case GUIDs, an empty <Sets/>)."""
    from qualcode.exchange.taguette import tag_guid

    assert {p: tag_guid(p).upper() for p in ("interesting", "Scarcity", "public opinion")} == {
        "interesting": "0D62985D-B147-5D01-A9B5-CAE5DCD98342",
        "Scarcity": "6B108EE0-2DC3-5B43-9061-1330F75A6B9B",
        "public opinion": "B061A8C8-4FE7-5A79-9E1C-E50874232DA7"}
