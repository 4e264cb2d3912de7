"""Relations, grounding quotes, memo links and sets of codes in a REFI-QDA project export
(``<Links>``, ``<Sets>`` of Project-mrt2019.xsd); ``refi_read._read_links`` reads them back.

* a relation -> ``<Link name="TYPE" direction="OneWay|Associative" originGUID=source code
  targetGUID=target code>``, its memo a ``<Note>`` referenced by a ``NoteRef`` in the link
  (its author the note's ``creatingUser``; every relation's author is also in the qualcode
  note, refi_extras.py, since a link has no ``creatingUser``);
* a grounding quote -> ``<Link name="grounds" direction="OneWay" originGUID=coding
  targetGUID=relation link>`` (REFI-QDA links join any two objects by GUID; other tools show
  it as a link, qualcode reads it back as evidence);
* a memo link -> ``<Link name="Memo link" direction="Associative" originGUID=note
  targetGUID=coding, code, source or note>``;
* a set of codes -> ``<Set>`` with ``MemberCode``s (sets of transcripts: the ``sets``
  attribute, written by refi_write).
"""

from __future__ import annotations

from sqlalchemy import select

from ..coding.code_sets import code_sets
from ..coding.relations import list_relations
from ..store.models import Code, Coding, Memo, MemoLink, Transcript
from ..store.project import Project
from .bundle import stable_guid

GROUNDS = "grounds"
MEMO_LINK = "Memo link"


def relation_notes(project: Project) -> list[tuple[str, str, str, str]]:
    """(note GUID, name, text, author) of each relation memo, written among the project's
    notes (the author as the note's ``creatingUser``: a ``<Link>`` has none)."""
    return [(stable_guid("relation-memo", r.guid), f"Memo on relation: {r.sentence()}", r.memo,
             r.author) for r in list_relations(project) if r.memo]


def write_links(E, root, project: Project) -> None:
    relations = list_relations(project)
    with project.reading() as s:
        code_guid = dict(s.execute(select(Code.id, Code.guid)).all())
        coding_guid = dict(s.execute(select(Coding.id, Coding.guid)).all())
        memo_guid = dict(s.execute(select(Memo.id, Memo.guid)).all())
        doc_guid = dict(s.execute(select(Transcript.id, Transcript.guid)).all())
        memo_links = list(s.scalars(select(MemoLink).order_by(MemoLink.id)))
    if not relations and not memo_links:
        return
    links = E(root, "Links")
    for r in relations:
        link = E(links, "Link", guid=r.guid, name=r.type,
                 direction="OneWay" if r.directed else "Associative",
                 originGUID=code_guid[r.source_id], targetGUID=code_guid[r.target_id])
        if r.memo:
            E(link, "NoteRef", targetGUID=stable_guid("relation-memo", r.guid))
    for r in relations:
        for cid in r.evidence:
            if coding_guid.get(cid):
                E(links, "Link", guid=stable_guid("grounds", r.guid, coding_guid[cid]),
                  name=GROUNDS, direction="OneWay", originGUID=coding_guid[cid],
                  targetGUID=r.guid)
    for ml in memo_links:
        target = (coding_guid.get(ml.coding_id) if ml.coding_id else
                  code_guid.get(ml.code_id) if ml.code_id else
                  doc_guid.get(ml.transcript_id) if ml.transcript_id else
                  memo_guid.get(ml.target_memo_id))
        if target and memo_guid.get(ml.memo_id):
            E(links, "Link", guid=stable_guid("memo-link", str(ml.id), memo_guid[ml.memo_id],
                                              target),
              name=MEMO_LINK, direction="Associative", originGUID=memo_guid[ml.memo_id],
              targetGUID=target)


def write_code_sets(E, sets_el_factory, project: Project) -> None:
    """``sets_el_factory()`` gives the ``<Sets>`` element (made on first use)."""
    with project.reading() as s:
        code_guid = dict(s.execute(select(Code.id, Code.guid)).all())
    for view in code_sets(project):
        el = E(sets_el_factory(), "Set", guid=view.guid, name=view.name)
        if view.description:
            E(el, "Description").text = view.description
        for cid in view.code_ids:
            E(el, "MemberCode", targetGUID=code_guid[cid])
