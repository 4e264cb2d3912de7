"""Suggestion backends: what proposes codes for a passage and codings for a transcript.

``SuggestBackend`` is the interface. Two backends ship:

* ``LocalBackend`` (the default): the project's own learned model
  (qualcode.coding.suggest_model). Nothing leaves the machine.
* ``ChatBackend``: a language model behind an OpenAI-compatible ``/v1/chat/completions``
  endpoint (Ollama, llama.cpp's server, vLLM, or a cloud service). Used only when the
  researcher has configured an endpoint (project settings ``suggest.endpoint`` and
  ``suggest.model``, or ``qualcode suggest-backend``); then the passages asked about and the
  codebook are sent to that endpoint, and nothing else. The API key, if the endpoint needs one,
  is read from the environment variable named in ``suggest.api_key_env`` (never stored).
  A suggested span is accepted only when its quote is found verbatim in the transcript.

Every suggestion carries the backend, model, model version, prompt version and the seconds it
took; the review queue stores them with each suggestion.
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import ValidationError
from ..store.project import Project

log = logging.getLogger(__name__)
CHAT_PROMPT_VERSION = "chat-1"
LOCAL_PROMPT_VERSION = ""  # the local model has no prompt
SETTING_ENDPOINT = "suggest.endpoint"
SETTING_MODEL = "suggest.model"
SETTING_KEY_ENV = "suggest.api_key_env"
SETTING_BACKEND = "suggest.backend"  # "local" (default) or "chat"
UNITS = ("sentence", "turn")


@dataclass
class Suggestion:
    code_id: int
    path: str
    score: float
    evidence: dict = field(default_factory=dict)


@dataclass
class SpanSuggestion:
    start: int
    end: int
    code_id: int
    path: str
    score: float
    evidence: dict = field(default_factory=dict)


@dataclass
class Provenance:
    backend: str
    model: str
    model_version: str
    prompt_version: str
    seconds: float

    def as_dict(self) -> dict:
        return {"backend": self.backend, "model": self.model,
                "model_version": self.model_version, "prompt_version": self.prompt_version,
                "seconds": round(self.seconds, 4)}


class SuggestBackend(Protocol):
    name: str

    def suggest(self, project: Project, passages: list[str], top: int = 3
                ) -> tuple[list[list[Suggestion]], Provenance]:
        """The ``top`` codes for each passage, best first."""

    def suggest_spans(self, project: Project, transcript_id: int, unit: str = "sentence",
                      min_score: float = 0.5) -> tuple[list[SpanSuggestion], Provenance]:
        """Spans of the transcript with a code and a score of at least ``min_score``."""


# ---------------------------------------------------------------- units of a transcript

def transcript_units(project: Project, transcript_id: int, unit: str) -> list[tuple[int, int]]:
    """The spans a transcript is cut into: its sentences, or its speaker turns (paragraphs
    when it has no turns)."""
    from sqlalchemy import select

    from ..corpus.language import sentencizer
    from ..corpus.sentences import doc_sentence_spans
    from ..store.models import Transcript, Turn

    if unit not in UNITS:
        raise ValidationError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    with project.reading() as s:
        t = s.get(Transcript, transcript_id)
        if t is None:
            raise ValidationError(f"no transcript with id {transcript_id}")
        text, lang = t.text, t.language
        turns = s.execute(select(Turn.start, Turn.end).where(Turn.transcript_id == transcript_id)
                          .order_by(Turn.start)).all()
    spans = [(a, b) for a, b in turns if b > a and text[a:b].strip()]
    if unit == "sentence":
        if not spans:  # no speaker turns: the whole text
            spans = [(0, len(text))]
        out = []  # sentences within each turn: never a speaker label
        for (a, _b), doc in zip(spans, sentencizer(lang).pipe(text[a:b] for a, b in spans)):
            out += [_trim(text, x, y) for x, y in doc_sentence_spans(doc, a)
                    if text[x:y].strip()]
        return out
    if not spans:
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*",
                                                           text)]
    return [_trim(text, a, b) for a, b in spans if text[a:b].strip()]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _transcript(project: Project, transcript_id: int):
    from ..store.models import Transcript

    with project.reading() as s:
        t = s.get(Transcript, transcript_id)
        if t is None:
            raise ValidationError(f"no transcript with id {transcript_id}")
        return t.text, t.language


# ---------------------------------------------------------------- the local model

class LocalBackend:
    """The project's own learned model; nothing leaves the machine."""

    name = "local"

    def __init__(self, *, wait: bool = True, explain: bool = True):
        self.wait = wait
        self.explain = explain

    def _model(self, project: Project):
        from .suggest_service import current_model

        return current_model(project, wait=self.wait)

    def _provenance(self, model, started: float) -> Provenance:
        return Provenance(self.name, "qualcode linear model", model.version if model else "",
                          LOCAL_PROMPT_VERSION, time.perf_counter() - started)

    def suggest(self, project: Project, passages: list[str], top: int = 3,
                contexts: list[str] | None = None):
        from .suggest_service import code_paths, language

        started = time.perf_counter()
        model = self._model(project)
        if model is None or not model.code_ids:
            return [[] for _ in passages], self._provenance(model, started)
        paths = code_paths(project)
        lang = language(project)
        out = []
        x = model.features(passages, [lang] * len(passages), contexts)
        raw_order = model.decision(x)
        scores = model.calibrate(raw_order)
        for i, passage in enumerate(passages):
            if not passage.strip():
                out.append([])
                continue
            picks = []
            for k in raw_order[i].argsort()[::-1][:top]:
                code_id = model.code_ids[k]
                if code_id not in paths:
                    continue
                evidence = {}
                if self.explain:
                    why = model.explain(passage, lang, code_id, x=x[i])
                    evidence = {"words": why.words, "quotes": why.quotes}
                picks.append(Suggestion(code_id, paths[code_id], float(scores[i, k]), evidence))
            out.append(picks)
        prov = self._provenance(model, started)
        for picks in out:
            for p in picks:
                p.evidence.update(prov.as_dict())
        return out, prov

    def suggest_spans(self, project: Project, transcript_id: int, unit: str = "sentence",
                      min_score: float = 0.5):
        from .suggest_data import context_of
        from .suggest_service import code_paths

        started = time.perf_counter()
        units = transcript_units(project, transcript_id, unit)
        model = self._model(project)
        if model is None or not model.code_ids or not units:
            return [], self._provenance(model, started)
        text, lang = _transcript(project, transcript_id)
        texts = [text[a:b] for a, b in units]
        contexts = [context_of(text, a, b) for a, b in units]
        scores = model.score(texts, [lang] * len(texts), contexts)
        paths = code_paths(project)
        coded = _coded(project, transcript_id)
        out = []
        for (a, b), row in zip(units, scores):
            for k in (row >= min_score).nonzero()[0]:
                code_id = model.code_ids[k]
                if code_id not in paths or _overlaps(coded.get(code_id, ()), a, b):
                    continue  # already coded so by the researcher
                out.append(SpanSuggestion(a, b, code_id, paths[code_id], float(row[k])))
        out.sort(key=lambda s: (s.start, -s.score))
        prov = self._provenance(model, started)
        for s in out:
            s.evidence.update(prov.as_dict())
        return out, prov


