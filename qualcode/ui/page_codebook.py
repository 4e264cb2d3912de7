"""The codebook editor: the code tree with counts; create, edit, rename, move, merge, delete;
import and export YAML."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..coding import codes as ops
from ..coding.codebook import export_codebook, import_codebook
from ..exchange.codebook_files import codebook_from_bytes
from ..coding.view import code_counts
from ..errors import QualcodeError
from ..exchange.refi_codebook import export_qdc
from ..coding import history
from ..store.permissions import MANAGE_CODEBOOK
from .state import as_user, can, coder, forget_version, opened_version, plain, project, run_action


TAB = "codebook_tab"        # the open tab, kept over the reruns after a change
SELECT = "codebook_select"  # the code to show in the selectors after the next rerun
SELECTORS = ("edit_code", "struct_code")


def _run(action, success: str, select=None) -> None:
    """Do ``action``; on success show ``select`` (a code id, or a function of the action's
    result giving one) in the code selectors after the rerun, with its new name."""
    def act():
        result = action()
        chosen = select(result) if callable(select) else select
        if chosen is not None:
            st.session_state[SELECT] = chosen
        return result

    run_action(act, success, "codebook_flash")


def _apply_selection(ids: list[int]) -> None:
    """Before the selectors are drawn: the code chosen by the last change (renamed, moved,
    merged into), else a choice whose code is gone dropped. A selector keeps its choice by the
    option's label, so a renamed code is chosen again by its id here."""
    chosen = st.session_state.pop(SELECT, None)
    for key in SELECTORS:
        if chosen in ids:
            st.session_state[key] = chosen
        elif key in st.session_state and st.session_state[key] not in ids:
            del st.session_state[key]


def render() -> None:
    st.header("Codebook")
    proj = project()
    if msg := st.session_state.pop("codebook_flash", None):
        st.success(msg)
    nodes = ops.code_tree(proj)
    counts = code_counts(proj, viewer=coder())  # one GROUP BY; blind coding: own codings
    st.dataframe(pd.DataFrame([{
        "code": ("  " * n.depth) + ("└ " if n.depth else "") + n.code.name,
        "nl": (n.code.labels or {}).get("nl", ""), "codings": counts.get(n.code.id, 0),
        "colour": n.code.color, "description": n.code.description} for n in nodes],
        columns=["code", "nl", "codings", "colour", "description"]),
        hide_index=True, width="stretch")

    paths = {n.code.id: n.path for n in nodes}
    ids = [n.code.id for n in nodes]
    _apply_selection(ids)
    # a key and tracked state: the open tab stays open after Create, Rename, Move, Merge
    tab_new, tab_edit, tab_struct, tab_io = st.tabs(
        ["New code", "Edit code", "Rename · move · merge · delete", "Import / export"],
        key=TAB, on_change="rerun")

    with tab_new, st.form("new_code", clear_on_submit=True):
        name = st.text_input("Name")
        parent = st.selectbox("Parent", [None] + ids, format_func=lambda i: "(top level)"
                              if i is None else paths[i])
        label_nl = st.text_input("Dutch label (optional)")
        description = st.text_area("Definition")
        inclusion = st.text_area("Include when")
        exclusion = st.text_area("Exclude when")
        color = st.color_picker("Colour", "#ffd54f")
        if st.form_submit_button("Create code"):
            _run(lambda: ops.create_code(
                proj, name, parent, description=description, inclusion=inclusion,
                exclusion=exclusion, labels={"nl": label_nl} if label_nl else {}, color=color),
                "Code created.", select=lambda code: code.id)

    with tab_edit:
        if not ids:
            st.info("No codes yet.")
        else:
            code_id = st.selectbox("Code", ids, format_func=paths.get, key="edit_code")
            code = next(n.code for n in nodes if n.code.id == code_id)
            with st.form(f"edit_code_{code_id}"):
                label_nl = st.text_input("Dutch label", (code.labels or {}).get("nl", ""))
                description = st.text_area("Definition", code.description)
                inclusion = st.text_area("Include when", code.inclusion)
                exclusion = st.text_area("Exclude when", code.exclusion)
                examples = st.text_area("Example quotes (one per line)",
                                        "\n".join(code.examples or []))
                color = st.color_picker("Colour", code.color)
                version = opened_version("code", code)
                if st.form_submit_button("Save"):
                    forget_version("code", code_id)
                    _run(lambda: ops.update_code(
                        proj, code_id, description=description, inclusion=inclusion,
                        exclusion=exclusion, color=color, expected_version=version,
                        labels={**(code.labels or {}), "nl": label_nl},
                        examples=[e.strip() for e in examples.splitlines() if e.strip()]),
                        "Code saved.", select=code_id)

    with tab_struct:
        if ids:
            code_id = st.selectbox("Code", ids, format_func=paths.get, key="struct_code")
            c1, c2 = st.columns(2)
            new_name = c1.text_input("New name", key="struct_new_name")
            if c1.button("Rename", key="struct_rename"):
                _run(lambda: history.rename_code(proj, code_id, new_name, coder=coder()),
                     "Code renamed. You can undo this.", select=code_id)
            new_parent = c2.selectbox("New parent", [None] + ids, key="struct_parent",
                                      format_func=lambda i: "(top level)" if i is None else paths[i])
            if c2.button("Move", key="struct_move"):
                st.session_state[CONFIRM] = ("move", code_id, new_parent)
            target = c1.selectbox("Merge into", ids, format_func=paths.get, key="struct_target")
            try:  # what the merge will do, shown before it is confirmed
                c1.text(ops.merge_plan(proj, code_id, target).describe())
            except QualcodeError as exc:
                c1.caption(plain(exc))
            sure = c1.checkbox("Merge as described above", key="struct_merge_sure")
            if c1.button("Merge (codings kept)", key="struct_merge", disabled=not sure):
                _run(lambda: history.merge_codes(proj, code_id, target, coder=coder()),
                     "Codes merged; codings kept, memos joined.", select=target)
            force = c2.checkbox("Also delete its codings and sub-codes", key="struct_force")
            if c2.button("Delete", key="struct_delete"):
                preview = history.delete_preview(proj, code_id)
                if (preview["codings"] or preview["subcodes"]) and not force:
                    _run(lambda: ops.delete_code(proj, code_id, force=False), "Code deleted.")
                else:
                    st.session_state[CONFIRM] = ("delete", code_id, None)
            pending = st.session_state.get(CONFIRM)
            if pending and pending[1] in paths and (pending[2] is None or pending[2] in paths):
                if pending[0] == "move":
                    _confirm_move(proj, pending[1], pending[2], paths)
                else:
                    _confirm_delete(proj, pending[1], history.delete_preview(proj, pending[1]))
            else:
                st.session_state.pop(CONFIRM, None)
        _undo(proj)

    with tab_io:
        if not can(MANAGE_CODEBOOK):
            st.caption("Importing a whole codebook is for document managers and admins.")
            upload = None
        else:
            upload = st.file_uploader("Import a codebook (qualcode .yaml or REFI-QDA .qdc)",
                                      type=["yaml", "yml", "qdc"], key="codebook_upload")
        if upload is not None and st.button("Import", key="codebook_import"):
            _run(lambda: import_codebook(proj, codebook_from_bytes(upload.getvalue(), upload.name)),
                 "Codebook imported.")
        c1, c2 = st.columns(2)
        c1.download_button("Export codebook (.yaml)", as_user(lambda: export_codebook(proj).encode("utf-8")),
                           file_name="codebook.yaml", mime="application/x-yaml",
                           key="codebook_export")
        if ids:
            c2.download_button("Export REFI-QDA codebook (.qdc)", as_user(lambda: export_qdc(proj)),
                               file_name="codebook.qdc", mime="application/xml",
                               key="codebook_export_qdc")


