"""The Import / export page in a real headless chromium: upload an NVivo-style .qdpx, read the
import report, download the project as .qdpx."""

from __future__ import annotations

import pytest

from qualcode.coding.codings import all_codings
from qualcode.store.project import Project
from tests.test_browser import app, page  # noqa: F401  (fixtures)
from tests.test_refi_project import NVIVO_EXPECTED, nvivo_project, quotes, validate

pytestmark = pytest.mark.browser


def test_import_and_export_a_project_in_the_browser(app, page, tmp_path):  # noqa: F811
    url, db = app
    project = Project(db)
    before = len(all_codings(project))
    project.close()
    src = tmp_path / "nvivo.qdpx"
    src.write_bytes(nvivo_project())

    pg = page
    pg.goto(f"{url}/import")
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(src))
    pg.get_by_text("nvivo.qdpx").first.wait_for()  # uploaded and the page rerun, then import
    pg.get_by_role("button", name="Import").click()
    pg.get_by_text("5 codings", exact=False).first.wait_for()
    pg.get_by_text("Positions read as UTF-16 code units", exact=False).wait_for()
    pg.get_by_text("picture source", exact=False).first.wait_for(state="attached")  # grid cell

    project = Project(db)
    assert len(all_codings(project)) == before + 5
    got = quotes(project)
    for key, value in NVIVO_EXPECTED.items():
        assert got[key] == value
    project.close()

    with pg.expect_download() as info:
        pg.get_by_role("button", name="Download project (.qdpx)").click()
    path = tmp_path / "out.qdpx"
    info.value.save_as(path)
    doc = validate(path.read_bytes())
    assert doc.xpath("count(//*[local-name()='Coding'])") == before + 5
