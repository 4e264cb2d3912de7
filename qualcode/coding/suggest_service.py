"""The suggestion model of a project, kept up to date while the researcher codes.

* One model per project and process, shared by every session.
* At start the model saved with the project (qualcode.coding.suggest_store) is loaded: no
  training when the project has not changed since, a few incremental updates when codings
  were added since.
* A coding added since the model was fitted updates it at once (``SuggestModel.update``, a few
  SGD steps over the new rows); after many updates, or when codings were removed or codes
  changed, a full fit runs in a background thread while the current model keeps answering,
  and is saved for the next start.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from sqlalchemy import func, select

from ..store.models import Coding
from ..store.project import Project
from . import suggest_data as D
from . import suggest_store
from .suggest_model import SuggestModel, fit

log = logging.getLogger(__name__)
REFIT_SHARE = 0.1  # refit in the background once updates reach this share of the rows
REFIT_MIN = 25
VERSION_ENV = "QUALCODE_SUGGEST_VERSION"  # the data version a training process fits
PARENT_ENV = "QUALCODE_PARENT_PID"  # the app that started it: it ends when that one has gone


class _Holder:
    def __init__(self):
        self.lock = threading.RLock()
        self.model: SuggestModel | None = None
        self.loaded = False
        self.training: threading.Thread | None = None
        self.paths: tuple[str, dict[int, str]] | None = None
        self.error: str | None = None
        self.language: tuple | None = None
        self.settle = False  # freeze the model's objects for the GC (in the app: see warm)


_HOLDERS: dict[str, _Holder] = {}
_GUARD = threading.Lock()


def _holder(project: Project) -> _Holder:
    with _GUARD:
        return _HOLDERS.setdefault(project.url, _Holder())


def forget(project: Project | None = None) -> None:
    """Drop the in-memory model of ``project`` (of every project when None)."""
    with _GUARD:
        if project is None:
            _HOLDERS.clear()
        else:
            _HOLDERS.pop(project.url, None)


def data_version(project: Project) -> str:
    """What the model depends on, from three aggregate queries (a few milliseconds at 20,000
    codings, so it can be asked before every suggestion): the codings (count, newest id, sums
    of codes and offsets weighted by id, which change when one is re-coded or moved), the codes
    (count, newest id, sum of their row versions, bumped on every edit) and the rejected
    suggestions."""
    from ..store.models import Code

    weight = Coding.id % 1024
    with project.reading() as s:
        codings = s.execute(select(func.count(Coding.id), func.max(Coding.id),
                                   func.sum(Coding.code_id), func.sum(weight * Coding.code_id),
                                   func.sum(weight * Coding.start),
                                   func.sum(weight * Coding.end))).one()
        codes = s.execute(select(func.count(Code.id), func.max(Code.id),
                                 func.sum(Code.version), func.sum(Code.parent_key))).one()
    return hashlib.sha1(repr((tuple(codings), tuple(codes), D.review_fingerprint(project)))
                        .encode()).hexdigest()


def _coding_counts(project: Project) -> tuple[int, int]:
    """(the newest coding id, the number of codings)."""
    with project.reading() as s:
        top, n = s.execute(select(func.max(Coding.id), func.count(Coding.id))).one()
    return int(top or 0), int(n or 0)


def train(project: Project, version: str | None = None) -> SuggestModel:
    """A full fit on the project as it is now (saved with the project)."""
    version = version or data_version(project)
    top, count = _coding_counts(project)
    code_ids, examples = D.all_examples(project)
    model = fit(examples, code_ids, data_version=version)
    model.max_coding_id, model.n_codings = top, count
    try:
        suggest_store.save(model, suggest_store.model_path(project))
    except OSError as exc:  # a read-only place: the model still works in memory
        log.warning("could not save the suggestion model: %s", exc)
    return model


def _settle() -> None:
    """Move the objects alive now (a model's tens of thousands of quote rows) out of the
    garbage collector's full scans, which otherwise pause every page run of the app."""
    import gc

    gc.collect()
    gc.freeze()


def _start_training(project: Project, holder: _Holder) -> None:
    if holder.training is not None and holder.training.is_alive():
        return

    def run() -> None:
        try:
            version = data_version(project)
            model = _train_elsewhere(project, version)
            if model is None:  # no process of its own (an in-memory database): train here
                model = train(project, version)
            with holder.lock:
                holder.model = model
                holder.error = None
            if holder.settle:
                _settle()
        except Exception as exc:  # noqa: BLE001 - the app must go on without suggestions
            log.exception("training the suggestion model failed")
            holder.error = str(exc)

    holder.training = threading.Thread(target=run, name="qualcode-suggest-train", daemon=True)
    holder.training.start()


def _train_elsewhere(project: Project, version: str) -> SuggestModel | None:
    """A full fit in a child process (``qualcode.coding.suggest_train``), loaded from the file
    it saves; None when the project cannot be opened from another process (an in-memory
    database) or the file could not be written. A failed fit raises with the child's error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from ..store.project import ENV_URL

    if project.is_sqlite and project.engine.url.database in (None, "", ":memory:"):
        return None
    root = str(Path(__file__).resolve().parents[2])  # qualcode importable from a clone too
    # one core for the fit (numerical libraries would take them all): the other serves pages
    threads = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env = {**threads, **os.environ, ENV_URL: project.url, VERSION_ENV: version,
           PARENT_ENV: str(os.getpid()),
           "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run([sys.executable, "-m", "qualcode.coding.suggest_train"], env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"the training process failed: {tail[0]}")
    model = suggest_store.load(suggest_store.model_path(project))
    if model is None or model.data_version != version:
        return None
    return model


def _catch_up(project: Project, model: SuggestModel, version: str) -> int | None:
    """Bring ``model`` up to ``version`` by incremental updates when only codings were added:
    the number of new rows, else None (a full fit is needed)."""
    from ..store.models import Code

    with project.reading() as s:
        if set(s.scalars(select(Code.id))) != set(model.code_ids):
            return None  # codes added or deleted: refit
        older = s.scalar(select(func.count(Coding.id)).where(Coding.id <= model.max_coding_id))
    if older != model.n_codings:
        return None  # codings were removed or re-coded: refit
    top, count = _coding_counts(project)
    new = D.coding_examples(project, after_id=model.max_coding_id)
    if new:
        model.update(new)
    model.max_coding_id, model.n_codings = top, count
    model.data_version = version
    return len(new)


def current_model(project: Project, *, wait: bool = True) -> SuggestModel | None:
    """The project's model, up to date with its codings. ``wait=False``: None at once while
    the first model is still being trained in the background. Under blind coding a coder
    gets no model (None): it learns from every coder's codings."""
    from ..store.visibility import visible_scope

    if visible_scope(project) is not None:
        return None
    holder = _holder(project)
    version = data_version(project)
    with holder.lock:
        if not holder.loaded:
            holder.model = suggest_store.load(suggest_store.model_path(project))
            holder.loaded = True
            if holder.model is not None and holder.settle:
                _settle()
        model = holder.model
        if model is not None and model.data_version == version:
            return model
        if model is not None:
            added = _catch_up(project, model, version)
            # a full fit in the background when codings were removed, codes changed or a
            # suggestion was rejected (added == 0), or after many updates; meanwhile the model
            # as it is answers
            if not added or model.pending > max(REFIT_MIN, REFIT_SHARE * model.n_examples):
                _start_training(project, holder)
            return model
        if not wait:
            _start_training(project, holder)
            return None
    model = train(project, version)
    with holder.lock:
        holder.model = model
    return model


def warm(project: Project) -> None:
    """Make the model ready in the background (the app calls this when a project opens)."""
    _holder(project).settle = True

    def run() -> None:
        try:
            current_model(project, wait=False)
        except Exception:  # noqa: BLE001 - only a warm-up
            log.exception("warming the suggestion model failed")

    threading.Thread(target=run, name="qualcode-suggest-warm", daemon=True).start()


def wait_until_trained(project: Project, timeout: float = 60.0) -> None:
    """Block until a background training of ``project`` (if any) has finished."""
    holder = _holder(project)
    thread = holder.training
    if thread is not None:
        thread.join(timeout)


def code_paths(project: Project) -> dict[int, str]:
    """code id -> path, kept while the codes do not change."""
    from ..store.models import Code
    from .codes import code_tree

    holder = _holder(project)
    with project.reading() as s:
        key = tuple(s.execute(select(func.count(Code.id), func.max(Code.id),
                                     func.sum(Code.version), func.sum(Code.parent_key))).one())
    if holder.paths is None or holder.paths[0] != key:
        holder.paths = (key, {n.code.id: n.path for n in code_tree(project)})
    return holder.paths[1]


def language(project: Project) -> str | None:
    """The project's main language, kept once found (transcripts seldom change language)."""
    holder = _holder(project)
    if holder.language is None:
        holder.language = (D.project_language(project),)
    return holder.language[0]


def trained_at(model: SuggestModel) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(model.trained_at))