CONFIRM = "codebook_confirm"  # the move or delete waiting for confirmation


def _dismiss() -> None:
    st.session_state.pop(CONFIRM, None)


@st.dialog("Move code", on_dismiss=_dismiss)
def _confirm_move(proj, code_id: int, new_parent: int | None, paths: dict) -> None:
    """Name what the move changes before doing it."""
    path = paths[code_id]
    name = path.split(" / ")[-1]
    new_path = name if new_parent is None else f"{paths[new_parent]} / {name}"
    below = [p for p in paths.values() if p.startswith(path + " / ")]
    preview = history.delete_preview(proj, code_id)
    st.text(f"Move '{path}' to '{new_path}'.")
    st.text(f"{len(below)} sub-code(s) move with it; its {preview['codings']} coding(s) stay "
            "on their codes. You can undo this.")
    c1, c2 = st.columns(2)
    if c1.button("Move", type="primary", key="confirm_move"):
        _dismiss()
        _run(lambda: history.move_code(proj, code_id, new_parent, coder=coder()), "Code moved.",
             select=code_id)
    if c2.button("Cancel", key="cancel_move"):
        _dismiss()
        st.rerun()


@st.dialog("Delete code", on_dismiss=_dismiss)
def _confirm_delete(proj, code_id: int, preview: dict) -> None:
    """Name what the deletion takes with it before doing it."""
    st.text(f"Delete '{preview['path']}'?")
    st.text(f"With it go {preview['subcodes']} sub-code(s), {preview['codings']} coding(s) in "
            f"{preview['transcripts']} transcript(s) and {preview['memos']} memo(s). "
            "You can undo this.")
    c1, c2 = st.columns(2)
    if c1.button("Delete", type="primary", key="confirm_delete"):
        _dismiss()
        _run(lambda: history.delete_code(proj, code_id, force=True, coder=coder()),
             "Code deleted.")
    if c2.button("Cancel", key="cancel_delete"):
        _dismiss()
        st.rerun()


def _undo(proj) -> None:
    last = history.recent_actions(proj, coder(), limit=1)
    if last:
        st.caption(plain("Your last action: " + last[0].summary))
        if st.button("Undo", key="codebook_undo"):
            _run(lambda: history.undo_last(proj, coder()), "Undone.")
