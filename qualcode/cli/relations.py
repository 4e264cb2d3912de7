"""Axial coding on the command line: relations between codes, candidates, the paradigm of a
category, and the network as an SVG or PNG image."""

from __future__ import annotations

from pathlib import Path

from ..errors import ValidationError
from ..store.project import Project
from .common import print_json


def cmd_relations(project: Project, args) -> int:
    from ..coding import relations as rel
    from ..coding.codes import find_code

    action = getattr(args, "relations_action", None)
    if action == "add":
        source = find_code(project, args.source).id
        target = find_code(project, args.target).id
        r = rel.add_relation(project, source, target, args.type, directed=not args.undirected,
                             memo=args.memo or "", evidence=args.evidence or [],
                             author=project.user.name if project.user else "")
        view = rel.get_relation(project, r.id)
        if args.json:
            print_json(view.as_dict())
        else:
            print(f"related: {view.sentence()} ({view.weight} quote(s))")
        return 0
    if action == "types":
        if args.add:
            rel.add_relation_type(project, args.add)
        if args.rename:
            rel.rename_relation_type(project, args.rename[0], args.rename[1])
        if args.merge:
            n = rel.merge_relation_types(project, args.merge[0], args.merge[1])
            print(f"merged; {n} relation(s) retyped")
        names = [t.name for t in rel.relation_types(project)]
        print_json(names) if args.json else print("\n".join(names))
        return 0
    if action == "candidates":
        from ..analysis.relation_candidates import candidate_relations

        found = candidate_relations(project, k=args.k, unit=args.unit)
        if args.json:
            print_json([{"source": c.source, "target": c.target, "interviews": c.interviews,
                         "units": c.units} for c in found])
        else:
            for c in found:
                print(f"{c.source} ~ {c.target}: {c.interviews} interview(s), "
                      f"{c.units} {args.unit}(s)")
        return 0
    if action == "paradigm":
        from ..coding.paradigm import paradigm

        p = paradigm(project, find_code(project, args.code).id)
        if args.json:
            print_json({"phenomenon": p.phenomenon, **{
                name.lower(): [{"code": i.path, "type": i.type, "evidence": i.evidence}
                               for i in items] for name, items in p.groups()}})
        else:
            print(f"Phenomenon: {p.phenomenon}")
            for name, items in p.groups():
                print(f"{name}:")
                for i in items:
                    print(f"  {i.path} ({i.type}; {i.evidence} quote(s))")
        return 0
    views = rel.list_relations(project)
    if args.json:
        print_json([v.as_dict() for v in views])
    else:
        for v in views:
            print(f"{v.sentence()} ({v.weight} quote(s))")
    return 0


def cmd_network(project: Project, args) -> int:
    from ..analysis.network import build_network
    from ..coding.codes import find_code
    from ..coding.network_views import get_view
    from ..export.network_image import network_png, network_svg

    if not args.svg and not args.png:
        raise ValidationError("give --svg FILE or --png FILE")
    positions, around, depth, options = {}, None, args.depth, {}
    if args.view:
        view = get_view(project, args.view)
        positions, around, depth = view.positions or {}, view.center_id, view.depth
        options = dict(view.options or {})
    if args.around:
        around = find_code(project, args.around).id
    if args.min_weight is not None:
        options["min_weight"] = args.min_weight
    net = build_network(project, around=around, depth=depth, positions=positions, **options)
    title = None
    if around is not None:
        title = f"{next(n.path for n in net.nodes if n.id == f'code:{around}')} (depth {depth})"
    for path, render in ((args.svg, network_svg), (args.png, network_png)):
        if path:
            Path(path).write_bytes(render(net, title))
            print(f"wrote {path} ({len(net.nodes)} node(s), {len(net.edges)} edge(s))")
    return 0


def register(sub) -> None:
    p = sub.add_parser("relations", help="relations between codes (axial coding)")
    p.add_argument("--json", action="store_true", help="objects: source, target, type, "
                   "directed, memo, evidence (number of grounding codings)")
    p.set_defaults(func=cmd_relations)
    acts = p.add_subparsers(dest="relations_action")
    add = acts.add_parser("add", help="relate two codes")
    add.add_argument("source", metavar="SOURCE", help="code path")
    add.add_argument("target", metavar="TARGET", help="code path")
    add.add_argument("--type", required=True, help="a relation type of the project")
    add.add_argument("--undirected", action="store_true")
    add.add_argument("--memo", default="")
    add.add_argument("--evidence", nargs="*", type=int, default=[], metavar="CODING_ID",
                     help="ids of codings that ground the relation")
    add.add_argument("--json", action="store_true")
    types = acts.add_parser("types", help="the project's relation types")
    types.add_argument("--add", metavar="NAME")
    types.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"))
    types.add_argument("--merge", nargs=2, metavar=("SOURCE", "TARGET"))
    types.add_argument("--json", action="store_true")
    cand = acts.add_parser("candidates", help="code pairs sharing turns in k interviews, "
                           "not related yet")
    cand.add_argument("-k", type=int, default=2)
    cand.add_argument("--unit", default="turn", choices=("turn", "sentence", "paragraph"))
    cand.add_argument("--json", action="store_true")
    par = acts.add_parser("paradigm", help="conditions, actions and consequences of a category")
    par.add_argument("code")
    par.add_argument("--json", action="store_true")

    n = sub.add_parser("network", help="the network of codes and relations as SVG or PNG")
    n.add_argument("--svg", metavar="FILE")
    n.add_argument("--png", metavar="FILE")
    n.add_argument("--around", metavar="CODE", help="a category and its neighbours")
    n.add_argument("--depth", type=int, default=1, metavar="N")
    n.add_argument("--view", metavar="NAME", help="a saved network view")
    n.add_argument("--min-weight", type=int, default=None, dest="min_weight")
    n.set_defaults(func=cmd_network)
