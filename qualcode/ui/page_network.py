"""Axial and selective coding page: the network of codes and relations (drag, click for quotes
and evidence, saved views), the relations and their types, candidates from co-occurrence, the
paradigm of a category, the core category and storyline. Every change goes through the library
(qualcode.coding.relations, paradigm, network_views); user text is shown as text only."""

from __future__ import annotations

import streamlit as st

from ..analysis.network import build_network, detail
from ..coding import code_sets as cs
from ..coding import network_views as nv
from ..coding import paradigm as par
from ..coding import relations as rel
from ..coding.codes import code_tree
from ..coding.quotes import quote_rows
from ..errors import QualcodeError
from ..store.permissions import EDIT_CODEBOOK
from .network_view import network_view
from .state import as_user, can, coder, plain, project, run_action

UNSAVED = 0  # the view selector's "all relations, not saved" entry
FLASH = "net_flash"


def render() -> None:
    st.header("Relations and network")
    st.caption("Axial coding: relate codes (conditions, actions/interactions, consequences …), "
               "ground each relation in quotes, see the network; selective coding: the core "
               "category and its storyline.")
    proj = project()
    if st.session_state.get(FLASH):
        st.success(plain(st.session_state.pop(FLASH)))
    nodes = code_tree(proj)
    if not nodes:
        st.info("The codebook is empty: add codes first.")
        return
    paths = {n.code.id: n.path for n in nodes}
    tab_net, tab_rel, tab_par, tab_cand = st.tabs(
        ["Network", "Relations", "Paradigm and core category", "Candidates"])
    with tab_net:
        _network(proj, paths)
    with tab_rel:
        _relations(proj, paths)
    with tab_par:
        _paradigm(proj, paths)
    with tab_cand:
        _candidates(proj, paths)


# ---------------------------------------------------------------- network

def _network(proj, paths: dict[int, str]) -> None:
    views = nv.list_views(proj)
    choices = [UNSAVED] + [v.id for v in views]
    names = {UNSAVED: "All relations (not saved)", **{v.id: v.name for v in views}}
    default = 1 if views else 0
    view_id = st.selectbox("View", choices, index=default, format_func=names.get,
                           key="net_view")
    editable = can(EDIT_CODEBOOK)
    if view_id == UNSAVED:
        c1, c2, c3, c4 = st.columns(4)
        center = c1.selectbox("Category (empty: every related code)", [None, *paths],
                              format_func=lambda c: "—" if c is None else paths[c],
                              key="net_center")
        depth = c2.number_input("Depth", 1, 6, 1, key="net_depth")
        min_weight = c3.number_input("At least this many quotes", 0, 1000, 0, key="net_min")
        max_nodes = c4.number_input("At most this many codes", 5, 400, 60, key="net_max")
        o1, o2, o3 = st.columns(3)
        options = {"min_weight": int(min_weight), "max_nodes": int(max_nodes),
                   "memos": o1.checkbox("Memos", key="net_memos"),
                   "cases": o2.checkbox("Cases (interviews)", key="net_cases")}
        sets = {v.id: v.name for v in cs.code_sets(proj)}
        if sets:
            chosen = o3.selectbox("Only a set of codes", [None, *sets], key="net_set",
                                  format_func=lambda i: "—" if i is None else sets[i])
            if chosen is not None:
                options["code_set"] = chosen
        positions = st.session_state.setdefault("net_positions", {})
        view_key = "unsaved"
    else:
        view = nv.get_view(proj, view_id)
        center, depth, options = view.center_id, view.depth, dict(view.options or {})
        positions = view.positions or {}
        view_key = f"view-{view.id}"
        where = f"around {paths.get(center, '?')}, depth {depth}" if center else "all relations"
        st.caption(plain(f"Saved view: {where}. Drag a node to move it: its place is saved "
                         "with the view."))
    net = build_network(proj, around=center, depth=int(depth), positions=positions,
                        viewer=coder(), **options)
    selected = st.session_state.get("net_selected")
    if selected and not any(n.id == selected for n in net.nodes) and \
            not any(e.id == selected for e in net.edges):
        selected = None
    data = {"view_key": view_key, "net": net.as_dict(), "selected": selected,
            "detail": detail(proj, selected, viewer=coder()), "editable": editable}

    def on_action(action: dict) -> None:
        if action.get("op") == "select":
            st.session_state["net_selected"] = str(action.get("id") or "")[:64] or None
        elif action.get("op") == "move" and editable:
            pos = {str(action.get("id"))[:64]: [action.get("x"), action.get("y")]}
            try:
                if view_id == UNSAVED:
                    st.session_state.setdefault("net_positions", {}).update(
                        nv.clean_positions(pos))
                else:
                    nv.save_positions(proj, view_id, pos)
            except QualcodeError as exc:
                st.session_state["net_error"] = str(exc)

    network_view(key="net_canvas", data=data, on_action=on_action)
    if st.session_state.get("net_error"):
        st.error(plain(st.session_state.pop("net_error")))
    title = paths.get(center) if center else None
    d1, d2 = st.columns(2)

    def image(kind: str) -> bytes:
        from ..export.network_image import network_png, network_svg

        return (network_svg if kind == "svg" else network_png)(net, title)

    d1.download_button("Download SVG", as_user(lambda: image("svg")), file_name="network.svg",
                       mime="image/svg+xml", key="net_svg")
    d2.download_button("Download PNG", as_user(lambda: image("png")), file_name="network.png",
                       mime="image/png", key="net_png")
    if editable:
        _save_view_form(proj, paths, view_id, center, depth, options, positions)


