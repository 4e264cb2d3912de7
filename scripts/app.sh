#!/usr/bin/env bash
# Starts the qualcode app on the embedded default: a SQLite file (.qualcode/demo.sqlite),
# filled with the demo project on first start. Set QUALCODE_DB_URL for another database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py --browser.gatherUsageStats false "$@"
