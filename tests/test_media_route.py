"""The recording route ``GET /api/media/<transcript id>`` (qualcode/ui/server.py) served by a
real Streamlit process and fetched with http.client: the whole file, range requests (first
bytes, the middle, a suffix, unsatisfiable), who may fetch it (local mode; with logins: no
cookie, a coder, an ended token, a deactivated account, a token of another project, an account
without read permission) and bounded server memory for a 300 MB recording."""

from __future__ import annotations

import http.client
import struct
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from qualcode.corpus import ingest_file
from qualcode.corpus.media import attach_media
from qualcode.store.models import User
from qualcode.store.project import Project, resolve_url
from qualcode.store.users import add_user, end_sessions, login_token, set_active
from qualcode.ui.state import auth_cookie_name, project_key
from tests.streamlit_server import streamlit_process


def wav_file(path, data_bytes: int, pattern: bytes = b"") -> bytes | None:
    """A PCM .wav (mono, 8 kHz, 16 bit) with ``data_bytes`` of samples: ``pattern`` repeated
    (returned whole), or zeros left sparse on disk (nothing returned)."""
    header = (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
              + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
              + b"data" + struct.pack("<I", data_bytes))
    with open(path, "wb") as f:
        f.write(header)
        if pattern:
            body = (pattern * (data_bytes // len(pattern) + 1))[:data_bytes]
            f.write(body)
            return header + body
        f.truncate(len(header) + data_bytes)
    return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A project with one transcript and its recording (distinct bytes everywhere, so a range
    can be checked byte for byte), served with logins required; two accounts."""
    folder = tmp_path_factory.mktemp("media_route")
    db = folder / "p.sqlite"
    content = wav_file(folder / "P1.wav", 200_000, bytes(range(251)))
    project = Project(db)
    t = ingest_file(project, "P1.txt", data=b"A: hello there\nB: hi\n")
    attach_media(project, t.id, folder / "P1.wav")
    add_user(project, "anna", "correct horse battery", "coder")
    add_user(project, "bram", "correct horse battery", "read-only")
    with streamlit_process(db, QUALCODE_LOGIN="required") as (url, process):
        yield url, db, project, t.id, content, process
    project.close()


def get(url: str, path: str, headers: dict | None = None, method: str = "GET"):
    """``(status, headers, body)`` of one request (the body read to the end)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def cookie_for(db, token: str) -> dict:
    return {"Cookie": f"{auth_cookie_name(resolve_url(str(db)))}={token}"}


def test_the_whole_recording_for_a_logged_in_coder(served):
    url, db, project, tid, content, _ = served
    status, headers, body = get(url, f"/api/media/{tid}", cookie_for(db, login_token(project,
                                                                                 "anna")))
    assert status == 200
    assert body == content
    assert headers["content-type"] == "audio/wav"
    assert headers["content-length"] == str(len(content))
    assert headers["accept-ranges"] == "bytes"
    assert headers["cache-control"] == "private, no-store"
    # the project can be named by its key (as the pages do), HEAD answers without a body
    key = project_key(resolve_url(str(db)))
    status, headers, body = get(url, f"/api/media/{tid}?project={key}",
                                cookie_for(db, login_token(project, "anna")), method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", str(len(content)))


def test_ranges(served):
    url, db, project, tid, content, _ = served
    auth = cookie_for(db, login_token(project, "bram"))  # read-only may listen too
    size = len(content)

    def ranged(spec):
        return get(url, f"/api/media/{tid}", {**auth, "Range": f"bytes={spec}"})

    status, headers, body = ranged("0-99")  # the first bytes
    assert (status, body) == (206, content[:100])
    assert headers["content-range"] == f"bytes 0-99/{size}"
    assert headers["content-length"] == "100"
    assert headers["content-type"] == "audio/wav"
    status, headers, body = ranged("1000-70999")  # the middle, more than one chunk
    assert (status, body) == (206, content[1000:71000])
    assert headers["content-range"] == f"bytes 1000-70999/{size}"
    status, headers, body = ranged("-500")  # the last 500 bytes
    assert (status, body) == (206, content[-500:])
    assert headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"
    status, headers, body = ranged(f"{size - 10}-")  # from a byte to the end
    assert (status, body) == (206, content[-10:])
    status, headers, _ = ranged(f"{size}-{size + 10}")  # past the end
    assert status == 416
    assert headers["content-range"] == f"bytes */{size}"


def test_refused_without_a_valid_login(served):
    url, db, project, tid, _content, _ = served
    status, headers, body = get(url, f"/api/media/{tid}")
    assert status == 401 and b"RIFF" not in body
    assert get(url, f"/api/media/{tid}", cookie_for(db, "forged.token.value"))[0] == 401
    # a token copied before logging out is refused afterwards (every token of the user ends)
    add_user(project, "carl", "correct horse battery", "coder")
    token = login_token(project, "carl")
    assert get(url, f"/api/media/{tid}", cookie_for(db, token))[0] == 200
    end_sessions(project, "carl")
    assert get(url, f"/api/media/{tid}", cookie_for(db, token))[0] == 401
    # a deactivated account
    add_user(project, "dora", "correct horse battery", "coder")
    token = login_token(project, "dora")
    set_active(project, "dora", False)
    assert get(url, f"/api/media/{tid}", cookie_for(db, token))[0] == 401


def test_a_token_of_another_project_is_refused(served, tmp_path):
    url, db, _project, tid, _content, _ = served
    other = Project(tmp_path / "other.sqlite")
    add_user(other, "anna", "correct horse battery", "admin")
    token = login_token(other, "anna")  # signed with the other project's secret
    other.close()
    assert get(url, f"/api/media/{tid}", cookie_for(db, token))[0] == 401


def test_a_user_who_may_not_read_learns_nothing(served):
    url, db, project, tid, _content, _ = served
    add_user(project, "erik", "correct horse battery", "coder")
    token = login_token(project, "erik")
    # an account whose role grants no reading (as a role unknown to this version would)
    with project.transaction() as s:
        s.execute(update(User).where(User.name == "erik").values(role="none"))
    refused = get(url, f"/api/media/{tid}", cookie_for(db, token))
    missing = get(url, "/api/media/999999", cookie_for(db, login_token(project, "anna")))
    assert refused[0] == missing[0] == 404
    assert refused[2] == missing[2]  # the same answer as for a recording that does not exist
    assert get(url, "/api/media/abc", cookie_for(db, login_token(project, "anna")))[0] == 404
    assert get(url, f"/api/media/{tid}?project=0123456789ab",
               cookie_for(db, login_token(project, "anna")))[0] == 404


@contextmanager
def _local_server(tmp_path, data_bytes, pattern=b""):
    db = tmp_path / "local.sqlite"
    content = wav_file(tmp_path / "big.wav", data_bytes, pattern)
    project = Project(db)
    t = ingest_file(project, "P1.txt", data=b"A: hello\n")
    attach_media(project, t.id, tmp_path / "big.wav")
    project.close()
    (tmp_path / "big.wav").unlink()
    with streamlit_process(db) as (url, process):
        yield url, t.id, content, process


def test_local_mode_needs_no_login(tmp_path):
    with _local_server(tmp_path, 5000, b"xy") as (url, tid, content, _):
        status, headers, body = get(url, f"/api/media/{tid}")
        assert (status, body) == (200, content)
        # a request through a reverse proxy is not local: a login is needed
        assert get(url, f"/api/media/{tid}", {"X-Forwarded-For": "203.0.113.9"})[0] == 401


def rss(pid: int) -> int:
    """Resident memory of a process in bytes (Linux /proc, as bench/bench_ui.py reads it)."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_large_recording_is_streamed_in_bounded_memory(tmp_path):
    size = 300 * 1024 * 1024
    with _local_server(tmp_path, size) as (url, tid, _content, process):
        assert get(url, f"/api/media/{tid}", {"Range": "bytes=0-9"})[0] == 206  # warmed up
        before = rss(process.pid)
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        conn.request("GET", f"/api/media/{tid}")
        r = conn.getresponse()
        assert r.status == 200 and int(r.getheader("content-length")) == size + 44
        received, peak = 0, before
        while chunk := r.read(1 << 20):
            received += len(chunk)
            if received % (32 << 20) < (1 << 20):
                peak = max(peak, rss(process.pid))
        conn.close()
        peak = max(peak, rss(process.pid))
        assert received == size + 44
        grown = peak - before
        print(f"server RSS grew by {grown / 2**20:.1f} MB serving {size / 2**20:.0f} MB")
        assert grown < 40 * 1024 * 1024, f"the server grew by {grown / 2**20:.0f} MB"


@pytest.mark.postgres
def test_on_postgresql_a_login_is_needed_without_being_told(tmp_path, monkeypatch):
    """A PostgreSQL project always needs logins (no QUALCODE_LOGIN here): the route refuses a
    request without the login cookie and serves one with it, from $QUALCODE_MEDIA_DIR."""
    import os

    from qualcode.store.models import Base
    from tests.conftest import PG_URL

    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("QUALCODE_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("no PostgreSQL (set QUALCODE_TEST_PG_URL, as .ci/run does)")
    media = tmp_path / "shared-media"
    monkeypatch.setenv("QUALCODE_MEDIA_DIR", str(media))
    project = Project(PG_URL)
    try:
        Base.metadata.drop_all(project.engine)
        Base.metadata.create_all(project.engine)
        content = wav_file(tmp_path / "P1.wav", 3000, b"pg")
        t = ingest_file(project, "P1.txt", data=b"A: hello\n")
        attach_media(project, t.id, tmp_path / "P1.wav")
        add_user(project, "anna", "correct horse battery", "coder")
        with streamlit_process(tmp_path / "pg", QUALCODE_DB_URL=PG_URL,
                               QUALCODE_MEDIA_DIR=str(media)) as (url, _process):
            assert get(url, f"/api/media/{t.id}")[0] == 401
            cookie = {"Cookie": f"{auth_cookie_name(resolve_url(PG_URL))}="
                                f"{login_token(project, 'anna')}"}
            status, _headers, body = get(url, f"/api/media/{t.id}", cookie)
            assert (status, body) == (200, content)
    finally:
        Base.metadata.drop_all(project.engine)
        project.close()
