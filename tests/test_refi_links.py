"""REFI-QDA <Links>, <Sets> and <Graphs>: relations between codes with their grounding quotes
and authors, memo links, sets of codes and of transcripts, network views with their dragged
places, the list of relation types, memo types and the core category with its storyline go out
valid against the Project schema and come back whole (qualcode -> .qdpx -> qualcode); links
and graphs from other tools come in as what they are."""

from __future__ import annotations

import io
import zipfile

import json

from qualcode.coding import code_sets as cs
from qualcode.coding import network_views as nv
from qualcode.coding import paradigm
from qualcode.coding import relations as rel
from qualcode.coding.codes import code_tree, find_code
from qualcode.coding.codings import all_codings, list_memos
from qualcode.coding.memos import create_memo, link_memo, memos_for
from qualcode.corpus.transcripts import list_transcripts, update_transcript
from qualcode.exchange.refi_read import import_qdpx
from qualcode.exchange.refi_write import export_qdpx
from qualcode.exchange.refi_extras import NOTE_NAME
from qualcode.store.models import CodeRelation, Memo, MemoLink
from qualcode.store.project import Project
from tests.test_refi_project import NS, g, qdpx, snapshot, validate

PUSH = "Authenticity / Push: change in the individual"
ENERGY = "Authenticity / Renewed energy and meaning"
MASTERY = "Mastery & trial / Mastery: bringing experience"


def links_snapshot(project) -> dict:
    tree = {n.code.id: n.path for n in code_tree(project)}
    codings = {c.id: (c.guid, tree[c.code_id], c.start, c.end) for c in all_codings(project)}
    relations = sorted((r.guid, r.source, r.target, r.type, r.directed, r.memo, r.author,
                        tuple(sorted(codings[c] for c in r.evidence)))
                       for r in rel.list_relations(project))
    with project.reading() as s:
        memo_guid = {m.id: m.guid for m in list_memos(project)}
        docs = {t.id: t.guid for t in list_transcripts(project)}
        links = sorted(repr((memo_guid[ml.memo_id],
                             codings[ml.coding_id] if ml.coding_id else None,
                             tree.get(ml.code_id), docs.get(ml.transcript_id),
                             memo_guid.get(ml.target_memo_id))) for ml in s.query(MemoLink))
        memo_types = {m.guid: m.memo_type for m in s.query(Memo)}
        made = {r.guid: r.created_at for r in s.query(CodeRelation)}
    sets = sorted((v.guid, v.name, v.description, tuple(sorted(tree[c] for c in v.code_ids)))
                  for v in cs.code_sets(project))
    set_names = {v.id: v.name for v in cs.code_sets(project)}
    node = {"code": tree, "memo": memo_guid, "case": docs}

    def place(key):  # "code:12" -> ("code", its path); memos and interviews by GUID
        kind, _, num = key.partition(":")
        return kind, node[kind][int(num)]

    views = sorted((v.name, tree.get(v.center_id), v.depth,
                    repr(sorted({**v.options, **({"code_set": set_names[v.options["code_set"]]}
                                                 if "code_set" in v.options else {})}.items())),
                    repr(sorted((place(k), tuple(xy)) for k, xy in v.positions.items())))
                   for v in nv.list_views(project))
    core = paradigm.core_category(project)
    story = paradigm.storyline(project)
    return {"relations": relations, "memo_links": links, "code_sets": sets,
            "relation_types": [t.name for t in rel.relation_types(project)],
            "memo_types": memo_types, "network_views": views, "relations_made": made,
            "core": (core.guid if core else None, story.guid if story else None,
                     story.code_id and tree[story.code_id] if story else None)}


