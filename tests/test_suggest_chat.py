"""The chat backend against a small OpenAI-compatible server on 127.0.0.1 (never the network):
the protocol, verbatim-only spans, provenance, and nothing sent unless configured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qualcode.cli import main
from qualcode.coding import suggest_service
from qualcode.coding.suggest_backends import configure_chat
from qualcode.corpus.transcripts import get_transcript


class FakeChat(BaseHTTPRequestHandler):
    requests: list = []
    transcript_quote = ""

    def log_message(self, *_args):  # quiet
        pass

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body,
                                    "auth": self.headers.get("Authorization")})
        user = body["messages"][1]["content"]
        if user.startswith("Interview:"):
            items = [{"quote": self.transcript_quote, "code": "Authenticity", "score": 0.9,
                      "why": "verbatim"},
                     {"quote": "Dit staat nergens in het interview.", "code": "Authenticity",
                      "score": 0.95, "why": "made up"},
                     {"quote": self.transcript_quote, "code": "No such code", "score": 0.9}]
        else:
            items = [{"code": "Mastery & trial / Trial: learning anew", "score": 0.8,
                      "why": "learning"},
                     {"code": "Not in the codebook", "score": 0.7}]
        answer = {"id": "x", "object": "chat.completion", "model": body["model"],
                  "choices": [{"index": 0, "finish_reason": "stop", "message": {
                      "role": "assistant",
                      "content": "Here you are:\n```json\n" + json.dumps(items) + "\n```"}}]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():
    FakeChat.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    suggest_service.forget()


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_nothing_is_sent_unless_an_endpoint_is_configured(capsys, demo_project, server):
    db = demo_project.url.removeprefix("sqlite:///")
    code, out, _ = run(capsys, "--db", db, "suggest", "Ik leer elke week", "--json")
    assert code == 0 and json.loads(out)
    code, out, _ = run(capsys, "--db", db, "suggest-backend")
    assert "nothing leaves this machine" in out
    assert FakeChat.requests == []


def test_chat_backend_passages_and_verbatim_spans(capsys, demo_project, server, monkeypatch):
    db = demo_project.url.removeprefix("sqlite:///")
    port = server.server_address[1]
    monkeypatch.setenv("MY_LLM_KEY", "sekret")
    code, out, err = run(capsys, "--db", db, "suggest-backend", "--endpoint",
                         f"http://127.0.0.1:{port}/v1", "--model", "tiny-llm",
                         "--api-key-env", "MY_LLM_KEY")
    assert code == 0 and "tiny-llm" in out and "sent there" in out
    code, out, err = run(capsys, "--db", db, "suggest", "Ik leer elke week iets bij", "--json")
    assert code == 0, err
    [item] = json.loads(out)  # the code not in the codebook is dropped
    assert item["code"] == "Mastery & trial / Trial: learning anew" and item["score"] == 0.8
    ev = item["evidence"]
    assert (ev["backend"], ev["model"], ev["prompt_version"]) == ("chat", "tiny-llm", "chat-1")
    assert ev["seconds"] >= 0 and ev["why"] == "learning"
    request = FakeChat.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sekret"
    assert request["body"]["model"] == "tiny-llm"
    assert "Trial: learning anew" in request["body"]["messages"][0]["content"]  # the codebook

    name = "Interview 01 – P1"
    text = get_transcript(demo_project, name).text
    FakeChat.transcript_quote = "Op 3 weken tijd voelde ik me terug als nieuw."
    code, out, err = run(capsys, "--db", db, "suggestions", name, "--min-score", "0.5",
                         "--json", "--queue")
    assert code == 0, err
    [span] = json.loads(out)  # the made-up quote and the unknown code are refused
    assert text[span["start"]:span["end"]] == FakeChat.transcript_quote
    assert span["code"] == "Authenticity" and span["score"] == 0.9
    from qualcode.coding.suggest_queue import pending

    [queued] = pending(demo_project, get_transcript(demo_project, name).id)
    assert queued.provenance.startswith("suggested by tiny-llm vtiny-llm, prompt chat-1")


def test_an_unreachable_endpoint_is_a_clear_error(capsys, demo_project):
    db = demo_project.url.removeprefix("sqlite:///")
    configure_chat(demo_project, "http://127.0.0.1:9/v1", "tiny-llm")
    code, _out, err = run(capsys, "--db", db, "suggest", "Ik leer", "--json")
    assert code == 2 and "could not be reached" in err and "127.0.0.1:9" in err
    code, _out, err = run(capsys, "--db", db, "suggest-backend", "--endpoint", "ftp://x",
                          "--model", "m")
    assert code == 2 and "http://" in err
