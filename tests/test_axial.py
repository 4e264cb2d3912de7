"""Grounding and candidate relations, the paradigm of a category, core category and storyline,
the network data (neighbourhood, filters, layout, saved views with positions)."""

from __future__ import annotations

import pytest

from qualcode.analysis.network import build_network, neighbourhood
from qualcode.analysis.relation_candidates import candidate_relations
from qualcode.coding import codes as ops
from qualcode.coding import network_views as nv
from qualcode.coding import paradigm as par
from qualcode.coding import relations as rel
from qualcode.coding.codings import add_coding
from qualcode.corpus.transcripts import add_transcript
from qualcode.errors import ValidationError
from qualcode.ingest import read_document


def _interview(project, name, text):
    return add_transcript(project, read_document(f"{name}.txt", text.encode()), name)


@pytest.fixture
def three(sqlite_project):
    """Three interviews; A and B share a turn in all three, A and C in one, B and C in two."""
    p = sqlite_project
    a, b, c = (ops.create_code(p, n) for n in ("A", "B", "C"))
    text = "I: vraag een\nR: antwoord een twee drie\nI: vraag twee\nR: nog een antwoord hier\n"
    turn1 = text.index("antwoord een")
    turn2 = text.index("nog een")
    ids = {}
    for k, name in enumerate(("p1", "p2", "p3")):
        t = _interview(p, name, text + f"R: eind {name}\n")
        ids[name] = [add_coding(p, t.id, a.id, turn1, turn1 + 8).id,
                     add_coding(p, t.id, b.id, turn1 + 9, turn1 + 12).id]
        if k < 2:
            ids[name].append(add_coding(p, t.id, c.id, turn2, turn2 + 7).id)
            add_coding(p, t.id, b.id, turn2 + 8, turn2 + 10)
        if k == 0:
            add_coding(p, t.id, a.id, turn2 + 11, turn2 + 14)
    return p, a, b, c, ids


def test_candidates_come_from_turns_shared_in_k_interviews(three):
    p, a, b, c, ids = three
    found = {(x.source, x.target): x for x in candidate_relations(p, k=2)}
    assert set(found) == {("A", "B"), ("B", "C")}
    assert found[("A", "B")].interviews == 3 and found[("B", "C")].interviews == 2
    assert ids["p1"][0] in found[("A", "B")].codings
    assert {(x.source, x.target) for x in candidate_relations(p, k=1)} == {
        ("A", "B"), ("B", "C"), ("A", "C")}
    assert rel.list_relations(p) == []  # proposed only, never created
    rel.add_relation(p, b.id, a.id, rel.CAUSE_OF, evidence=found[("A", "B")].codings[:2])
    assert [(x.source, x.target) for x in candidate_relations(p, k=2)] == [("B", "C")]
    with pytest.raises(ValidationError):
        candidate_relations(p, k=0)


def test_paradigm_sorts_relations_into_conditions_actions_consequences(three):
    p, a, b, c, ids = three
    d, e, f = (ops.create_code(p, n) for n in ("D", "E", "F"))
    rel.add_relation(p, a.id, b.id, rel.CONDITION_OF, evidence=ids["p1"][:2])
    rel.add_relation(p, c.id, b.id, rel.ACTION_FOR, evidence=ids["p1"][2:])
    rel.add_relation(p, d.id, b.id, rel.CONSEQUENCE_OF)
    rel.add_relation(p, b.id, e.id, rel.CAUSE_OF)  # B causes E: a consequence
    rel.add_relation(p, f.id, b.id, rel.ASSOCIATED, directed=False)
    model = par.paradigm(p, b.id)
    assert model.phenomenon == "B"
    assert [(i.path, i.evidence) for i in model.conditions] == [("A", 2)]
    assert [i.path for i in model.actions] == ["C"]
    assert [i.path for i in model.consequences] == ["D", "E"]
    assert [i.path for i in model.other] == ["F"]


def test_core_category_and_storyline(three):
    p, a, b, _c, _ids = three
    assert par.core_category(p) is None and par.storyline(p) is None
    par.set_core_category(p, b.id)
    memo = par.set_storyline(p, "Senior employees move when the fit is lost…", author="R")
    assert par.core_category(p).id == b.id
    assert par.storyline(p).body.startswith("Senior employees") and memo.code_id == b.id
    par.set_core_category(p, a.id)
    assert par.storyline(p).code_id == a.id
    par.set_storyline(p, "Second version")
    assert par.storyline(p).id == memo.id and par.storyline(p).body == "Second version"


