"""``POST /api/codings`` (ui/api_codings.py): the coding canvas saves a coding over HTTP on a
team server, served by a real app process, as the logged-in user (the login cookie), with the
library's permissions and blind coding; a re-sent action does not make a second coding."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from qualcode.coding.codes import create_code
from qualcode.coding.codings import codings_for_transcript
from qualcode.coding.history import recent_actions
from qualcode.corpus import ingest_file
from qualcode.store.project import Project
from qualcode.store.settings import set_blind_coding
from qualcode.store.users import add_user, login_token
from qualcode.ui.state import auth_cookie_name
from tests.streamlit_server import streamlit_server

TEXT = "P1: De huur steeg elk jaar.\nP1: Toen zochten we een kleinere woning.\n"


def _post(url: str, body, cookie: str | None = None, origin: bool = True):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/api/codings", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    if origin:
        request.add_header("Origin", url)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")


def test_a_coding_saved_over_http_as_the_logged_in_user(tmp_path):
    db = tmp_path / "team.sqlite"
    project = Project(db)
    add_user(project, "ann", "admin password", "admin")
    add_user(project, "cy", "coder password", "coder")
    add_user(project, "bo", "coder password", "coder")
    add_user(project, "ro", "reader password", "read-only")
    t = ingest_file(project, "a.txt", data=TEXT.encode(), name="Interview 1")
    t = t[0] if isinstance(t, list) else t
    code = create_code(project, "Housing")
    set_blind_coding(project, True)
    cookie = {name: f"{auth_cookie_name(project.url)}={login_token(project, name)}"
              for name in ("cy", "bo", "ro")}
    start = TEXT.index("De huur")
    end = start + len("De huur steeg elk jaar.")
    action = {"n": "x-1", "op": "apply", "t": t.id, "code": code.id, "start": start, "end": end}
    with streamlit_server(db, QUALCODE_LOGIN="required") as url:
        assert _post(url, action)[0] == 401                        # no login
        assert _post(url, action, cookie["cy"], origin=False)[0] == 403  # not from our pages
        assert _post(url, action, "qualcode_auth_x=forged")[0] == 401
        status, body = _post(url, action, cookie["ro"])            # a reader may not code
        assert status == 403 and body["error"].startswith("ro (")
        status, body = _post(url, action, cookie["cy"])
        assert status == 200 and body["n"] == "x-1" and "already" not in body
        coding_id, s, e, code_id, coder, memo = body["coding"]
        assert (s, e, code_id, coder, memo) == (start, end, code.id, "cy", "")
        # the same action again (its answer was lost): the same coding, not a second one
        assert _post(url, action, cookie["cy"]) == (
            200, {"n": "x-1", "coding": body["coding"], "already": True})
        # … also when the span was sent with the white space around it (the library trims it)
        assert _post(url, {**action, "n": "x-1b", "start": start - 1, "end": end + 1},
                     cookie["cy"]) == (200, {"n": "x-1b", "coding": body["coding"],
                                             "already": True})
        # blind coding: another coder codes the same span, sees only their own coding
        status, other = _post(url, {**action, "n": "y-1"}, cookie["bo"])
        assert status == 200 and other["coding"][4] == "bo" and "already" not in other
        # an in-vivo code, created as it is named
        status, new = _post(url, {"n": "x-2", "op": "new", "name": "kleinere woning",
                                  "t": t.id, "start": TEXT.index("kleinere"),
                                  "end": TEXT.index("kleinere") + len("kleinere woning")},
                            cookie["cy"])
        assert status == 200 and new["coding"][4] == "cy"
        assert _post(url, {**action, "n": "x-3", "start": 5, "end": 10**6},
                     cookie["cy"])[0] == 422                       # outside the text
        assert _post(url, {**action, "n": "x-4", "code": 99999}, cookie["cy"])[0] == 404
        assert _post(url, {**action, "n": "x-5", "start": "a"}, cookie["cy"])[0] == 400
        assert _post(url, b"not json", cookie["cy"])[0] == 400
        assert _post(url, {**action, "op": "remove"}, cookie["cy"])[0] == 400
    check = Project(db)
    rows = sorted((c.coder, c.start, c.end) for c in codings_for_transcript(check, t.id))
    assert rows == [("bo", start, end), ("cy", start, end),
                    ("cy", TEXT.index("kleinere"), TEXT.index("kleinere") + len("kleinere woning"))]
    # undoable as any coding from the page: one history entry per saved coding
    assert len(recent_actions(check, "cy", limit=10)) == 2
    check.close()


def test_a_save_that_meets_a_held_write_lock_is_sent_again_not_dropped(tmp_path, monkeypatch):
    """A save refused only because the project was busy (another writer held the lock too
    long) is answered 503 "retry" (the canvas keeps it pending and sends it again), not 422
    (given up): once the lock is free the same action is stored. Served in-process (Starlette's
    test client) on a real SQLite file, a second connection holding the write lock."""
    import sqlite3

    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    import qualcode.store.project as store_project
    from qualcode.ui import state
    from qualcode.ui.api_codings import save_coding_route

    db = tmp_path / "busy.sqlite"
    monkeypatch.setenv("QUALCODE_DB_URL", str(db))
    monkeypatch.setenv("QUALCODE_LOGIN", "required")
    state._default_url.cache_clear()
    url = state.default_url()
    project = Project(url)
    add_user(project, "cy", "coder password", "coder")
    t = ingest_file(project, "a.txt", data=TEXT.encode(), name="Interview 1")
    t = t[0] if isinstance(t, list) else t
    code = create_code(project, "Housing")
    cookie = f"{auth_cookie_name(url)}={login_token(project, 'cy')}"
    project.close()
    monkeypatch.setattr(store_project, "LOCK_WAIT_SECONDS", 0.5)
    client = TestClient(Starlette(routes=[Route("/api/codings", save_coding_route,
                                                methods=["POST"])]))
    headers = {"Origin": "http://testserver", "Cookie": cookie}
    action = {"n": "b-1", "op": "apply", "t": t.id, "code": code.id, "start": 4, "end": 11}
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the project
    try:
        busy = client.post("/api/codings", json=action, headers=headers)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.status_code == 503 and busy.json()["retry"] is True
    saved = client.post("/api/codings", json=action, headers=headers)
    assert saved.status_code == 200 and saved.json()["coding"][1:5] == [4, 11, code.id, "cy"]
    state._default_url.cache_clear()


def test_only_clashes_of_the_moment_are_retryable():
    from qualcode.errors import BusyError, ConflictError
    from qualcode.store.project import is_retryable

    assert is_retryable(BusyError("busy"))
    assert not is_retryable(ConflictError("a code of that name exists"))
    assert not is_retryable(ValueError("x"))


def test_two_coders_typing_one_new_code_name_both_get_their_coding(tmp_path, monkeypatch):
    """Two coders (on two server processes) type the same new code name at the same moment:
    the second one's insert clashes with the first's, on the sibling check or on the database's
    unique name. Their coding is not refused ("a code with this name already exists"): it gets
    the code the colleague just made. Seen in the load test of 20 coders on two processes."""
    from qualcode.errors import ConflictError
    from qualcode.ui import coding_save

    project = Project(tmp_path / "race.sqlite")
    t = ingest_file(project, "a.txt", data=TEXT.encode(), name="Interview 1")
    t = t[0] if isinstance(t, list) else t
    real_tree, real_create = coding_save.code_tree, coding_save.create_code
    for clash, name in (("sibling check", "Stress"), ("unique name", "Network")):
        looked = []

        def late_tree(p, name=name, looked=looked):
            looked.append(1)
            if len(looked) == 1:  # this page looked just before a colleague created the code
                real_create(p, name)
                return [n for n in real_tree(p) if n.code.name != name]
            return real_tree(p)

        def clashing_create(p, wanted, *args, **kwargs):
            if clash == "unique name":  # the colleague's insert won the race in the database
                raise ConflictError("a code with this name already exists at that level; "
                                    "nothing was saved")
            return real_create(p, wanted, *args, **kwargs)

        monkeypatch.setattr(coding_save, "code_tree", late_tree)
        monkeypatch.setattr(coding_save, "create_code", clashing_create)
        coding = coding_save.save_coding(project, {"op": "new", "name": name, "t": t.id,
                                                   "start": 4, "end": 11}, "cy")
        monkeypatch.setattr(coding_save, "code_tree", real_tree)
        named = [n.code for n in real_tree(project) if n.code.name.casefold() == name.casefold()]
        assert len(named) == 1, clash
        assert coding.code_id == named[0].id, clash
    project.close()
