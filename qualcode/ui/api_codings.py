"""``POST /api/codings?project=<key>``: the coding canvas saves a coding over HTTP.

On a team server the canvas sends its ``apply`` and ``new`` actions here (``fetch`` from the
page, with the login cookie) instead of as a trigger that reruns the Code page: the answer is
the stored coding, so the browser confirms it at once, and the server does not rerun the page
(and the browser does not redraw it) for every coding. The page catches up on its next rerun
(the browser's next action, or a ``sync`` trigger a moment after the last save).

The caller is worked out from the request (``http_auth.actor_for_request``: 401 without a valid
login) and must send it from this server's pages (``require_same_origin``); the save runs as
that user (``project.acting_as``), so the library's permissions and blind coding apply
(``coding_save.save_coding``). Body: the canvas's action ``{"n": nonce, "op": "apply" | "new",
"t": transcript id, "start", "end", "code" | "name"}``. Answers (JSON, never cached):

* 200 ``{"n", "coding": [id, start, end, code id, coder, memo]}``: stored (a new coding, or the
  same coder's coding of that code it extended);
* 200 with ``"already": true``: the span has that code from that coder already (a re-sent
  action whose first answer was lost): the coding that holds it;
* 400 an action that cannot be read, 401 not logged in, 403 not allowed or not from this
  server's pages, 404 no such transcript or code, 422 refused otherwise (``error`` says why);
* 503 with ``"retry": true``: the project was busy or the save clashed with a colleague's at
  the same moment (nothing saved): the canvas keeps the coding pending and sends it again.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..errors import DuplicateError, NotFound, PermissionDenied, QualcodeError
from ..store.project import is_retryable
from .coding_save import SAVING_OPS, save_coding
from .http_auth import NO_STORE, actor_for_request, require_same_origin


def _row(coding_id, start, end, code_id, coder, memo) -> list:
    """A coding as the canvas's rows hold it: id, span, code, coder, the memo's start."""
    return [coding_id, start, end, code_id, coder or "", (memo or "")[:300]]


def _holding(project, action: dict, coder: str) -> list | None:
    """The coder's coding of the action's code that holds its span (after a DuplicateError):
    the span as the library compared it, white space at its ends trimmed."""
    from ..coding.spans import trim_span
    from ..coding.view import transcript_codings
    from ..corpus.transcripts import get_transcript

    code = action.get("code")
    start, end = trim_span(get_transcript(project, int(action["t"])).text,
                           int(action["start"]), int(action["end"]))
    for i, s, e, code_id, who, memo in transcript_codings(project, int(action["t"]),
                                                          viewer=coder):
        if who == coder and s <= start and end <= e and (code is None or code_id == int(code)):
            return _row(i, s, e, code_id, who, memo)
    return None


def _save(request: Request, action: dict) -> tuple[int, dict]:
    project, actor = actor_for_request(request)
    answer = {"n": action.get("n")}
    with project.acting_as(actor):
        try:
            coding = save_coding(project, action, actor.name)
        except DuplicateError as exc:
            row = _holding(project, action, actor.name)
            if row is None:
                return 422, {**answer, "error": str(exc)}
            return 200, {**answer, "coding": row, "already": True}
        except PermissionDenied as exc:
            return 403, {**answer, "error": str(exc)}
        except NotFound as exc:
            return 404, {**answer, "error": str(exc)}
        except QualcodeError as exc:
            if is_retryable(exc):
                return 503, {**answer, "error": str(exc), "retry": True}
            return 422, {**answer, "error": str(exc)}
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {**answer, "error": f"could not read that action ({exc})"}
        return 200, {**answer, "coding": _row(coding.id, coding.start, coding.end,
                                                coding.code_id, coding.coder, coding.memo)}


async def save_coding_route(request: Request) -> JSONResponse:
    require_same_origin(request)
    try:
        action = await request.json()
    except ValueError:
        raise HTTPException(400, "send the canvas's action as JSON") from None
    if not isinstance(action, dict) or action.get("op") not in SAVING_OPS:
        raise HTTPException(400, "send an apply or new action")
    status, body = await run_in_threadpool(_save, request, action)
    return JSONResponse(body, status_code=status, headers=NO_STORE)
