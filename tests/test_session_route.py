"""The login cookie route ``/api/session`` (qualcode/ui/server.py) of a real Streamlit server:
a valid token becomes an HttpOnly, SameSite=Strict cookie (Secure behind an https proxy); a
bad token or code, a request from another site or without an origin is refused; DELETE clears
it. The one-time codes the pages send (qualcode/ui/handoff.py) are tested here in-process; the
browser test (tests/test_browser_login.py) logs in through them."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

import pytest

from qualcode.store.project import Project, resolve_url
from qualcode.store.users import TOKEN_MAX_AGE, add_user, login_token
from qualcode.ui.state import auth_cookie_name, project_key
from tests.streamlit_server import streamlit_server
from tests.test_media_route import get


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("session_route") / "p.sqlite"
    project = Project(db)
    add_user(project, "anna", "correct horse battery", "coder")
    with streamlit_server(db, QUALCODE_LOGIN="required") as url:
        yield url, db, project
    project.close()


def post(url, path, body, **headers):
    from urllib.parse import urlsplit
    import http.client

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Content-Type": "application/json", **headers})
        r = conn.getresponse()
        return r.status, r.getheader("set-cookie"), r.read()
    finally:
        conn.close()


def test_a_valid_token_becomes_an_httponly_cookie(served):
    url, db, project = served
    key = project_key(resolve_url(str(db)))
    path = f"/api/session?project={key}"
    token = login_token(project, "anna")
    status, set_cookie, _ = post(url, path, {"token": token}, Origin=url)
    assert status == 200
    cookie = SimpleCookie(set_cookie)[auth_cookie_name(resolve_url(str(db)))]
    assert cookie.value == token
    assert cookie["httponly"] and cookie["samesite"] == "strict" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == TOKEN_MAX_AGE and not cookie["secure"]
    # behind a proxy that says the browser used https: Secure
    _, set_cookie, _ = post(url, path, {"token": token}, Origin="https://qc.example.org",
                            Host="qc.example.org", **{"X-Forwarded-Proto": "https"})
    assert "Secure" in set_cookie
    # with that cookie the recording route knows the caller (404: no such recording, not 401)
    assert get(url, "/api/media/1", {"Cookie": f"{cookie.key}={cookie.value}"})[0] == 404


def test_refused_tokens_and_origins(served):
    url, db, project = served
    path = f"/api/session?project={project_key(resolve_url(str(db)))}"
    token = login_token(project, "anna")
    assert post(url, path, {"token": "forged.token"}, Origin=url)[:2] == (401, None)
    # a one-time code this server did not issue (the pages' way: ui/handoff.py)
    assert post(url, path, {"code": "made-up"}, Origin=url)[:2] == (401, None)
    assert post(url, path, ["not", "an", "object"], Origin=url)[:2] == (400, None)
    assert post(url, path, {"token": 5}, Origin=url)[:2] == (401, None)
    assert post(url, path, {"token": token}, Origin="http://evil.example")[:2] == (403, None)
    assert post(url, path, {"token": token})[:2] == (403, None)  # no Origin, no Referer
    assert post(url, "/api/session?project=0123456789ab", {"token": token},
                Origin=url)[:2] == (404, None)


def test_delete_clears_the_cookie(served):
    url, db, _project = served
    from urllib.parse import urlsplit
    import http.client

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("DELETE", "/api/session", headers={"Origin": url})
    r = conn.getresponse()
    assert r.status == 200
    cookie = SimpleCookie(r.getheader("set-cookie"))[auth_cookie_name(resolve_url(str(db)))]
    assert cookie.value == "" and int(cookie["max-age"]) == 0 and cookie["httponly"]
    conn.close()


def test_one_time_codes():
    from qualcode.ui import handoff

    code = handoff.issue("sqlite:///a", "TOKEN-A", now=100.0)
    assert handoff.redeem("sqlite:///b", code, now=101.0) is None  # another project: used up
    assert handoff.redeem("sqlite:///a", code, now=101.0) is None
    code = handoff.issue("sqlite:///a", "TOKEN-A", now=100.0)
    assert handoff.redeem("sqlite:///a", code, now=101.0) == "TOKEN-A"
    assert handoff.redeem("sqlite:///a", code, now=102.0) is None  # good once
    late = handoff.issue("sqlite:///a", "TOKEN-A", now=100.0)
    assert handoff.redeem("sqlite:///a", late, now=100.0 + handoff.TTL) is None  # expired
    assert handoff.redeem("sqlite:///a", None) is None
    assert len({handoff.issue("u", "t") for _ in range(50)}) == 50
