"""Work done once when the server starts, before it takes its first visitor: the pages'
modules imported (pandas, Altair, python-docx … took two of the first visit's three seconds)
and the default project opened (its schema checked, the demo loaded on a first start, the
suggestion model loading in the background), then the objects made so far moved out of the
garbage collector's scans. A visitor then waits only for their page."""

from __future__ import annotations

import gc
import logging
from importlib import import_module

log = logging.getLogger(__name__)

# the default page (Code) and what every page run needs
MODULES = ("qualcode.ui.main", "qualcode.ui.page_code", "qualcode.ui.login")


def preload() -> None:
    for name in MODULES:
        import_module(name)
    from .state import _open, default_url

    try:
        _open(default_url())
    except Exception:  # noqa: BLE001 - the first page shows the error to the visitor
        log.exception("opening the project at start failed")
    # Streamlit collects garbage fully after every page run (runner.postScriptGC); the
    # hundred thousands of objects imported above would be scanned each time (0.3-0.9 s a run
    # on the development machine). They live as long as the server: out of the scans.
    gc.collect()
    gc.freeze()