def build(project) -> None:
    push, energy, mastery = (find_code(project, p).id for p in (PUSH, ENERGY, MASTERY))
    codings = all_codings(project)
    grounding = [c.id for c in codings if c.code_id == push][:3]
    # the list of relation types: a renamed default, one added, one nobody uses
    rel.rename_relation_type(project, rel.PART_OF, "belongs to")
    rel.add_relation_type(project, "feeds")
    rel.add_relation_type(project, "nobody uses this")
    rel.add_relation(project, push, energy, rel.CONDITION_OF, evidence=grounding,
                     memo="Change inside <comes> first & then energy", author="Anna")
    rel.add_relation(project, energy, mastery, "feeds", directed=False, author="Bram")
    rel.add_relation(project, mastery, push, "belongs to")
    memo = create_memo(project, "Why push", "A memo on a quote", memo_type="theoretical")
    other = create_memo(project, "Second", "Refers to the first", memo_type="methodological")
    link_memo(project, memo.id, "coding", grounding[0])
    link_memo(project, memo.id, "code", push)
    link_memo(project, other.id, "memo", memo.id)
    link_memo(project, other.id, "transcript", codings[0].transcript_id)
    tension = cs.create_code_set(project, "Tension: authenticity", [push, energy, mastery],
                                 description="The first tension")
    t = list_transcripts(project)[0]
    update_transcript(project, t.id, attributes={**(t.attributes or {}), "sets": "Wave 1"})
    # selective coding: the core category and its storyline (a theoretical memo on it)
    paradigm.set_core_category(project, push)
    paradigm.set_storyline(project, "Change inside comes first.", author="Anna")
    # network views with places the researcher dragged nodes to (one decimal, as saved)
    model = nv.save_view(project, "Model", center_id=push, depth=2,
                         options={"memos": True, "cases": True, "min_weight": 0,
                                  "code_set": tension.id})
    nv.save_positions(project, model.id, {f"code:{push}": [123.4, 567.8],
                                          f"code:{energy}": [880, 90.5],
                                          f"memo:{memo.id}": [40.2, 960],
                                          f"case:{codings[0].transcript_id}": [500, 500]})
    every = nv.save_view(project, "All relations", options={"all_codes": False,
                                                            "types": ["feeds"]})
    nv.save_positions(project, every.id, {f"code:{mastery}": [0, 1000]})


