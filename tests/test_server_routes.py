"""The app is served as an ASGI app (``st.App``) with qualcode's own HTTP routes beside
Streamlit's pages: both the clone's ``app.py`` and the package's launcher."""

from __future__ import annotations

import json
import urllib.request

from tests.streamlit_server import streamlit_server


def test_routes_served_beside_the_pages(tmp_path):
    with streamlit_server(tmp_path / "p.sqlite") as url:
        with urllib.request.urlopen(f"{url}/api/ping", timeout=10) as r:
            assert json.loads(r.read()) == {"qualcode": "ok"}
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
            assert r.status == 200


def test_package_launcher_is_an_st_app():
    from streamlit.web.server.app_discovery import discover_asgi_app

    from qualcode.ui import serve
    from tests.conftest import ROOT

    for path in (ROOT / "app.py", __import__("pathlib").Path(serve.__file__)):
        found = discover_asgi_app(path)
        assert found.is_asgi_app and found.app_name == "app", path


def test_the_project_is_opened_before_the_first_visitor(tmp_path):
    """At start the server imports the pages and opens the project (its schema created and
    checked) before it answers: the first visitor waits only for their page."""

    db = tmp_path / "fresh.sqlite"
    assert not db.exists()
    with streamlit_server(db):
        assert db.exists()  # made by the start, no page was asked for
        from qualcode.store.project import Project

        project = Project(db)
        try:
            assert project.is_empty()
        finally:
            project.close()
