"""Blind coding and reconciliation in a real headless Debian chromium."""

from __future__ import annotations

import pytest

from qualcode.coding.codings import all_codings
from qualcode.store.project import Project
from qualcode.store.settings import CONSENSUS, blind_coding, set_blind_coding
from tests.test_agreement import Study
from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture
def app(tmp_path):
    require_chromium()
    db = tmp_path / "blind.sqlite"
    project = Project(db)
    Study(project)
    set_blind_coding(project, True)
    project.close()
    with streamlit_server(db) as url:
        yield url, db


def test_blind_coding_then_unblind_and_reconcile(app):
    from playwright.sync_api import sync_playwright

    url, db = app
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        pg.set_default_timeout(30000)
        try:
            pg.goto(url)
            pg.get_by_label("Coder", exact=True).fill("ann")
            pg.get_by_label("Coder", exact=True).press("Enter")
            coded = pg.locator(".qc-span-selector .qc-coded")
            coded.filter(has_text="Het begon slecht.").first.wait_for()
            pg.wait_for_timeout(500)
            # blind: ann's own codings are highlighted, bob's longer span is not
            assert coded.filter(has_text="Toen werd het beter.").count() == 0
            assert coded.filter(has_text="Ik bleef.").count() == 1

            pg.get_by_role("link", name="Agreement").click()
            pg.get_by_text("Blind coding is on: the figures below").wait_for()
            assert pg.get_by_role("button", name="Adopt ann").count() == 0
            pg.get_by_text("Blind coding: each coder sees only their own codings").click()
            pg.get_by_role("button", name="Adopt ann").first.wait_for()
            project = Project(db)
            assert blind_coding(project) is False
            project.close()
            pg.get_by_role("button", name="Adopt ann").first.click()
            pg.get_by_text("• A\n• B").first.wait_for()  # the consensus column
            project = Project(db)
            assert sorted(c.coder for c in all_codings(project, coder=CONSENSUS)) == [
                CONSENSUS, CONSENSUS]
            project.close()

            # unblinded, the Code page shows bob's coding too
            pg.get_by_role("link", name="Code", exact=True).click()
            coded.filter(has_text="Toen werd het beter.").first.wait_for()
        finally:
            browser.close()
