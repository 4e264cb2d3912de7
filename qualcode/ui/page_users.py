"""Accounts of this project (admins): add users, change roles, reset passwords, deactivate."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..store.permissions import ROLE_LABELS, ROLES
from ..store.users import add_user, list_users, reset_password, set_active, set_role
from .state import admins_only, plain, project, run_action


def render() -> None:
    st.header("Users")
    proj = project()
    if not admins_only():
        return
    if msg := st.session_state.pop("users_flash", None):
        st.success(plain(msg))
    users = list_users(proj)
    st.dataframe(pd.DataFrame([{"user": u.name, "role": ROLE_LABELS.get(u.role, u.role),
                                "active": u.active, "since": u.created_at} for u in users],
                              columns=["user", "role", "active", "since"]),
                 hide_index=True, width="stretch")
    roles = list(ROLES)
    add, change = st.tabs(["Add user", "Change user"])
    with add, st.form("add_user", clear_on_submit=True):
        name = st.text_input("User name")
        role = st.selectbox("Role", roles, index=roles.index("coder"),
                            format_func=lambda r: ROLE_LABELS[r])
        password = st.text_input("Initial password", type="password")
        if st.form_submit_button("Add user"):
            _run(lambda: add_user(proj, name, password, role), f"Added {name}.")
    with change:
        if not users:
            st.info("No users yet.")
            return
        names = [u.name for u in users]
        who = st.selectbox("User", names, key="users_pick")
        user = next(u for u in users if u.name == who)
        with st.form(f"role_{who}"):
            role = st.selectbox("Role", roles, index=roles.index(user.role) if user.role in roles
                                else 0, format_func=lambda r: ROLE_LABELS[r])
            if st.form_submit_button("Set role"):
                _run(lambda: set_role(proj, who, role), f"{who} is now {ROLE_LABELS[role]}.")
        with st.form(f"password_{who}", clear_on_submit=True):
            password = st.text_input("New password", type="password")
            if st.form_submit_button("Reset password"):
                _run(lambda: reset_password(proj, who, password), f"New password set for {who}.")
        label = "Deactivate" if user.active else "Reactivate"
        if st.button(label, key=f"active_{who}"):
            _run(lambda: set_active(proj, who, not user.active), f"{label}d {who}.")


def _run(action, success: str) -> None:
    run_action(action, success, "users_flash")
