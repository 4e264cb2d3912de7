"""Network views as REFI-QDA ``<Graphs>``, and what the Project schema (Project-mrt2019.xsd)
has no place for, kept in one note that qualcode writes and reads back.

* a saved network view -> ``<Graph name=VIEW>`` with a ``<Vertex>`` per node the view shows
  (``representedGUID``: the code's GUID; for a memo node the memo's note, for an interview node
  its source; ``firstX``/``firstY``: the node's place in the view's 0–1000 box, rounded to
  whole numbers as the schema wants) and an ``<Edge>`` per line it draws (for a relation,
  ``representedGUID`` is the relation's ``<Link>``);
* the qualcode note -> ``<Note name="qualcode: project data">`` with JSON in its
  ``PlainTextContent``: the list of relation types (names in their order, unused ones too),
  the relations' authors and creation times (a ``<Link>`` has neither), the memo types, the
  core category and its storyline memo, and per network view its centre, depth, options and
  the places the researcher dragged nodes to (exact, where the graph has whole numbers). Other
  tools show it as an ordinary note; qualcode reads it on import and makes no memo of it.

On import, a graph with the qualcode note's entry becomes that view again; a graph from another
tool becomes a view of all related codes with its vertices' places (scaled into the box when
they lie outside it); its edges are not read (a view draws the project's relations).
"""

from __future__ import annotations

import json
import math

from sqlalchemy import select

from ..coding.network_views import BOX
from ..store.clean import clean, clean_value
from ..store.models import (Code, CodeRelation, CodeSet, CoreCategory, Memo, NetworkView,
                            RelationType, Transcript)
from ..store.project import Project
from .bundle import norm_color, norm_guid, stable_guid
from .bundle_links import BNetworkView
from .refi_archive import children, first_child

NOTE_NAME = "qualcode: project data"
NOTE_GUID = stable_guid("qualcode-note", "project data")
VERSION = 1
ABOUT = ("Written by qualcode: what the REFI-QDA project schema has no place for (relation "
         "types, relation authors and times, memo types, core category, network view "
         "settings). qualcode reads it back on import; other tools can ignore it.")
KINDS = ("code", "memo", "case")
SHAPES = {"code": "Oval", "memo": "Note", "case": "Rectangle"}
MARGIN = 60.0  # as qualcode.analysis.network lays views out


def graph_guid(name: str) -> str:
    return stable_guid("network-view", name)


def _guids(s) -> dict[str, dict[int, str]]:
    """Node kind -> {id: GUID in the file}; interview nodes are transcripts."""
    return {"code": dict(s.execute(select(Code.id, Code.guid)).all()),
            "memo": dict(s.execute(select(Memo.id, Memo.guid)).all()),
            "case": dict(s.execute(select(Transcript.id, Transcript.guid)).all())}


def _ref(node_id: str, guids: dict) -> str | None:
    """"code:12" -> "code:<its GUID>" (None for a node the project no longer has)."""
    kind, _, num = str(node_id).partition(":")
    try:
        guid = guids.get(kind, {}).get(int(num))
    except ValueError:
        return None
    return f"{kind}:{guid}" if guid else None


def project_data(project: Project) -> dict | None:
    """The qualcode note's JSON (None when there is nothing to keep)."""
    with project.reading() as s:
        guids = _guids(s)
        types = list(s.scalars(select(RelationType.name).order_by(RelationType.position,
                                                                  RelationType.id)))
        made = list(s.execute(select(CodeRelation.guid, CodeRelation.author,
                                     CodeRelation.created_at)))
        memo_types = {g: t for g, t in s.execute(select(Memo.guid, Memo.memo_type))
                      if g and t}
        core = s.scalar(select(CoreCategory).order_by(CoreCategory.id).limit(1))
        views = list(s.scalars(select(NetworkView).order_by(NetworkView.name)))
        set_guid = dict(s.execute(select(CodeSet.id, CodeSet.guid)).all())
    data: dict = {}
    if types:
        data["relation_types"] = types
    authors = {g: a for g, a, _t in made if g and a}
    if authors:
        data["relation_authors"] = authors
    times = {g: t.isoformat() + "Z" for g, _a, t in made if g and t}
    if times:
        data["relation_times"] = times
    if memo_types:
        data["memo_types"] = memo_types
    if core is not None and (core.code_id or core.memo_id):
        data["core_category"] = {"code": guids["code"].get(core.code_id),
                                 "storyline": guids["memo"].get(core.memo_id)}
    out_views = []
    for v in views:
        options = dict(v.options or {})
        if "code_set" in options:
            guid = set_guid.get(options["code_set"])
            if guid:
                options["code_set"] = guid
            else:
                options.pop("code_set")
        positions = {ref: list(xy) for key, xy in (v.positions or {}).items()
                     if (ref := _ref(key, guids))}
        out_views.append({"graph": graph_guid(v.name), "name": v.name,
                          "center": guids["code"].get(v.center_id), "depth": v.depth,
                          "options": options, "positions": positions})
    if out_views:
        data["network_views"] = out_views
    if not data:
        return None
    return {"qualcode": VERSION, "about": ABOUT, **data}