def _coded(project: Project, transcript_id: int) -> dict[int, list[tuple[int, int]]]:
    from sqlalchemy import select

    from ..store.models import Coding

    with project.reading() as s:
        rows = s.execute(select(Coding.code_id, Coding.start, Coding.end)
                         .where(Coding.transcript_id == transcript_id)).all()
    out: dict[int, list] = {}
    for code_id, a, b in rows:
        out.setdefault(code_id, []).append((a, b))
    return out


def _overlaps(spans, a: int, b: int) -> bool:
    return any(s < b and e > a for s, e in spans)


# ---------------------------------------------------------------- an OpenAI-compatible model

@dataclass
class ChatConfig:
    endpoint: str  # base URL, e.g. http://127.0.0.1:11434/v1
    model: str
    api_key: str | None = None
    timeout: float = 120.0


class ChatBackend:
    """A language model behind an OpenAI-compatible chat-completions endpoint."""

    name = "chat"

    def __init__(self, config: ChatConfig):
        if not config.endpoint or not config.model:
            raise ValidationError("the chat backend needs an endpoint URL and a model name")
        self.config = config

    # -- the protocol
    def _url(self) -> str:
        base = self.config.endpoint.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        if not base.endswith("/v1"):
            base += "/v1"
        return base + "/chat/completions"

    def _ask(self, system: str, user: str) -> str:
        body = json.dumps({"model": self.config.model, "temperature": 0,
                           "messages": [{"role": "system", "content": system},
                                        {"role": "user", "content": user}]}).encode()
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        request = urllib.request.Request(self._url(), data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                data = json.loads(response.read(4_000_000).decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise ValidationError(f"the suggestion endpoint {self._url()} answered "
                                  f"{exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise ValidationError(f"the suggestion endpoint {self._url()} could not be "
                                  f"reached: {exc}") from exc
        except ValueError as exc:
            raise ValidationError(f"the suggestion endpoint {self._url()} did not answer "
                                  "with JSON") from exc
        try:
            return data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise ValidationError(f"the suggestion endpoint {self._url()} answered without "
                                  "a chat completion") from exc

    def _codebook(self, project: Project) -> tuple[str, dict[str, int]]:
        from .codes import code_tree

        nodes = code_tree(project)
        lines = []
        for n in nodes:
            definition = " ".join((n.code.description or "").split())[:300]
            lines.append(f"- {n.path}" + (f": {definition}" if definition else ""))
        return "\n".join(lines), {n.path: n.code.id for n in nodes}

    def _provenance(self, started: float) -> Provenance:
        return Provenance(self.name, self.config.model, self.config.model, CHAT_PROMPT_VERSION,
                          time.perf_counter() - started)

    def suggest(self, project: Project, passages: list[str], top: int = 3, contexts=None):
        started = time.perf_counter()
        codebook, ids = self._codebook(project)
        system = ("You help a qualitative researcher code interview passages with their "
                  "codebook. Answer only with JSON: a list of objects {\"code\": <code path "
                  "exactly as in the codebook>, \"score\": <0..1>, \"why\": <short reason>}, "
                  f"best first, at most {top}.\n\nCodebook:\n{codebook}")
        out = []
        for passage in passages:
            if not passage.strip():
                out.append([])
                continue
            items = _json_list(self._ask(system, f"Passage:\n{passage}"))
            picks = []
            for item in items:
                path = str(item.get("code", "")).strip()
                if path in ids and all(p.path != path for p in picks):
                    picks.append(Suggestion(ids[path], path, _score(item.get("score")),
                                            {"why": str(item.get("why", ""))[:500]}))
            out.append(picks[:top])
        prov = self._provenance(started)
        for picks in out:
            for p in picks:
                p.evidence.update(prov.as_dict())
        log.info("chat suggestions: %s", prov.as_dict())
        return out, prov

    def suggest_spans(self, project: Project, transcript_id: int, unit: str = "sentence",
                      min_score: float = 0.5):
        started = time.perf_counter()
        text, _lang = _transcript(project, transcript_id)
        units = transcript_units(project, transcript_id, unit)
        codebook, ids = self._codebook(project)
        system = ("You help a qualitative researcher code an interview with their codebook. "
                  "Answer only with JSON: a list of objects {\"quote\": <a passage copied "
                  "verbatim, character for character, from the interview>, \"code\": <code "
                  "path exactly as in the codebook>, \"score\": <0..1>, \"why\": <short "
                  f"reason>}}. Quote whole {unit}s.\n\nCodebook:\n{codebook}")
        out = []
        for chunk_start, chunk_end in _chunks(units, 12_000):
            answer = self._ask(system, f"Interview:\n{text[chunk_start:chunk_end]}")
            for item in _json_list(answer):
                quote = str(item.get("quote", ""))
                path = str(item.get("code", "")).strip()
                score = _score(item.get("score"))
                if not quote.strip() or path not in ids or score < min_score:
                    continue
                at = text.find(quote, chunk_start)
                if at < 0:
                    log.info("chat suggestion dropped: its quote is not in the transcript")
                    continue  # only verbatim text is ever proposed
                a, b = _trim(text, at, at + len(quote))
                if b > a:
                    out.append(SpanSuggestion(a, b, ids[path], path, score,
                                              {"why": str(item.get("why", ""))[:500]}))
        out.sort(key=lambda s: (s.start, -s.score))
        prov = self._provenance(started)
        for s in out:
            s.evidence.update(prov.as_dict())
        log.info("chat span suggestions: %s", prov.as_dict())
        return out, prov


def _chunks(units: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Consecutive runs of units of about ``size`` characters (a prompt each)."""
    out, start, end = [], None, None
    for a, b in units:
        if start is None:
            start = a
        elif b - start > size:
            out.append((start, end))
            start = a
        end = b
    if start is not None:
        out.append((start, end))
    return out


def _score(value) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.5


def _json_list(answer: str) -> list[dict]:
    """The JSON list in a model's answer (code fences and text around it ignored)."""
    match = re.search(r"\[.*\]", answer or "", re.DOTALL)
    if not match:
        return []
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


# ---------------------------------------------------------------- choosing a backend

def chat_config(project: Project) -> ChatConfig | None:
    """The configured chat endpoint, or None (then nothing is sent anywhere)."""
    import os

    from ..store.settings import get_setting

    endpoint = get_setting(project, SETTING_ENDPOINT)
    model = get_setting(project, SETTING_MODEL)
    if not endpoint or not model:
        return None
    key_env = get_setting(project, SETTING_KEY_ENV)
    return ChatConfig(endpoint, model, os.environ.get(key_env) if key_env else None)


def configure_chat(project: Project, endpoint: str, model: str, api_key_env: str = "") -> None:
    """Configure (or, with an empty endpoint, remove) the chat backend: an admin's decision,
    since passages are then sent to that endpoint."""
    from ..store.permissions import ADMIN, require
    from ..store.settings import set_setting

    require(project, ADMIN, "only an admin chooses where passages may be sent")
    endpoint = (endpoint or "").strip()
    if endpoint and not re.match(r"^https?://", endpoint):
        raise ValidationError("the endpoint is an http:// or https:// URL")
    set_setting(project, SETTING_ENDPOINT, endpoint)
    set_setting(project, SETTING_MODEL, (model or "").strip())
    set_setting(project, SETTING_KEY_ENV, (api_key_env or "").strip())
    set_setting(project, SETTING_BACKEND, "chat" if endpoint else "local")


def backend_for(project: Project, name: str | None = None, *, wait: bool = True
                ) -> SuggestBackend:
    """The backend ``name`` ("local" or "chat"), or the project's chosen one (local unless a
    chat endpoint is configured and chosen)."""
    from ..store.settings import get_setting

    name = name or get_setting(project, SETTING_BACKEND) or "local"
    if name == "local":
        return LocalBackend(wait=wait)
    if name == "chat":
        config = chat_config(project)
        if config is None:
            raise ValidationError("no chat endpoint is configured for this project "
                                  "(qualcode suggest-backend --endpoint URL --model NAME)")
        return ChatBackend(config)
    raise ValidationError(f"unknown suggestion backend {name!r} (local or chat)")
