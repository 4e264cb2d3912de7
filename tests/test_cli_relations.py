"""The public command-line contract of issue 20: ``qualcode relations add``, ``qualcode
relations --json`` and ``qualcode network --svg/--png``, through ``qualcode.cli.main``."""

from __future__ import annotations

import json

from lxml import etree

from qualcode.cli import main
from qualcode.coding.codes import find_code
from qualcode.coding.codings import all_codings


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


PUSH = "Authenticity / Push: change in the individual"
ENERGY = "Authenticity / Renewed energy and meaning"
MASTERY = "Mastery & trial / Mastery: bringing experience"


def test_relations_add_and_json(capsys, demo_project):
    db = demo_project.url
    push = find_code(demo_project, PUSH).id
    evidence = [c.id for c in all_codings(demo_project) if c.code_id == push][:2]
    assert len(evidence) == 2
    code, out, err = run(capsys, "--db", db, "relations", "add", PUSH, ENERGY,
                         "--type", "condition of", "--memo", "Leaving renews energy",
                         "--evidence", *map(str, evidence))
    assert code == 0, err
    assert "condition of" in out and "2 quote(s)" in out
    code, out, err = run(capsys, "--db", db, "relations", "add", ENERGY, MASTERY,
                         "--type", "is associated with", "--undirected")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "relations", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == [
        {"source": PUSH, "target": ENERGY, "type": "condition of", "directed": True,
         "memo": "Leaving renews energy", "evidence": 2},
        {"source": ENERGY, "target": MASTERY, "type": "is associated with", "directed": False,
         "memo": "", "evidence": 0},
    ]
    # a clear error, nothing stored: unknown type, unknown code, duplicate
    code, _out, err = run(capsys, "--db", db, "relations", "add", PUSH, ENERGY,
                          "--type", "causes sometimes")
    assert code == 2 and "no relation type 'causes sometimes'" in err and "condition of" in err
    code, _out, err = run(capsys, "--db", db, "relations", "add", "Nope", ENERGY,
                          "--type", "condition of")
    assert code == 2 and "no code 'Nope'" in err
    code, _out, err = run(capsys, "--db", db, "relations", "add", PUSH, ENERGY,
                          "--type", "condition of")
    assert code == 2 and "already have this relation" in err
    assert len(json.loads(run(capsys, "--db", db, "relations", "--json")[1])) == 2
    code, out, _ = run(capsys, "--db", db, "relations", "paradigm", ENERGY, "--json")
    assert json.loads(out)["conditions"] == [{"code": PUSH, "type": "condition of",
                                              "evidence": 2}]


def test_network_svg_and_png(capsys, demo_project, tmp_path):
    db = demo_project.url
    for a, b, t in ((PUSH, ENERGY, "condition of"), (ENERGY, MASTERY, "consequence of"),
                    (MASTERY, "Old & new context", "is part of")):
        assert run(capsys, "--db", db, "relations", "add", a, b, "--type", t)[0] == 0
    svg, png = tmp_path / "net.svg", tmp_path / "net.png"
    code, out, err = run(capsys, "--db", db, "network", "--svg", str(svg), "--png", str(png))
    assert code == 0, err
    assert "4 node(s), 3 edge(s)" in out
    tree = etree.fromstring(svg.read_bytes())
    texts = " ".join(t.xpath("string()") for t in tree.iter("{http://www.w3.org/2000/svg}text"))
    assert "Push: change in the individual" in texts and "consequence of" in texts
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = run(capsys, "--db", db, "network", "--svg", str(svg),
                         "--around", ENERGY, "--depth", "1")
    assert code == 0, err
    assert "3 node(s), 2 edge(s)" in out
    texts = " ".join(t.xpath("string()") for t in
                     etree.fromstring(svg.read_bytes()).iter("{http://www.w3.org/2000/svg}text"))
    assert "Old &amp; new context" not in texts and "Old & new context" not in texts
    code, _out, err = run(capsys, "--db", db, "network")
    assert code == 2 and "--svg" in err
