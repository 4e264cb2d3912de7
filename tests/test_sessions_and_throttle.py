"""Sessions end when they should and logins are throttled without a hard lock (issue 16,
items 4 and 5)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.store.project import Project
from qualcode.store.throttle import FREE, MAX_DELAY, Throttle, is_last_admin
from qualcode.store.users import (add_user, change_password, end_sessions, login_token,
                                  reset_password, set_active, user_from_token)
from tests.apptest import app_db
from tests.conftest import ROOT


@pytest.fixture
def project(tmp_path):
    p = Project(tmp_path / "s.sqlite")
    add_user(p, "boss", "boss password", "admin")
    add_user(p, "anna", "anna password", "coder")
    yield p
    p.close()


def test_logout_ends_every_token_issued_before(project):
    first, second = login_token(project, "anna"), login_token(project, "anna")
    assert user_from_token(project, first).name == "anna"
    end_sessions(project, "anna")  # logging out on one device
    assert user_from_token(project, first) is None
    assert user_from_token(project, second) is None  # the other device too
    fresh = login_token(project, "anna")
    assert user_from_token(project, fresh).name == "anna"
    assert user_from_token(project, login_token(project, "boss")).name == "boss"  # others stay


@pytest.mark.parametrize("how", ["change", "reset", "deactivate"])
def test_password_change_reset_and_deactivation_end_tokens(project, how):
    token = login_token(project, "anna")
    if how == "change":
        change_password(project, "anna", "anna password", "a new password")
    elif how == "reset":
        reset_password(project, "anna", "reset password")
    else:
        set_active(project, "anna", False)
    assert user_from_token(project, token) is None


def test_a_token_is_checked_in_every_server_process(project, tmp_path):
    """Revocation lives in the database: a second process (another Project) sees it."""
    token = login_token(project, "anna")
    other = Project(project.url)
    assert user_from_token(other, token).name == "anna"
    end_sessions(project, "anna")
    assert user_from_token(other, token) is None
    other.close()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_growing_delays_per_name_and_address_never_a_hard_lock():
    clock = Clock()
    t = Throttle(clock)
    for _ in range(FREE):
        assert t.wait("1.2.3.4", "anna") == 0
        t.failed("1.2.3.4", "anna")
    waits = []
    for _ in range(12):
        w = t.wait("1.2.3.4", "anna")
        waits.append(w)
        clock.now += w
        t.failed("1.2.3.4", "anna")
    assert waits[:4] == [2.0, 4.0, 8.0, 16.0]  # growing …
    assert max(waits) == MAX_DELAY             # … up to a minute, never more
    # the name is held up from another address too (a distributed guesser) …
    assert t.wait("5.6.7.8", "anna") > 0
    # … and the address for other names (one guesser trying many names)
    assert t.wait("1.2.3.4", "bram") > 0
    assert t.wait("5.6.7.8", "bram") == 0
    clock.now += MAX_DELAY
    assert t.wait("5.6.7.8", "anna") == 0  # a minute later: the right password may try again


def test_the_last_admin_is_never_held_up_locally(project):
    clock = Clock()
    t = Throttle(clock)
    for _ in range(20):
        t.failed("6.6.6.6", "boss")
    assert is_last_admin(project, "boss") and not is_last_admin(project, "anna")
    assert t.wait("127.0.0.1", "boss", exempt=True) == 0
    assert t.wait("127.0.0.1", "boss") > 0


def _login(at, name, password):
    next(x for x in at.text_input if x.label == "User name").input(name)
    next(x for x in at.text_input if x.label == "Password").input(password)
    at.button[0].click().run()


def test_login_page_throttles_and_logout_revokes(tmp_path, monkeypatch):
    from qualcode.ui.login import _throttle

    _throttle.clear()  # the process's failed logins: another test's for "anna" must not count
    db = app_db(tmp_path, monkeypatch)
    monkeypatch.setenv("QUALCODE_LOGIN", "required")
    p = Project(db)
    add_user(p, "boss", "boss password", "admin")
    add_user(p, "anna", "anna password", "coder")
    p.close()
    at = AppTest.from_file(str(ROOT / "qualcode" / "ui" / "app.py"), default_timeout=60)
    at.run()
    for _ in range(FREE):
        _login(at, "anna", "wrong")
        assert any("wrong password" in e.value for e in at.error)
    _login(at, "anna", "anna password")  # held up: not even checked
    assert any("try again in" in e.value for e in at.error)
    # the last admin, on the server's own machine, is never held up by failures on his name
    for _ in range(FREE + 2):
        _login(at, "boss", "wrong")
    _login(at, "boss", "boss password")
    assert not at.exception and "boss (admin)" in [t.value for t in at.sidebar.text]
    token = at.session_state["qc_token"]
    p = Project(db)
    assert user_from_token(p, token).name == "boss"
    next(b for b in at.sidebar.button if b.label == "Log out").click().run()
    assert user_from_token(p, token) is None  # the copied token no longer logs in
    p.close()