def test_round_trip_with_links_and_sets(demo_project, tmp_path):
    build(demo_project)
    before = links_snapshot(demo_project)
    assert before["relation_types"][:2] == [rel.ASSOCIATED, "belongs to"]
    assert before["relation_types"][-2:] == ["feeds", "nobody uses this"]
    assert before["core"][2] == PUSH and len(before["network_views"]) == 2
    data = export_qdpx(demo_project, "Model")
    doc = validate(data)
    q = {"namespaces": {"q": NS}}
    links = doc.xpath("//q:Links/q:Link", **q)
    names = [link.get("name") for link in links]
    assert names.count("condition of") == 1 and names.count("feeds") == 1
    grounding = sum(r.weight for r in rel.list_relations(demo_project))
    assert grounding >= 2
    assert names.count("grounds") == grounding and names.count("Memo link") == 4
    assert {s.get("name") for s in doc.xpath("//q:Sets/q:Set", **q)} == {
        "Wave 1", "Tension: authenticity"}
    # the relation memo's note carries its author (a Link has no creatingUser)
    anna = doc.xpath("//q:Users/q:User[@name='Anna']/@guid", **q)
    memo_note = doc.xpath("//q:Note[starts-with(@name, 'Memo on relation')]", **q)
    assert len(anna) == 1 and [n.get("creatingUser") for n in memo_note] == anna
    # each saved view is a Graph: a Vertex per node at its (whole-number) place, an Edge per
    # relation standing for its Link
    graphs = {gr.get("name"): gr for gr in doc.xpath("//q:Graphs/q:Graph", **q)}
    assert set(graphs) == {"Model", "All relations"}
    codes = {n.path: n.code for n in code_tree(demo_project)}
    vertex = {v.get("representedGUID"): v for v in graphs["Model"].xpath("q:Vertex", **q)}
    assert (vertex[codes[PUSH].guid].get("firstX"), vertex[codes[PUSH].guid].get("firstY")) == (
        "123", "568")
    assert vertex[codes[PUSH].guid].get("shape") == "Oval"
    assert any(v.get("shape") == "Note" for v in vertex.values())
    assert any(v.get("shape") == "Rectangle" for v in vertex.values())  # an interview
    link_guids = {link.get("guid") for link in links}
    edges = graphs["Model"].xpath("q:Edge", **q)
    relation_edges = [e for e in edges if e.get("representedGUID")]
    assert len(relation_edges) == 3 and all(e.get("representedGUID") in link_guids
                                            for e in relation_edges)
    vertex_guids = {v.get("guid") for v in vertex.values()}
    assert all({e.get("sourceVertex"), e.get("targetVertex")} <= vertex_guids for e in edges)
    assert [e.get("name") for e in graphs["All relations"].xpath("q:Edge", **q)] == ["feeds"]
    # what the schema has no place for: one note, JSON
    extra = doc.xpath(f"//q:Note[@name='{NOTE_NAME}']/q:PlainTextContent", **q)
    assert len(extra) == 1
    extras = json.loads(extra[0].text)
    assert extras["relation_types"] == before["relation_types"]
    assert set(extras["relation_authors"].values()) == {"Anna", "Bram"}

    other = Project(tmp_path / "back.sqlite")
    try:
        report = import_qdpx(other, data, "model.qdpx")
        assert report.counts.get("relations") == 3 and report.counts.get("memo_links") == 4
        assert report.counts.get("relation_evidence") == grounding
        assert report.counts.get("network_views") == 2
        assert report.counts.get("core_category") == 1
        assert links_snapshot(other) == before
        assert snapshot(other) == snapshot(demo_project)
        assert NOTE_NAME not in {m.title for m in list_memos(other)}  # no memo of that note
        assert paradigm.storyline(other).memo_type == "theoretical"
        # importing again adds nothing
        again = import_qdpx(other, data, "model.qdpx")
        assert not again.counts.get("relations") and not again.counts.get("memo_links")
        assert not again.counts.get("network_views") and not again.counts.get("relation_types")
        assert not again.counts.get("core_category")
        assert links_snapshot(other) == before
        # and back out again: the same file content
        assert validate(export_qdpx(other, "Model")) is not None
        assert links_snapshot(other) == before
    finally:
        other.close()


def test_relation_types_join_a_project_that_has_its_own(demo_project, tmp_path):
    """Into a project with relations (or its own list), the file's types are added at the end;
    the project's own list stays."""
    build(demo_project)
    data = export_qdpx(demo_project, "Model")
    p = Project(tmp_path / "own.sqlite")
    try:
        rel.add_relation_type(p, "my own")
        import_qdpx(p, data, "model.qdpx")
        types = [t.name for t in rel.relation_types(p)]
        assert types[:len(rel.DEFAULT_TYPES) + 1] == [*rel.DEFAULT_TYPES, "my own"]
        assert types[len(rel.DEFAULT_TYPES) + 1:] == ["belongs to", "feeds", "nobody uses this"]
    finally:
        p.close()