def _save_view_form(proj, paths, view_id, center, depth, options, positions) -> None:
    with st.expander("Save as a view" if view_id == UNSAVED else "Change or delete this view"):
        with st.form("net_save_view"):
            name = st.text_input("Name", value="" if view_id == UNSAVED
                                 else nv.get_view(proj, view_id).name)
            new_center = st.selectbox("Category", [None, *paths],
                                      index=([None, *paths].index(center)
                                             if center in paths else 0),
                                      format_func=lambda c: "—" if c is None else paths[c])
            new_depth = st.number_input("Depth", 1, 6, int(depth or 1))
            min_weight = st.number_input("At least this many quotes", 0, 1000,
                                         int(options.get("min_weight", 0)))
            max_nodes = st.number_input("At most this many codes", 5, 400,
                                        int(options.get("max_nodes") or 60))
            if st.form_submit_button("Save view"):
                def save() -> None:
                    view = nv.save_view(
                        proj, name, center_id=new_center, depth=int(new_depth),
                        options={**options, "min_weight": int(min_weight),
                                 "max_nodes": int(max_nodes)},
                        view_id=None if view_id == UNSAVED else view_id)
                    if view_id == UNSAVED and positions:
                        nv.save_positions(proj, view.id, positions)
                run_action(save, f"view '{name}' saved", FLASH)
        if view_id != UNSAVED and st.button("Delete this view", key="net_delete_view"):
            run_action(lambda: nv.delete_view(proj, view_id), "view deleted", FLASH)


# ---------------------------------------------------------------- relations

