"""The app's page script: what every session runs (served by ``qualcode/ui/serve.py`` for
``qualcode app`` and by the top-level ``app.py`` of a clone, with the HTTP routes)."""

from qualcode.ui.main import main

main()
