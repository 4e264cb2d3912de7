"""The app's script for ``streamlit run`` from an installed qualcode (``qualcode app`` runs it);
a clone has the same two lines in its top-level ``app.py``."""

from qualcode.ui.main import main

main()
