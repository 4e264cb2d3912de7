"""Screenshots of the main pages on the demo project, in a real headless chromium, for the docs
(docs/img/*.png, used by the tutorial and the page guides).

Every run takes them all (each page must render on the demo without an exception); they are
written into docs/img/ when one is missing there or when QUALCODE_UPDATE_SCREENSHOTS=1 (then
commit the new PNGs), else into a temporary folder, so a test run leaves the clone unchanged.
"""

from __future__ import annotations

import os

import pytest

from qualcode.demo import load_demo, load_demo_model
from qualcode.store.project import Project
from tests.conftest import ROOT
from tests.streamlit_server import require_chromium, streamlit_server, chromium_page

pytestmark = pytest.mark.browser

DOCS_IMG = ROOT / "docs" / "img"

# (file name, URL path, the text that says the page has rendered)
PAGES = [
    ("code.png", "", "Code"),
    ("browse.png", "browse", "Code browser"),
    ("codebook.png", "codebook", "Codebook"),
    ("transcripts.png", "transcripts", "Transcripts"),
    ("cases.png", "cases", "Cases"),
    ("memos.png", "memos", "Memos"),
    ("search.png", "search", "Search"),
    ("cooccurrence.png", "cooccurrence", "Code co-occurrence"),
    ("matrix.png", "matrix", "Framework matrix"),
    ("network.png", "network", "Relations and network"),
    ("compare.png", "compare", "Constant comparison"),
    ("saturation.png", "saturation", "Assessed interviews"),
    ("agreement.png", "agreement", "Inter-coder agreement"),
    ("export.png", "export", "Export"),
    ("import.png", "import", "Import / export"),
    ("users.png", "users", "Users"),
    ("audit.png", "audit", "Audit trail"),
    ("trash.png", "trash", "Trash"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("screenshots") / "demo.sqlite"
    project = Project(db)
    load_demo(project)
    load_demo_model(project)  # as on the app's first start: the network page shows the model
    project.close()
    with streamlit_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def page():
    # the machine is shared: be patient, not flaky
    with chromium_page(timeout=60_000, viewport={"width": 1280, "height": 800}) as pg:
        yield pg


def _settled(pg) -> None:
    """Streamlit has finished the run: no running indicator, and a moment for charts."""
    pg.locator('[data-testid="stStatusWidget"]').wait_for(state="detached")
    pg.wait_for_timeout(1200)


def test_screenshots_of_the_main_pages(app, page, tmp_path):
    update = os.environ.get("QUALCODE_UPDATE_SCREENSHOTS") == "1"
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.goto(app)
    page.get_by_label("Coder", exact=True).fill("demo")
    page.get_by_label("Coder", exact=True).press("Enter")
    for name, path, ready in PAGES:
        page.goto(f"{app}/{path}")
        if path == "saturation":
            page.get_by_text(ready, exact=True).first.wait_for()
        else:
            page.get_by_role("heading", name=ready, exact=True).first.wait_for()
        if path == "":
            page.locator(".qc-span-selector .qc-text span").first.wait_for()
        _settled(page)
        assert not page.locator('[data-testid="stException"]').count(), f"{path}: exception"
        target = DOCS_IMG / name
        if not (update or not target.exists()):
            target = tmp_path / name
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000  # a page, not a blank

