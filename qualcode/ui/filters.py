"""Widgets shared by the analysis pages: the attribute filter, the code picker and the page
number of a long list."""

from __future__ import annotations

import streamlit as st

from ..analysis.matrix import attribute_names
from ..coding.codes import code_tree
from ..corpus.transcripts import list_transcripts


def where_filter(proj, key: str, label: str = "Only interviews where") -> dict | None:
    """An attribute and some of its values; None when no filter is chosen."""
    from ..corpus.cases import list_cases

    cases = list_cases(proj)
    names = attribute_names(proj)
    if cases:  # who speaks: their role, the person, their attributes
        names = ["role", "case", *[n for n in names if n != "role"]]
    if not names:
        return None
    c1, c2 = st.columns([1, 2])
    attribute = c1.selectbox(label, [None, *names], key=f"{key}_attr",
                             format_func=lambda a: "(all interviews)" if a is None else
                             "the speaker's role" if a == "role" and cases else
                             "the person who speaks (case)" if a == "case" else a)
    if attribute is None:
        return None
    values = {str((t.attributes or {}).get(attribute) or "") for t in list_transcripts(proj)}
    if cases:
        values |= {c.case if attribute == "case" else c.role if attribute == "role"
                   else str(c.attributes.get(attribute) or "") for c in cases}
    values = sorted(values)
    chosen = c2.multiselect(f"{attribute} is", values, key=f"{key}_values",
                            format_func=lambda v: v or "(not set)")
    return {attribute: set(chosen)} if chosen else None


def code_picker(proj, label: str, key: str, *, optional: bool = False):
    """A selectbox of codes by path; returns the code id (or None when optional and unset)."""
    nodes = code_tree(proj)
    paths = {n.code.id: n.path for n in nodes}
    options = ([None] if optional else []) + list(paths)
    if not options:
        st.info("The codebook is empty.")
        return None
    return st.selectbox(label, options, key=key,
                        format_func=lambda i: "(choose a code)" if i is None else paths[i])


def page_number(where, label: str, total: int, size: int, key: str, *, unit: str = "",
                always: bool = False) -> int:
    """The 1-based page of a list of ``total`` items, ``size`` a page, from a number input in
    ``where`` under ``key`` (a stored page past the end, after the list shrank, becomes the
    last); 1 without an input when one page holds them all, unless ``always``."""
    pages = max(1, -(-total // size))
    if pages == 1 and not always:
        return 1
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    return int(where.number_input(label, min_value=1, max_value=pages, step=1, key=key,
                                  help=f"{pages} page(s) of {size}{' ' + unit if unit else ''}"))
