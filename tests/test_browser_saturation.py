"""The Saturation page and the one-click coding status in a real headless chromium."""

from __future__ import annotations

import pytest

from qualcode.coding.status import statuses
from qualcode.store.project import Project
from qualcode.corpus.transcripts import get_transcript
from tests.test_browser import app, page  # noqa: F401  (the app server and browser fixtures)

pytestmark = pytest.mark.browser


def test_saturation_page_and_mark_complete(app, page):  # noqa: F811
    url, db = app
    page.goto(f"{url}/saturation")
    page.get_by_text("Assessed interviews", exact=True).wait_for()
    page.locator(".vega-embed").nth(1).wait_for()  # new concepts, and the curves
    # issue 19: the rule and the random orders side by side, each with its sentence
    assert page.get_by_text("Random orders meeting the rule", exact=True).count() == 1
    assert page.get_by_text("Stopping rule, in interview order", exact=True).count() == 1
    page.get_by_text("In the order the interviews were held").wait_for()
    page.get_by_text("How the two can disagree").wait_for()
    # completeness and sample coverage, named apart; the look ahead in words
    assert page.get_by_text("Completeness", exact=True).count() >= 1  # metric, methods
    assert page.get_by_text("Sample coverage", exact=True).count() >= 1  # metric, methods
    page.get_by_text("More interviews needed:").first.wait_for()
    page.get_by_text("Methods: formulas and sources").click()
    page.get_by_text("Chao & Jost 2012, Ecology").wait_for()
    page.get_by_text("Saturation counts the interviews in this order").wait_for()
    assert page.locator(".vega-embed").count() == 2  # the small multiples' tab is not built
    page.get_by_role("tab", name="Sensitivity grid").click()
    page.locator("[data-testid='stDataFrame'] >> visible=true").first.wait_for()
    page.get_by_role("tab", name="Per tension").click()
    page.locator(".vega-embed >> visible=true").nth(2).wait_for()  # charts and small multiples
    page.get_by_text("Saturation counts the interviews in this order").wait_for(state="detached")
    # another page and back: the tab last open is open again, with its small multiples
    page.get_by_role("link", name="Codebook").click()
    page.get_by_role("heading", name="Codebook").wait_for()
    page.get_by_role("link", name="Saturation").click()
    page.locator(".vega-embed >> visible=true").nth(2).wait_for()
    assert page.get_by_role("tab", name="Per tension").get_attribute("aria-selected") == "true"

    # the Transcripts page edits the first transcript in order: the emoji interview (order 0)
    project = Project(db)
    emoji = get_transcript(project, "Interview 00 – P9")
    page.goto(f"{url}/transcripts")
    page.get_by_text("Coding status: coded").first.wait_for()
    page.get_by_role("button", name="Reopen coding").click()
    page.get_by_text("Coding status: in progress").wait_for()
    assert statuses(project)[emoji.id] == "in progress"
    page.get_by_role("button", name="Mark coding complete").click()
    page.get_by_text("Coding status: coded").first.wait_for()
    assert statuses(project)[emoji.id] == "coded"
    project.close()