def test_network_neighbourhood_filters_and_saved_positions(three):
    p, a, b, c, ids = three
    d = ops.create_code(p, "D")
    r1 = rel.add_relation(p, a.id, b.id, rel.CONDITION_OF, evidence=ids["p1"][:2])
    rel.add_relation(p, b.id, c.id, rel.CAUSE_OF)
    rel.add_relation(p, c.id, d.id, rel.PART_OF)
    views = rel.list_relations(p)
    assert neighbourhood(views, a.id, 2) == {a.id: 0, b.id: 1, c.id: 2}
    net = build_network(p, around=a.id, depth=1)
    assert [n.label for n in net.nodes] == ["A", "B"] and len(net.edges) == 1
    assert net.edges[0].weight == 2 and net.edges[0].relation_id == r1.id
    full = build_network(p)
    assert len(full.nodes) == 4 and len(full.edges) == 3
    assert all(0 <= n.x <= 1000 and 0 <= n.y <= 1000 for n in full.nodes)
    again = build_network(p)
    assert [(n.x, n.y) for n in again.nodes] == [(n.x, n.y) for n in full.nodes]  # deterministic
    assert len(build_network(p, min_weight=1).nodes) == 2
    capped = build_network(p, max_nodes=2)
    assert len(capped.nodes) == 2 and capped.hidden == 2
    counts = {n.label: n.count for n in full.nodes}
    assert counts == {"A": 4, "B": 5, "C": 2, "D": 0}

    view = nv.save_view(p, "Conditions", center_id=a.id, depth=2, options={"min_weight": 0})
    nv.save_positions(p, view.id, {f"code:{a.id}": [123.4, 456.7]})
    nv.save_positions(p, view.id, {f"code:{b.id}": [5000, -3]})  # clamped into the box
    saved = nv.get_view(p, "Conditions")
    assert saved.positions == {f"code:{a.id}": [123.4, 456.7], f"code:{b.id}": [1000.0, 0.0]}
    net = build_network(p, around=saved.center_id, depth=saved.depth, positions=saved.positions)
    where = {n.label: (n.x, n.y, n.pinned) for n in net.nodes}
    assert where["A"] == (123.4, 456.7, True) and where["B"] == (1000.0, 0.0, True)
    assert where["C"][2] is False
    with pytest.raises(ValidationError):
        nv.save_positions(p, view.id, {"code:1": ["x", 2]})
    with pytest.raises(ValidationError):
        nv.save_view(p, "Bad", options={"colour": "red"})


def test_memos_and_cases_as_optional_nodes(three):
    from qualcode.coding.codings import add_memo

    p, a, b, _c, _ids = three
    rel.add_relation(p, a.id, b.id, rel.CONDITION_OF)
    add_memo(p, "On A", "text", code_id=a.id)
    net = build_network(p, memos=True, cases=True)
    kinds = sorted({n.kind for n in net.nodes})
    assert kinds == ["case", "code", "memo"]
    assert any(n.label == "On A" for n in net.nodes)
    assert {n.label for n in net.nodes if n.kind == "case"} == {"p1", "p2", "p3"}


def test_images_keep_hostile_names_as_text(sqlite_project):
    from lxml import etree

    from qualcode.export.network_image import network_png, network_svg

    p = sqlite_project
    evil = ops.create_code(p, "<script>alert(1)<script> & <img src=x>")
    other = ops.create_code(p, "Plain")
    rel.add_relation_type(p, "<b>leads</b> to")
    rel.add_relation(p, evil.id, other.id, "<b>leads</b> to")
    net = build_network(p, around=evil.id)
    tree = etree.fromstring(network_svg(net, title="<i>title</i>"))
    ns = "{http://www.w3.org/2000/svg}"
    assert not list(tree.iter(f"{ns}script")) and not list(tree.iter(f"{ns}img"))
    texts = [t.text for t in tree.iter(f"{ns}text")]
    assert "<script>alert(1)<script> & <img…" in texts  # cut to 32 characters, as text
    assert "<b>leads</b> to" in texts and "<i>title</i>" in texts
    assert network_png(net)[:4] == b"\x89PNG"


def test_network_of_a_set_of_codes(three):
    from qualcode.coding.code_sets import create_code_set

    p, a, b, c, _ids = three
    rel.add_relation(p, a.id, b.id, rel.CONDITION_OF)
    rel.add_relation(p, b.id, c.id, rel.CAUSE_OF)
    tension = create_code_set(p, "Tension", [a.id, b.id])
    net = build_network(p, code_set=tension.id)
    assert sorted(n.label for n in net.nodes) == ["A", "B"] and len(net.edges) == 1
    view = nv.save_view(p, "Tension view", options={"code_set": tension.id})
    assert nv.get_view(p, view.id).options == {"code_set": tension.id}


def test_blind_coding_counts_only_the_viewers_codings(sqlite_project):
    from qualcode.analysis.network import detail
    from qualcode.store.settings import set_blind_coding

    p = sqlite_project
    t = _interview(p, "p1", "R: een twee drie vier vijf zes\n")
    a, b = ops.create_code(p, "A"), ops.create_code(p, "B")
    mine = add_coding(p, t.id, a.id, 3, 6, coder="ann")
    theirs = add_coding(p, t.id, a.id, 7, 11, coder="bob")
    add_coding(p, t.id, b.id, 12, 16, coder="bob")
    r = rel.add_relation(p, a.id, b.id, rel.CONDITION_OF, evidence=[mine.id, theirs.id])
    set_blind_coding(p, True)
    net = build_network(p, viewer="ann")
    assert {n.label: n.count for n in net.nodes} == {"A": 1, "B": 0}
    assert net.edges[0].weight == 1
    assert par.paradigm(p, b.id, viewer="ann").conditions[0].evidence == 1
    assert "1 grounding quote(s)" in detail(p, f"rel:{r.id}", viewer="ann")["title"]
    everyone = build_network(p)  # no viewer: the command line, an admin
    assert everyone.edges[0].weight == 2