def _relations(proj, paths: dict[int, str]) -> None:
    views = rel.for_viewer(proj, rel.list_relations(proj), coder())
    types = [t.name for t in rel.relation_types(proj)]
    if views:
        st.dataframe([{"source": v.source, "type": v.type, "target": v.target,
                       "directed": v.directed, "quotes": v.weight, "memo": v.memo}
                      for v in views], hide_index=True, use_container_width=True)
    else:
        st.info("No relations yet. Relate two codes below, or look at the candidates.")
    if not can(EDIT_CODEBOOK):
        return
    with st.expander("Relate two codes", expanded=not views):
        c1, c2, c3 = st.columns(3)
        source = c1.selectbox("Code", list(paths), format_func=paths.get, key="rel_source")
        rtype = c2.selectbox("Relation", types, key="rel_type")
        target = c3.selectbox("Code ", list(paths), format_func=paths.get, key="rel_target")
        directed = st.checkbox("Directed (code → code)", value=True, key="rel_directed")
        memo = st.text_area("Memo", key="rel_memo")
        rows = quote_rows(proj, code_ids={source, target}, viewer=coder())
        labels = {r.coding_id: f"{r.code.rsplit(' / ', 1)[-1]}: {' '.join(r.quote.split())[:90]}"
                  f" ({r.transcript})" for r in rows}
        evidence = st.multiselect("Grounding quotes (codings of the two codes)", list(labels),
                                  format_func=labels.get, key="rel_evidence")
        if st.button("Add relation", key="rel_add"):
            run_action(lambda: rel.add_relation(proj, source, target, rtype, directed=directed,
                                                memo=memo, evidence=evidence, author=coder()),
                       "relation added", FLASH)
    if views:
        with st.expander("Change a relation"):
            by_id = {v.id: v for v in views}
            rid = st.selectbox("Relation", list(by_id), format_func=lambda i: by_id[i].sentence(),
                               key="rel_edit")
            r = by_id[rid]
            new_type = st.selectbox("Relation type", types, index=types.index(r.type)
                                    if r.type in types else 0, key=f"rel_edit_type_{rid}")
            new_memo = st.text_area("Memo", value=r.memo, key=f"rel_edit_memo_{rid}")
            rows = quote_rows(proj, code_ids={r.source_id, r.target_id}, viewer=coder())
            labels = {q.coding_id: f"{q.code.rsplit(' / ', 1)[-1]}: "
                      f"{' '.join(q.quote.split())[:90]} ({q.transcript})" for q in rows}
            cited = [c for c in r.evidence if c in labels]
            chosen = st.multiselect("Grounding quotes", list(labels), default=cited,
                                    format_func=labels.get, key=f"rel_edit_ev_{rid}")
            b1, b2, b3 = st.columns(3)
            if b1.button("Save", key="rel_edit_save"):
                def save() -> None:
                    rel.update_relation(proj, rid, rel_type=new_type, memo=new_memo)
                    rel.add_evidence(proj, rid, [c for c in chosen if c not in cited])
                    for c in cited:
                        if c not in chosen:
                            rel.remove_evidence(proj, rid, c)
                run_action(save, "relation saved", FLASH)
            if b2.button("Reverse direction", key="rel_edit_reverse"):
                run_action(lambda: rel.update_relation(proj, rid, reverse=True),
                           "relation reversed", FLASH)
            if b3.button("Delete relation", key="rel_edit_delete"):
                run_action(lambda: rel.delete_relation(proj, rid), "relation deleted", FLASH)
    with st.expander("Sets of codes"):
        sets = cs.code_sets(proj)
        st.text("\n".join(f"{v.name}: " + ", ".join(paths.get(c, "?") for c in v.code_ids)
                          for v in sets) or "No sets of codes yet.")
        set_name = st.text_input("Name of a new set", key="set_name")
        members = st.multiselect("Its codes", list(paths), format_func=paths.get,
                                 key="set_codes")
        if st.button("Create the set", key="set_create"):
            run_action(lambda: cs.create_code_set(proj, set_name, members), "set created",
                       FLASH)
        if sets:
            by_id = {v.id: v.name for v in sets}
            gone = st.selectbox("Set", list(by_id), format_func=by_id.get, key="set_delete_pick")
            if st.button("Delete this set (its codes stay)", key="set_delete"):
                run_action(lambda: cs.delete_code_set(proj, gone), "set deleted", FLASH)
    with st.expander("Relation types"):
        st.text("\n".join(types))
        c1, c2 = st.columns(2)
        new = c1.text_input("New type", key="rel_type_new")
        if c1.button("Add type", key="rel_type_add"):
            run_action(lambda: rel.add_relation_type(proj, new), "type added", FLASH)
        old = c2.selectbox("Type", types, key="rel_type_old")
        renamed = c2.text_input("Rename to", key="rel_type_rename")
        if c2.button("Rename", key="rel_type_do_rename"):
            run_action(lambda: rel.rename_relation_type(proj, old, renamed), "type renamed",
                       FLASH)
        into = c2.selectbox("Merge into", [t for t in types if t != old], key="rel_type_into")
        if into and c2.button("Merge", key="rel_type_merge"):
            run_action(lambda: rel.merge_relation_types(proj, old, into), "types merged", FLASH)


