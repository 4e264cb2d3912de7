"""REFI-QDA <Links> and <Sets>: relations between codes with their grounding quotes, memo links
and sets of codes and of transcripts go out valid against the Project schema and come back
whole (qualcode -> .qdpx -> qualcode); links from other tools come in as what they are."""

from __future__ import annotations

import io
import zipfile

from qualcode.coding import code_sets as cs
from qualcode.coding import relations as rel
from qualcode.coding.codes import code_tree, find_code
from qualcode.coding.codings import all_codings, list_memos
from qualcode.coding.memos import create_memo, link_memo, memos_for
from qualcode.corpus.transcripts import list_transcripts, update_transcript
from qualcode.exchange.refi_read import import_qdpx
from qualcode.exchange.refi_write import export_qdpx
from qualcode.store.models import MemoLink
from qualcode.store.project import Project
from tests.test_refi_project import NS, g, qdpx, snapshot, validate

PUSH = "Authenticity / Push: change in the individual"
ENERGY = "Authenticity / Renewed energy and meaning"
MASTERY = "Mastery & trial / Mastery: bringing experience"


def links_snapshot(project) -> dict:
    tree = {n.code.id: n.path for n in code_tree(project)}
    codings = {c.id: (c.guid, tree[c.code_id], c.start, c.end) for c in all_codings(project)}
    relations = sorted((r.guid, r.source, r.target, r.type, r.directed, r.memo,
                        tuple(sorted(codings[c] for c in r.evidence)))
                       for r in rel.list_relations(project))
    with project.reading() as s:
        memo_guid = {m.id: m.guid for m in list_memos(project)}
        docs = {t.id: t.guid for t in list_transcripts(project)}
        links = sorted(repr((memo_guid[ml.memo_id],
                             codings[ml.coding_id] if ml.coding_id else None,
                             tree.get(ml.code_id), docs.get(ml.transcript_id),
                             memo_guid.get(ml.target_memo_id))) for ml in s.query(MemoLink))
    sets = sorted((v.guid, v.name, v.description, tuple(sorted(tree[c] for c in v.code_ids)))
                  for v in cs.code_sets(project))
    return {"relations": relations, "memo_links": links, "code_sets": sets}


def build(project) -> None:
    push, energy, mastery = (find_code(project, p).id for p in (PUSH, ENERGY, MASTERY))
    codings = all_codings(project)
    grounding = [c.id for c in codings if c.code_id == push][:3]
    rel.add_relation_type(project, "feeds")
    rel.add_relation(project, push, energy, rel.CONDITION_OF, evidence=grounding,
                     memo="Change inside <comes> first & then energy")
    rel.add_relation(project, energy, mastery, "feeds", directed=False)
    memo = create_memo(project, "Why push", "A memo on a quote", memo_type="theoretical")
    other = create_memo(project, "Second", "Refers to the first")
    link_memo(project, memo.id, "coding", grounding[0])
    link_memo(project, memo.id, "code", push)
    link_memo(project, other.id, "memo", memo.id)
    link_memo(project, other.id, "transcript", codings[0].transcript_id)
    cs.create_code_set(project, "Tension: authenticity", [push, energy],
                       description="The first tension")
    t = list_transcripts(project)[0]
    update_transcript(project, t.id, attributes={**(t.attributes or {}), "sets": "Wave 1"})


def test_round_trip_with_links_and_sets(demo_project, tmp_path):
    build(demo_project)
    data = export_qdpx(demo_project, "Model")
    doc = validate(data)
    links = doc.xpath("//q:Links/q:Link", namespaces={"q": NS})
    names = [link.get("name") for link in links]
    assert names.count("condition of") == 1 and names.count("feeds") == 1
    grounding = sum(r.weight for r in rel.list_relations(demo_project))
    assert grounding >= 2
    assert names.count("grounds") == grounding and names.count("Memo link") == 4
    assert {s.get("name") for s in doc.xpath("//q:Sets/q:Set", namespaces={"q": NS})} == {
        "Wave 1", "Tension: authenticity"}

    other = Project(tmp_path / "back.sqlite")
    try:
        report = import_qdpx(other, data, "model.qdpx")
        assert report.counts.get("relations") == 2 and report.counts.get("memo_links") == 4
        assert report.counts.get("relation_evidence") == grounding
        assert links_snapshot(other) == links_snapshot(demo_project)
        assert snapshot(other) == snapshot(demo_project)
        types = [t.name for t in rel.relation_types(other)]
        assert "feeds" in types
        # importing again adds nothing
        again = import_qdpx(other, data, "model.qdpx")
        assert not again.counts.get("relations") and not again.counts.get("memo_links")
        assert links_snapshot(other) == links_snapshot(demo_project)
    finally:
        other.close()


def test_links_from_another_tool_come_in_as_what_they_are(sqlite_project):
    text = "Ik ging weg. Daarna was ik vrij."
    a, b = 0, 12
    qde = f"""<Project xmlns="{NS}" name="a" origin="ATLAS.ti 23">
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
    <Note guid="{g(712)}" name="Link memo"><PlainTextContent>Why it is a cause.</PlainTextContent></Note>
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
    assert "Link memo" not in memos  # the link's note is the relation's memo
    contra = views[("Freedom", "Leaving", "contradicts")]
    assert not contra.directed
    assert any("bidirectional" in w for w in report.warnings)
    assert [v.name for v in cs.code_sets(p)] == ["Outcomes"]
    assert "1 link(s) between objects" in "\n".join(report.skipped)
    with zipfile.ZipFile(io.BytesIO(export_qdpx(p))) as z:
        assert b"is cause of" in z.read("project.qde")