def test_links_from_another_tool_come_in_as_what_they_are(sqlite_project):
    text = "Ik ging weg. Daarna was ik vrij."
    a, b = 0, 12
    qde = f"""<Project xmlns="{NS}" name="a" origin="ATLAS.ti 23">
  <Users><User guid="{g(740)}" name="Carla"/></Users>
  <CodeBook><Codes>
    <Code guid="{g(700)}" name="Leaving" isCodable="true"/>
    <Code guid="{g(701)}" name="Freedom" isCodable="true"/>
  </Codes></CodeBook>
  <Sources><TextSource guid="{g(702)}" name="doc" plainTextPath="internal://d.txt">
    <PlainTextSelection guid="{g(703)}" startPosition="{a}" endPosition="{b}">
      <Coding guid="{g(704)}"><CodeRef targetGUID="{g(700)}"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="{g(705)}" startPosition="13" endPosition="32">
      <Coding guid="{g(706)}"><CodeRef targetGUID="{g(701)}"/></Coding>
    </PlainTextSelection>
  </TextSource></Sources>
  <Notes>
    <Note guid="{g(710)}" name="Quote memo"><PlainTextContent>About leaving.</PlainTextContent></Note>
    <Note guid="{g(711)}" name="Code memo"><PlainTextContent>About freedom.</PlainTextContent></Note>
    <Note guid="{g(712)}" name="Link memo" creatingUser="{g(740)}"><PlainTextContent>Why it is a cause.</PlainTextContent></Note>
  </Notes>
  <Links>
    <Link guid="{g(720)}" name="Memo-Quotation Relation" direction="OneWay" originGUID="{g(710)}" targetGUID="{g(703)}"/>
    <Link guid="{g(721)}" name="Memo-Code" direction="OneWay" originGUID="{g(701)}" targetGUID="{g(711)}"/>
    <Link guid="{g(722)}" name="is cause of" direction="OneWay" originGUID="{g(700)}" targetGUID="{g(701)}">
      <NoteRef targetGUID="{g(712)}"/></Link>
    <Link guid="{g(723)}" name="contradicts" direction="Bidirectional" originGUID="{g(701)}" targetGUID="{g(700)}"/>
    <Link guid="{g(724)}" name="x" originGUID="{g(702)}" targetGUID="{g(705)}"/>
  </Links>
  <Sets><Set guid="{g(730)}" name="Outcomes"><MemberCode targetGUID="{g(701)}"/></Set></Sets>
  <Graphs>
    <Graph guid="{g(750)}" name="Netz">
      <Vertex guid="{g(751)}" representedGUID="{g(700)}" firstX="100" firstY="200" secondX="300" secondY="240"/>
      <Vertex guid="{g(752)}" representedGUID="{g(701)}" firstX="2100" firstY="1200"/>
      <Vertex guid="{g(753)}" representedGUID="{g(710)}" firstX="-100" firstY="600"/>
      <Vertex guid="{g(754)}" representedGUID="{g(799)}" firstX="0" firstY="0"/>
      <Edge guid="{g(755)}" representedGUID="{g(722)}" sourceVertex="{g(751)}" targetVertex="{g(752)}"/>
    </Graph>
    <Graph guid="{g(760)}" name="Pictures"><Vertex guid="{g(761)}" representedGUID="{g(798)}" firstX="1" firstY="2"/></Graph>
  </Graphs>
</Project>"""
    report = import_qdpx(sqlite_project, qdpx(qde, {"sources/d.txt": text.encode()}), "a.qdpx")
    p = sqlite_project
    codings = {c.code_id: c for c in all_codings(p)}
    leaving, freedom = find_code(p, "Leaving"), find_code(p, "Freedom")
    memos = {m.title: m for m in list_memos(p)}
    # the memo–quotation link: a memo linked to that coding (not folded into its memo)
    assert codings[leaving.id].memo == ""
    assert [m.memo.title for m in memos_for(p, "coding", codings[leaving.id].id)] == ["Quote memo"]
    assert [m.memo.title for m in memos_for(p, "code", freedom.id)] == ["Code memo"]
    views = {(r.source, r.target, r.type): r for r in rel.list_relations(p)}
    cause = views[("Leaving", "Freedom", "is cause of")]
    assert cause.directed and cause.memo == "Why it is a cause."
    assert cause.author == "Carla"  # the creator of the link's note
    assert "Link memo" not in memos  # the link's note is the relation's memo
    contra = views[("Freedom", "Leaving", "contradicts")]
    assert not contra.directed
    assert any("bidirectional" in w for w in report.warnings)
    assert [v.name for v in cs.code_sets(p)] == ["Outcomes"]
    assert "1 link(s) between objects" in "\n".join(report.skipped)
    # a graph: a view of all related codes with its vertices' places (a rectangle's centre),
    # scaled into the 0–1000 box; a vertex standing for nothing that came in is left out, a
    # graph of only such vertices is skipped
    (view,) = nv.list_views(p)
    assert view.name == "Netz" and view.center_id is None and view.options == {}
    memo = memos["Quote memo"]
    assert set(view.positions) == {f"code:{leaving.id}", f"code:{freedom.id}", f"memo:{memo.id}"}
    assert all(0 <= v <= 1000 for xy in view.positions.values() for v in xy)
    assert view.positions[f"code:{leaving.id}"][1] < view.positions[f"code:{freedom.id}"][1]
    assert view.positions[f"memo:{memo.id}"][0] == 60.0  # the leftmost, at the margin
    assert "graph 'Pictures'" in "\n".join(report.skipped)
    with zipfile.ZipFile(io.BytesIO(export_qdpx(p))) as z:
        assert b"is cause of" in z.read("project.qde")