def write_note(E, notes_el, data: dict) -> None:
    note = E(notes_el, "Note", guid=NOTE_GUID, name=NOTE_NAME)
    E(note, "PlainTextContent").text = json.dumps(clean_value(data), ensure_ascii=False,
                                                  indent=1, sort_keys=True)


def write_graphs(E, root, project: Project) -> None:
    """A ``<Graph>`` per saved network view (see the module text)."""
    from ..analysis.network import build_network
    from ..coding.network_views import OPTION_KEYS

    with project.reading() as s:
        views = list(s.scalars(select(NetworkView).order_by(NetworkView.name)))
        guids = _guids(s)
    if not views:
        return
    graphs = E(root, "Graphs")
    for v in views:
        options = {k: val for k, val in (v.options or {}).items() if k in OPTION_KEYS}
        net = build_network(project, around=v.center_id, depth=v.depth,
                            positions=v.positions or {}, **options)
        gguid = graph_guid(v.name)
        graph = E(graphs, "Graph", guid=gguid, name=clean(v.name))
        vertex = {}
        for node in net.nodes:
            ref = _ref(node.id, guids)
            if ref is None:
                continue
            vertex[node.id] = stable_guid("graph-vertex", gguid, ref)
            color = (norm_color(node.color) or "").upper() or None
            E(graph, "Vertex", guid=vertex[node.id], representedGUID=ref.partition(":")[2],
              name=clean(node.label), firstX=str(int(round(node.x))),
              firstY=str(int(round(node.y))), shape=SHAPES.get(node.kind), color=color)
        for edge in net.edges:
            if edge.source not in vertex or edge.target not in vertex:
                continue
            rel = net.relations.get(edge.relation_id) if edge.relation_id else None
            represented = rel.guid if rel is not None and rel.guid else None
            E(graph, "Edge",
              guid=stable_guid("graph-edge", gguid, represented
                               or f"{vertex[edge.source]}:{vertex[edge.target]}"),
              representedGUID=represented, name=clean(edge.label),
              sourceVertex=vertex[edge.source], targetVertex=vertex[edge.target],
              direction="OneWay" if edge.directed else "Associative")


# ---------------------------------------------------------------- import

def find_note(notes: dict, note_text, warnings: list) -> tuple[str | None, dict]:
    """The qualcode note among the file's notes: (its GUID, its data); (None, {}) when there is
    none. A note with its name whose text is not qualcode's JSON stays an ordinary note (the
    first one that is, is read)."""
    found: tuple[str | None, dict] = (None, {})
    for g, n in notes.items():
        if (n.get("name") or "").strip() != NOTE_NAME:
            continue
        try:
            data = json.loads(note_text(g))
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("qualcode"):
            found = found if found[0] else (g, data)
        else:
            warnings.append(f"the note '{NOTE_NAME}' ({g}) does not hold qualcode's data; "
                            "read as a note")
    return found


def guid_in(value) -> str | None:
    """A GUID from the note's JSON (anything else: None)."""
    return norm_guid(value) if isinstance(value, str) else None


def _options(value) -> dict:
    """A view's options from the note, each of the type qualcode.analysis.network expects
    (others left out); the set of codes stays the file's GUID (bundle_links maps it)."""
    out: dict = {}
    for key, val in (value.items() if isinstance(value, dict) else ()):
        if key in ("memos", "cases", "all_codes") and isinstance(val, bool):
            out[key] = val
        elif key in ("min_weight", "max_nodes") and isinstance(val, int) \
                and not isinstance(val, bool) and val >= 0:
            out[key] = val
        elif key == "types" and isinstance(val, list):
            out[key] = [str(t) for t in val if isinstance(t, str)]
        elif key == "code_set" and isinstance(val, str):
            out[key] = val
    return out


