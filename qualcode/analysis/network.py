"""The network of codes and their relations, as data for the browser view and the SVG/PNG
export: nodes (codes sized by their number of codings, coloured as in the codebook; memos and
cases optional), edges (relations, labelled with their type, weighted by their evidence).

A view is a category and its neighbours to a chosen depth (breadth-first over the relations,
either direction), or every related code; filters (minimum evidence, relation types, a cap on
the number of nodes, strongest kept) keep a 150-code network readable.

Layout: the Fruchterman–Reingold force layout of networkx (``spring_layout``, fixed seed, so the
same network is drawn the same way every time), with the positions the researcher dragged kept
fixed; scaled into a 0–1000 box.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..coding.codes import code_tree
from ..coding.relations import RelationView, list_relations
from ..store.models import Coding, Memo, MemoLink, Transcript
from ..store.project import Project

BOX = 1000.0
MARGIN = 60.0


@dataclass
class Node:
    id: str  # "code:12" | "memo:3" | "case:4"
    kind: str  # code | memo | case
    label: str
    path: str
    color: str
    count: int  # codings of a code; 0 for memos and cases
    x: float = 0.0
    y: float = 0.0
    pinned: bool = False  # a position the researcher dragged

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "label": self.label, "path": self.path,
                "color": self.color, "count": self.count, "x": round(self.x, 1),
                "y": round(self.y, 1), "pinned": self.pinned}


@dataclass
class Edge:
    id: str  # "rel:5" | "memo:3:code:12" | "case:4:code:12"
    source: str
    target: str
    label: str
    directed: bool
    weight: int
    kind: str = "relation"  # relation | memo | case
    relation_id: int | None = None
    memo: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "target": self.target,
                "label": self.label, "directed": self.directed, "weight": self.weight,
                "kind": self.kind, "relation": self.relation_id, "memo": self.memo}


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    center: str | None = None
    depth: int | None = None
    hidden: int = 0  # codes left out by the filters
    relations: dict[int, RelationView] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        return {"nodes": [n.as_dict() for n in self.nodes],
                "edges": [e.as_dict() for e in self.edges], "center": self.center,
                "depth": self.depth, "hidden": self.hidden, "box": BOX}


def code_counts(project: Project, coder: str | None = None) -> dict[int, int]:
    """Codings per code (of one coder when given)."""
    with project.reading() as s:
        q = select(Coding.code_id, func.count()).group_by(Coding.code_id)
        if coder is not None:
            q = q.where(Coding.coder == coder)
        return dict(s.execute(q).all())


def neighbourhood(relations: list[RelationView], center: int, depth: int) -> dict[int, int]:
    """Code id -> distance from ``center`` over the relations (either direction), up to
    ``depth``."""
    adjacent: dict[int, set[int]] = {}
    for r in relations:
        adjacent.setdefault(r.source_id, set()).add(r.target_id)
        adjacent.setdefault(r.target_id, set()).add(r.source_id)
    seen = {center: 0}
    queue = deque([center])
    while queue:
        node = queue.popleft()
        if seen[node] >= depth:
            continue
        for nxt in sorted(adjacent.get(node, ())):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return seen


def build_network(project: Project, *, around: int | None = None, depth: int = 1,
                  min_weight: int = 0, types=None, max_nodes: int | None = None,
                  memos: bool = False, cases: bool = False, all_codes: bool = False,
                  code_set: int | None = None, positions: dict | None = None,
                  relations: list[RelationView] | None = None,
                  viewer: str | None = None) -> Network:
    """The network to draw; see the module text. ``positions``: saved ``{node id: [x, y]}``;
    ``code_set``: only the codes of that set of codes (``coding.code_sets``); ``viewer``:
    who looks (under blind coding, sizes and weights count only their own codings)."""
    from ..coding.relations import for_viewer
    from ..store.settings import visible_coder

    nodes_by_code = {n.code.id: n for n in code_tree(project)}
    rels = relations if relations is not None else list_relations(project)
    rels = for_viewer(project, rels, viewer)
    rels = [r for r in rels if r.weight >= min_weight and (not types or r.type in types)]
    if code_set is not None:
        from ..coding.code_sets import code_sets

        members = next((set(v.code_ids) for v in code_sets(project) if v.id == code_set), set())
        rels = [r for r in rels if r.source_id in members and r.target_id in members]
    if around is not None:
        dist = neighbourhood(rels, around, depth)
        keep = set(dist)
    else:
        dist = {}
        keep = {r.source_id for r in rels} | {r.target_id for r in rels}
        if all_codes:
            keep = set(nodes_by_code)
    if code_set is not None:
        keep = (keep | (members if all_codes else set())) & members
    keep &= set(nodes_by_code)
    own = visible_coder(project, viewer)
    counts = code_counts(project, own)
    hidden = 0
    if max_nodes and len(keep) > max_nodes:
        strength: dict[int, int] = {}
        for r in rels:
            for c in (r.source_id, r.target_id):
                strength[c] = strength.get(c, 0) + r.weight + 1
        ranked = sorted(keep, key=lambda c: (dist.get(c, 0), -strength.get(c, 0),
                                             -counts.get(c, 0), nodes_by_code[c].path))
        hidden = len(keep) - max_nodes
        keep = set(ranked[:max_nodes])
    order = [cid for cid in nodes_by_code if cid in keep]
    nodes = [Node(f"code:{cid}", "code", nodes_by_code[cid].code.name, nodes_by_code[cid].path,
                  nodes_by_code[cid].code.color, counts.get(cid, 0)) for cid in order]
    edges = [Edge(f"rel:{r.id}", f"code:{r.source_id}", f"code:{r.target_id}", r.type,
                  r.directed, r.weight, "relation", r.id, r.memo)
             for r in rels if r.source_id in keep and r.target_id in keep]
    if memos and keep:
        _add_memos(project, keep, nodes, edges)
    if cases and keep:
        _add_cases(project, keep, nodes, edges, own)
    net = Network(nodes, edges, f"code:{around}" if around is not None else None,
                  depth if around is not None else None, hidden,
                  {r.id: r for r in rels if r.source_id in keep and r.target_id in keep})
    layout(net, positions or {})
    return net


def _add_memos(project: Project, keep: set[int], nodes: list, edges: list) -> None:
    with project.reading() as s:
        pairs = set(s.execute(select(Memo.id, Memo.code_id).where(Memo.code_id.in_(keep))).all())
        pairs |= set(s.execute(select(MemoLink.memo_id, MemoLink.code_id)
                               .where(MemoLink.code_id.in_(keep))).all())
        titles = dict(s.execute(select(Memo.id, Memo.title)
                                .where(Memo.id.in_({m for m, _ in pairs}))).all())
    for mid in sorted(titles):
        nodes.append(Node(f"memo:{mid}", "memo", titles[mid], titles[mid], "#eeeeee", 0))
    for mid, cid in sorted(pairs):
        edges.append(Edge(f"memo:{mid}:code:{cid}", f"memo:{mid}", f"code:{cid}", "memo",
                          False, 0, "memo"))


def _add_cases(project: Project, keep: set[int], nodes: list, edges: list,
               coder: str | None = None) -> None:
    with project.reading() as s:
        q = (select(Coding.transcript_id, Coding.code_id, func.count())
             .where(Coding.code_id.in_(keep)).group_by(Coding.transcript_id, Coding.code_id))
        if coder is not None:
            q = q.where(Coding.coder == coder)
        rows = s.execute(q).all()
        names = dict(s.execute(select(Transcript.id, Transcript.name)
                               .where(Transcript.id.in_({t for t, _c, _n in rows}))).all())
    for tid in sorted(names):
        nodes.append(Node(f"case:{tid}", "case", names[tid], names[tid], "#cfd8dc", 0))
    for tid, cid, n in sorted(rows):
        edges.append(Edge(f"case:{tid}:code:{cid}", f"case:{tid}", f"code:{cid}", "case",
                          False, int(n), "case"))


def layout(net: Network, positions: dict) -> None:
    """Place the nodes (see the module text); saved positions stay where they were put."""
    import networkx as nx

    if not net.nodes:
        return
    pinned = {n.id: positions[n.id] for n in net.nodes if n.id in positions}
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in net.nodes)
    for e in net.edges:
        graph.add_edge(e.source, e.target)
    span = BOX - 2 * MARGIN
    if len(pinned) == len(net.nodes):
        pos = {k: ((v[0] - MARGIN) / span * 2 - 1, (v[1] - MARGIN) / span * 2 - 1)
               for k, v in pinned.items()}
    else:
        start = {k: ((v[0] - MARGIN) / span * 2 - 1, (v[1] - MARGIN) / span * 2 - 1)
                 for k, v in pinned.items()}
        if net.center in graph and net.center not in start:
            start[net.center] = (0.0, 0.0)
        fixed = list(start) or None
        k = 2.0 / max(len(net.nodes), 1) ** 0.5
        pos = nx.spring_layout(graph, k=k, pos=start or None, fixed=fixed, seed=7,
                               iterations=50, center=(0, 0), scale=1.0 if not fixed else None)
        if not fixed:  # scale the free layout into the box
            xs = [p[0] for p in pos.values()]
            ys = [p[1] for p in pos.values()]
            w = max(max(xs) - min(xs), 1e-9)
            h = max(max(ys) - min(ys), 1e-9)
            pos = {k: ((p[0] - min(xs)) / w * 2 - 1 if w > 1e-6 else 0.0,
                       (p[1] - min(ys)) / h * 2 - 1 if h > 1e-6 else 0.0)
                   for k, p in pos.items()}
    for node in net.nodes:
        if node.id in pinned:
            node.x, node.y = float(pinned[node.id][0]), float(pinned[node.id][1])
            node.pinned = True
        else:
            px, py = pos[node.id]
            node.x = min(max(MARGIN + (float(px) + 1) / 2 * span, 0.0), BOX)
            node.y = min(max(MARGIN + (float(py) + 1) / 2 * span, 0.0), BOX)


def detail(project: Project, item: str | None, *, viewer: str | None = None,
           limit: int = 20) -> dict | None:
    """What the network view shows for a clicked node or edge: a code's quotes, a relation's
    memo and evidence, a memo's text, a case's codes. Plain text for the page (data only);
    ``viewer``: under blind coding only their own codings."""
    from ..coding.quotes import quote_rows
    from ..coding.relations import get_relation
    from ..errors import NotFound

    if not item:
        return None
    kind, _, rest = item.partition(":")
    try:
        ident = int(rest.split(":")[0])
    except ValueError:
        return None

    def items(rows) -> tuple[list[dict], int]:
        shown = [{"quote": " ".join(r.quote.split()), "where": f"{r.code} · {r.location}"}
                 for r in rows[:limit]]
        return shown, max(len(rows) - limit, 0)

    try:
        if kind == "code":
            rows = quote_rows(project, code_ids={ident}, viewer=viewer)
            paths = {n.code.id: n.path for n in code_tree(project)}
            if ident not in paths:
                return None
            shown, more = items(rows)
            return {"title": f"{paths[ident]} — {len(rows)} quote(s)", "items": shown,
                    "more": more, "empty": "No quotes coded yet."}
        if kind == "rel":
            from ..coding.relations import for_viewer

            rel = for_viewer(project, [get_relation(project, ident)], viewer)[0]
            rows = quote_rows(project, coding_ids=set(rel.evidence), viewer=viewer) \
                if rel.evidence else []
            shown, more = items(rows)
            return {"title": f"{rel.sentence()} — {len(rows)} grounding quote(s)",
                    "memo": rel.memo, "items": shown, "more": more,
                    "empty": "No grounding quotes cited yet."}
        if kind == "memo":
            with project.reading() as s:
                memo = s.get(Memo, ident)
            if memo is None:
                return None
            return {"title": memo.title, "memo": memo.body, "items": [], "empty": ""}
        if kind == "case":
            rows = quote_rows(project, transcript_ids={ident}, viewer=viewer)
            shown, more = items(rows)
            title = rows[0].transcript if rows else f"case {ident}"
            return {"title": f"{title} — {len(rows)} quote(s)", "items": shown, "more": more,
                    "empty": "No quotes."}
    except NotFound:
        return None
    return None