def test_a_hand_edited_qualcode_note_is_read_as_far_as_it_makes_sense(sqlite_project):
    """Values of the wrong kind in the note are left out, never a crash; a note with the name
    but not qualcode's JSON stays an ordinary note."""
    text = "Ik ging weg. Daarna was ik vrij."
    data = {"qualcode": 1, "relation_types": ["leads to", 3, None],
            "relation_authors": {g(722): {"x": 1}}, "memo_types": {g(710): "nonsense"},
            "core_category": {"code": 5, "storyline": [g(710)]},
            "network_views": ["x", {"name": "V", "depth": "deep", "center": 7,
                                    "options": {"min_weight": "many", "memos": "yes",
                                                "max_nodes": 5, "types": "feeds",
                                                "colour": "red"},
                                    "positions": {f"code:{g(700)}": [1, "a"],
                                                  f"code:{g(701)}": [10, 20],
                                                  "nonsense": [1, 2]}}]}
    qde = f"""<Project xmlns="{NS}" name="a" origin="qualcode">
  <CodeBook><Codes>
    <Code guid="{g(700)}" name="Leaving" isCodable="true"/>
    <Code guid="{g(701)}" name="Freedom" isCodable="true"/>
  </Codes></CodeBook>
  <Sources><TextSource guid="{g(702)}" name="doc" plainTextPath="internal://d.txt"/></Sources>
  <Notes>
    <Note guid="{g(710)}" name="Memo"><PlainTextContent>A memo.</PlainTextContent></Note>
    <Note guid="{g(711)}" name="{NOTE_NAME}"><PlainTextContent>{json.dumps(data)}</PlainTextContent></Note>
    <Note guid="{g(712)}" name="{NOTE_NAME}"><PlainTextContent>not JSON</PlainTextContent></Note>
  </Notes>
  <Links>
    <Link guid="{g(722)}" name="leads to" direction="OneWay" originGUID="{g(700)}" targetGUID="{g(701)}"/>
  </Links>
</Project>"""
    report = import_qdpx(sqlite_project, qdpx(qde, {"sources/d.txt": text.encode()}), "a.qdpx")
    p = sqlite_project
    (r,) = rel.list_relations(p)
    assert (r.type, r.author) == ("leads to", "")
    assert [t.name for t in rel.relation_types(p)] == ["leads to"]
    memos = {m.title: m for m in list_memos(p)}
    assert memos["Memo"].memo_type is None
    assert set(memos) == {"Memo", NOTE_NAME}  # the one that is not qualcode's JSON
    assert any("does not hold qualcode's data" in w for w in report.warnings)
    assert paradigm.core_category(p) is None
    (view,) = nv.list_views(p)
    freedom = find_code(p, "Freedom")
    assert (view.name, view.center_id, view.depth) == ("V", None, 1)
    assert view.options == {"max_nodes": 5}
    assert view.positions == {f"code:{freedom.id}": [10.0, 20.0]}