def _number(value) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _vertices(graph, resolve) -> tuple[list, int]:
    """(kind, key, x, y) of each vertex that stands for something imported, and how many do
    not. A vertex given as a rectangle (second corner too) stands at its centre."""
    out, lost = [], 0
    for v in children(graph, "Vertex"):
        found = resolve(norm_guid(v.get("representedGUID")))
        x, y = _number(v.get("firstX")), _number(v.get("firstY"))
        if found is None or x is None or y is None:
            lost += 1
            continue
        x2, y2 = _number(v.get("secondX")), _number(v.get("secondY"))
        if x2 is not None and y2 is not None:
            x, y = (x + x2) / 2, (y + y2) / 2
        out.append((*found, x, y))
    return out, lost


def _into_box(points: list) -> list:
    """Places from another tool, scaled into the view's 0–1000 box when they lie outside it
    (aspect kept)."""
    xs, ys = [p[2] for p in points], [p[3] for p in points]
    if min(xs) >= 0 and min(ys) >= 0 and max(xs) <= BOX and max(ys) <= BOX:
        return points
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    scale = (BOX - 2 * MARGIN) / span
    return [(k, key, MARGIN + (x - min(xs)) * scale, MARGIN + (y - min(ys)) * scale)
            for k, key, x, y in points]


def read_graphs(root, data: dict, code_keys: dict, notes: dict, docs: dict,
                report) -> list[BNetworkView]:
    """The network views of the file: those of the qualcode note (with their graph's places
    where they differ from the note's, as when another tool moved a node), then the other
    graphs."""

    def resolve(g):
        if g in code_keys:
            return "code", code_keys[g]
        if g in docs:
            return "case", g
        if g in notes:
            return "memo", g
        return None

    graphs = [(norm_guid(gr.get("guid")), gr) for gr in children(first_child(root, "Graphs"),
                                                                 "Graph")]
    out = []
    for view in data.get("network_views") or []:
        if not isinstance(view, dict):
            continue
        gg = guid_in(view.get("graph"))
        graph = next((gr for g, gr in graphs if g and g == gg), None)
        if graph is not None:
            graphs = [(g, gr) for g, gr in graphs if gr is not graph]
        placed = {(k, key): (x, y) for k, key, x, y in
                  (_vertices(graph, resolve)[0] if graph is not None else [])}
        positions = []
        refs = view.get("positions")
        for ref, xy in (refs.items() if isinstance(refs, dict) else ()):
            kind, _, guid = str(ref).partition(":")
            guid = norm_guid(guid)
            key = code_keys.get(guid) if kind == "code" else guid
            if kind not in KINDS or key is None or not isinstance(xy, (list, tuple)) \
                    or len(xy) != 2:
                continue
            x, y = _number(xy[0]), _number(xy[1])
            if x is None or y is None:
                continue
            there = placed.get((kind, key))
            if there is not None and (int(round(x)), int(round(y))) != there:
                x, y = there
            positions.append((kind, key, x, y))
        name = str(view.get("name") or (graph.get("name") if graph is not None else "")
                   or "Network view")
        center = code_keys.get(guid_in(view.get("center")))
        depth = view.get("depth")
        out.append(BNetworkView(name=name, center=center,
                                depth=depth if isinstance(depth, int) else 1,
                                options=_options(view.get("options")), positions=positions))
    for _g, graph in graphs:
        name = (graph.get("name") or "").strip() or "Network view"
        points, lost = _vertices(graph, resolve)
        if not points:
            report.skipped.append(f"graph '{name}': none of its {lost} vertex(es) stands for a "
                                  "code, note or text source that came in")
            continue
        out.append(BNetworkView(name=name, positions=_into_box(points)))
        report.came_in.append(f"graph '{name}': a network view of all related codes with the "
                              f"places of its {len(points)} node(s)"
                              + (f" ({lost} vertex(es) standing for nothing that came in left "
                                 "out)" if lost else ""))
    return out