# ---------------------------------------------------------------- paradigm, core category

def _paradigm(proj, paths: dict[int, str]) -> None:
    code_id = st.selectbox("Category (phenomenon)", list(paths), format_func=paths.get,
                           key="par_code")
    model = par.paradigm(proj, code_id, viewer=coder())
    cols = st.columns(4)
    for col, (name, items) in zip(cols, model.groups()):
        col.markdown(f"**{name}**")
        col.text("\n".join(f"{i.path} ({i.type}; {i.evidence} quote(s))" for i in items)
                 or "—")
    st.subheader("Selective coding")
    core = par.core_category(proj)
    story = par.storyline(proj)
    choices = [None, *paths]
    new_core = st.selectbox("Core category", choices,
                            index=choices.index(core.id) if core and core.id in paths else 0,
                            format_func=lambda c: "—" if c is None else paths[c],
                            key="par_core")
    text = st.text_area("Storyline memo", value=story.body if story else "", height=180,
                        key="par_story")
    if can(EDIT_CODEBOOK) and st.button("Save core category and storyline", key="par_save"):
        def save() -> None:
            par.set_core_category(proj, new_core)
            if text.strip():
                par.set_storyline(proj, text, author=coder())
        run_action(save, "core category and storyline saved", FLASH)


# ---------------------------------------------------------------- candidates

def _candidates(proj, paths: dict[int, str]) -> None:
    from ..analysis.relation_candidates import candidate_relations

    c1, c2 = st.columns(2)
    k = c1.number_input("Sharing a turn in at least this many interviews", 1, 100, 2,
                        key="cand_k")
    unit = c2.selectbox("Unit", ["turn", "sentence", "paragraph"], key="cand_unit")
    # computed when asked for (it reads every coding's units), then on each rerun of the tab
    if not st.session_state.get("cand_on") and not st.button("Find candidates",
                                                             key="cand_find"):
        return
    st.session_state["cand_on"] = True
    found = candidate_relations(proj, k=int(k), unit=unit, viewer=coder(), limit=200)
    if not found:
        st.info("No candidates: no unrelated pair of codes shares a unit in that many "
                "interviews.")
        return
    st.dataframe([{"code": c.source, "with": c.target, "interviews": c.interviews,
                   f"{unit}s": c.units} for c in found], hide_index=True,
                 use_container_width=True)
    if not can(EDIT_CODEBOOK):
        return
    with st.form("cand_form"):
        pick = st.selectbox("Candidate", range(len(found)),
                            format_func=lambda i: f"{found[i].source} ~ {found[i].target}")
        types = [t.name for t in rel.relation_types(proj)]
        rtype = st.selectbox("Relation", types)
        directed = st.checkbox("Directed (first → second)", value=True)
        cite = st.checkbox("Cite the codings in the shared units as grounding quotes",
                           value=True)
        if st.form_submit_button("Create this relation"):
            c = found[pick]
            run_action(lambda: rel.add_relation(proj, c.source_id, c.target_id, rtype,
                                                directed=directed,
                                                evidence=c.codings if cite else (),
                                                author=coder()),
                       "relation created", FLASH)
