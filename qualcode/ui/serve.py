"""The launcher ``qualcode app`` runs (``streamlit run`` on this file): the app's pages with
qualcode's HTTP routes, as the top-level ``app.py`` of a clone serves them."""

import streamlit as st

from qualcode.ui.server import ROUTES, SCRIPT, lifespan

app = st.App(SCRIPT, routes=ROUTES, lifespan=lifespan)
