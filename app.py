"""qualcode — the browser app. Start with:  streamlit run app.py

The project database is $QUALCODE_DB_URL (a SQLAlchemy URL or a SQLite file path), by default
.qualcode/demo.sqlite, filled with the demo project on first start. The pages are the script
qualcode/ui/app.py; this file serves them as an ASGI app with qualcode's HTTP routes
(qualcode/ui/server.py).
"""

import streamlit as st

from qualcode.ui.server import ROUTES, SCRIPT, lifespan

app = st.App(SCRIPT, routes=ROUTES, lifespan=lifespan)
