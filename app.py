"""qualcode — the browser app. Start with:  streamlit run app.py

The project database is $QUALCODE_DB_URL (a SQLAlchemy URL or a SQLite file path), by default
.qualcode/demo.sqlite, filled with the demo project on first start.
"""

from qualcode.ui.main import main

main()
