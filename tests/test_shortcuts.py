"""The number keys 1–9 of the coding palette stay put (issue 17 item 1): seeded once from the
coder's most used codes, changed only by pinning, a used code takes a free key; and the
migration that adds their table."""

from __future__ import annotations

import pytest

from qualcode.coding import shortcuts
from qualcode.coding.codes import create_code, delete_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file
from qualcode.errors import ValidationError

TEXT = "P1: een twee drie vier vijf zes zeven acht negen tien elf twaalf.\n"


@pytest.fixture
def setup(project):
    t = ingest_file(project, "p1.txt", data=TEXT.encode(), name="P1")
    codes = [create_code(project, f"Code {i:02d}") for i in range(12)]
    return project, t, codes


def test_keys_are_seeded_once_and_stay_put(setup):
    project, t, codes = setup
    words = TEXT[4:].split()
    at = lambda w: (TEXT.index(w), TEXT.index(w) + len(w))  # noqa: E731
    add_coding(project, t.id, codes[5].id, *at("een"), coder="an")
    add_coding(project, t.id, codes[5].id, *at("twee"), coder="an")
    add_coding(project, t.id, codes[7].id, *at("drie"), coder="an")
    keys = shortcuts.shortcuts(project, "an")
    assert keys[:2] == [codes[5].id, codes[7].id]
    assert len(keys) == 9 and None not in keys
    # more codings of other codes: the keys do not move
    for w in words[3:9]:
        add_coding(project, t.id, codes[9].id, *at(w), coder="an")
    assert shortcuts.shortcuts(project, "an") == keys
    # pinning: Code 11 on key 2; a code pinned elsewhere leaves its old key
    keys = shortcuts.pin(project, "an", 2, codes[11].id)
    assert keys[1] == codes[11].id and codes[7].id not in keys
    keys = shortcuts.pin(project, "an", 3, codes[11].id)
    assert keys[1] is None and keys[2] == codes[11].id
    # a used code without a key takes the first free one; one with a key stays where it is
    shortcuts.used(project, "an", codes[7].id)
    assert shortcuts.shortcuts(project, "an")[1] == codes[7].id
    shortcuts.used(project, "an", codes[5].id)
    assert shortcuts.shortcuts(project, "an")[0] == codes[5].id
    # per coder
    assert shortcuts.shortcuts(project, "bo") != shortcuts.shortcuts(project, "an")
    with pytest.raises(ValidationError):
        shortcuts.pin(project, "an", 10, codes[0].id)
    # a deleted code frees its key
    delete_code(project, codes[11].id, force=True)
    assert shortcuts.shortcuts(project, "an")[2] is None


def test_an_empty_codebook_gives_free_keys_that_fill_with_use(project):
    t = ingest_file(project, "p1.txt", data=TEXT.encode(), name="P1")
    assert shortcuts.shortcuts(project, "an") == [None] * 9
    a = create_code(project, "A")
    shortcuts.used(project, "an", a.id)
    assert shortcuts.shortcuts(project, "an") == [a.id] + [None] * 8
    assert t.id


def test_an_old_project_upgrades_to_the_shortcuts_table(tmp_path):
    """Migration 0008 adds the table to an existing project: its data stays, keys work."""
    from qualcode.coding.codings import all_codings
    from qualcode.store.project import Project
    from tests.test_migrations import make_old_database

    path = tmp_path / "old.sqlite"
    make_old_database(f"sqlite:///{path}")
    project = Project(path)
    try:
        [coding] = all_codings(project)
        keys = shortcuts.shortcuts(project, "ab")
        assert keys[0] == coding.code_id and len(keys) == 9
    finally:
        project.close()
