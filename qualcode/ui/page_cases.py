"""The Cases page: the people who speak. List them with their role, transcripts and turns;
rename, merge, set a role or attributes (one at a time or from a CSV sheet keyed by case); and
choose whether interviewers' words count in the analyses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..corpus.cases import (import_case_attributes, include_interviewer, list_cases,
                            merge_cases, proposed_interviewers, rename_case, set_case_attributes,
                            set_case_role, set_include_interviewer)
from ..store.case_rules import INTERVIEWER, PARTICIPANT
from ..store.permissions import ADMIN
from .state import can, plain, project, run_action

FLASH = "cases_flash"


def render() -> None:
    st.header("Cases")
    proj = project()
    if msg := st.session_state.pop(FLASH, None):
        st.success(plain(msg))
    cases = list_cases(proj)
    if not cases:
        st.info("No cases yet: every speaker of an ingested transcript becomes one.")
        return
    st.dataframe(pd.DataFrame([{
        "case": c.case, "role": c.role, "turns": c.turns, "transcripts": len(c.transcripts),
        "in": ", ".join(c.transcripts[:5]) + (" …" if len(c.transcripts) > 5 else ""),
        **{f"attr: {k}": v for k, v in c.attributes.items()}} for c in cases]),
        hide_index=True, width="stretch")
    st.caption("A case is a person who speaks: every speaker label maps to one, and the same "
               "label (up to letter case and spacing) in several transcripts is the same person. "
               "Unlabelled text of a single-respondent interview is its participant's.")
    for name in proposed_interviewers(proj):
        st.warning(plain(f"{name} speaks in most interviews: the interviewer?"))
        if st.button(f"Mark {name} as interviewer", key=f"propose_{name}"):
            run_action(lambda n=name: set_case_role(proj, n, INTERVIEWER),
                       f"{name} is now an interviewer.", FLASH)

    names = [c.case for c in cases]
    by_name = {c.case: c for c in cases}
    st.subheader("Edit a case")
    name = st.selectbox("Case", names, key="case_pick")
    case = by_name[name]
    left, right = st.columns(2)
    with left:
        roles = sorted({INTERVIEWER, PARTICIPANT, *(c.role for c in cases if c.role)})
        role = st.selectbox("Role", roles, index=roles.index(case.role) if case.role in roles
                            else 0, key=f"case_role_{name}")
        other = st.text_input("…or another role", key=f"case_role_other_{name}").strip()
        if st.button("Set role", key="case_set_role"):
            new = other or role
            run_action(lambda: set_case_role(proj, name, new), f"{name}: role {new}.", FLASH)
        new_name = st.text_input("New name", key=f"case_new_name_{name}").strip()
        if st.button("Rename", key="case_rename", disabled=not new_name):
            run_action(lambda: rename_case(proj, name, new_name),
                       f"Renamed {name} to {new_name}.", FLASH)
    with right:
        into = st.selectbox("Merge into (the same person)", [n for n in names if n != name],
                            key=f"case_into_{name}")
        if st.button("Merge", key="case_merge", disabled=into is None):
            run_action(lambda: merge_cases(proj, name, into), f"Merged {name} into {into}.",
                       FLASH)
    attrs = pd.DataFrame([{"attribute": k, "value": str(v)} for k, v in case.attributes.items()],
                         columns=["attribute", "value"])
    edited = st.data_editor(attrs, num_rows="dynamic", hide_index=True,
                            key=f"case_attrs_{name}")
    if st.button("Save attributes", key="case_save_attrs"):
        new_attrs = {str(r["attribute"]).strip(): r["value"] for _, r in edited.iterrows()
                     if str(r["attribute"] or "").strip()}
        changes = {**{k: None for k in case.attributes if k not in new_attrs}, **new_attrs}
        run_action(lambda: set_case_attributes(proj, name, changes),
                   f"Attributes of {name} saved.", FLASH)

    with st.expander("Set attributes from a CSV sheet"):
        st.text("Columns: case (the case name), role (optional), and one column per\n"
                "attribute, e.g. age, site. Empty cells change nothing.")
        sheet = st.file_uploader("Case sheet (.csv)", type=["csv"], key="case_sheet")
        if sheet is not None and st.button("Apply sheet", key="case_sheet_apply"):
            run_action(lambda: import_case_attributes(proj, sheet.getvalue(), sheet.name),
                       "Case attributes set.", FLASH)

    st.subheader("Interviewers in the analyses")
    included = include_interviewer(proj)
    choice = st.radio("What interviewers say", ["left out", "counted"],
                      index=1 if included else 0, horizontal=True, key="case_include",
                      disabled=not can(ADMIN),
                      help="Left out: codings of words only interviewers said do not count in "
                           "the matrix, co-occurrence and saturation. The Code page always "
                           "shows them.")
    if (choice == "counted") != included and can(ADMIN):
        run_action(lambda: set_include_interviewer(proj, choice == "counted"),
                   f"Interviewers' words are now {choice} in the analyses.", FLASH)
