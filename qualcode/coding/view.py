"""What the coding canvas needs from the project, in compact form: the transcript cut into
chunks by speaker turn, speaker-label spans, codings as ``[id, start, end, code]`` and the
changes between two such lists, display colours that tell sibling codes apart, and each coder's
recent and most-used codes (for the palette's order and its 1–9 keys)."""

from __future__ import annotations

import colorsys
import gc
import hashlib
import threading
from functools import lru_cache

from sqlalchemy import BigInteger, cast, func, select

from .codes import CodeNode
from ..store.models import Case, Code, Coding, Transcript, Turn
from ..store.project import Project

CHUNK = 2500  # characters per chunk at most (a long turn is cut at line ends or spaces)


def label_start(text: str, offset: int) -> int:
    """Where the speaker label of a turn whose words start at ``offset`` begins (its line, or
    the header line above it for Teams-style transcripts)."""
    start = text.rfind("\n", 0, offset) + 1
    if start == offset and start > 0:  # words on the line below a header line
        start = text.rfind("\n", 0, start - 1) + 1
    return start


def speaker_labels(text: str, turns) -> list[tuple[int, int]]:
    """(start, end) of each speaker label: from its line start to where the turn's words begin."""
    out = []
    for t in turns:
        if t.speaker:
            s = label_start(text, t.start)
            if s < t.start:
                out.append((s, t.start))
    return out


def chunks(text: str, turns, size: int = CHUNK) -> list[tuple[int, str]]:
    """The text cut into ``(start, text)`` pieces that cover it exactly: a new piece at each
    speaker label, long pieces cut at a line end or space near ``size``."""
    n = len(text)
    cuts = sorted({0, n, *(label_start(text, t.start) for t in turns if t.speaker)})
    bounds = [0]
    for a, b in zip(cuts, cuts[1:]):
        while b - a > size:
            cut = text.rfind("\n", a + size // 2, a + size)
            if cut < 0:
                cut = text.rfind(" ", a + size // 2, a + size)
            cut = cut + 1 if cut >= 0 else a + size
            bounds.append(cut)
            a = cut
        bounds.append(b)
    bounds = sorted(set(bounds))
    return [(a, text[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a] or [(0, "")]


def compact(codings) -> dict[int, tuple[int, int, int]]:
    return {c.id: (c.start, c.end, c.code_id) for c in codings}


def diff(old: dict, new: dict) -> tuple[list[list[int]], list[int]]:
    """Codings added (or changed) and ids removed between two ``compact`` maps."""
    added = [[i, *v] for i, v in new.items() if old.get(i) != v]
    removed = [i for i in old if i not in new]
    return added, removed


@lru_cache(maxsize=4096)
def _rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(max(0, min(1, x)) * 255):02x}" for x in rgb)


def _close(a: str, b: str) -> bool:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b))) ** 0.5 < 0.16


def display_colors(nodes: list[CodeNode]) -> dict[int, str]:
    """Each code's colour, except that a code whose colour is hard to tell from an earlier
    sibling's (or its parent's) is turned around the colour wheel until it stands apart."""
    return dict(_display_colors(tuple((n.code.id, n.code.parent_id, n.code.color or "#ffd54f")
                                      for n in nodes)))


@lru_cache(maxsize=16)
def _display_colors(codes: tuple) -> tuple:
    out: dict[int, str] = {}
    seen: dict[int | None, list[str]] = {}
    for code_id, parent_id, color in codes:
        taken = seen.setdefault(parent_id, [])
        others = taken + ([out[parent_id]] if parent_id in out else [])
        if any(_close(color, o) for o in others):
            h, l, s = colorsys.rgb_to_hls(*_rgb(color))
            for step in range(1, 12):
                candidate = _hex(colorsys.hls_to_rgb((h + step * 0.13) % 1, min(l, 0.72),
                                                     max(s, 0.55)))
                if not any(_close(candidate, o) for o in others):
                    color = candidate
                    break
        taken.append(color)
        out[code_id] = color
    return tuple(out.items())


def codebook_version(nodes: list[CodeNode], colors: dict[int, str]) -> str:
    h = hashlib.sha1()
    for n in nodes:
        h.update(f"{n.code.id}\x1f{n.path}\x1f{colors[n.code.id]}\x1e".encode())
    return h.hexdigest()[:16]


def code_usage(project: Project, coder: str = "", limit: int = 9) -> tuple[list[int], list[int]]:
    """(most-used code ids over the project, this coder's recently applied code ids)."""
    with project.reading() as s:
        top = list(s.scalars(select(Coding.code_id).group_by(Coding.code_id)
                             .order_by(func.count().desc(), Coding.code_id).limit(limit)))
    return top, recent_codes(project, coder)


def recent_codes(project: Project, coder: str = "", limit: int = 5) -> list[int]:
    """The code ids this coder applied most recently, newest first."""
    with project.reading() as s:
        return list(s.scalars(select(Coding.code_id).where(Coding.coder == (coder or "").strip())
                              .group_by(Coding.code_id)
                              .order_by(func.max(Coding.id).desc()).limit(limit)))


def transcript_headers(project: Project) -> list[tuple[int, str, int | None, dict]]:
    """(id, name, interview order, attributes) of every transcript, without loading the texts."""
    with project.reading() as s:
        return [tuple(r) for r in s.execute(
            select(Transcript.id, Transcript.name, Transcript.interview_order,
                   Transcript.attributes)
            .order_by(Transcript.interview_order.is_(None), Transcript.interview_order,
                      Transcript.name))]


def code_ids_exist(project: Project) -> bool:
    with project.reading() as s:
        return s.scalar(select(Code.id).limit(1)) is not None


def code_counts(project: Project, *, viewer: str | None = None) -> dict[int, int]:
    """Number of codings per code id (one query); ``viewer``: under blind coding, only the
    viewer's own codings count."""
    from .codings import coder_filter

    q = coder_filter(project, select(Coding.code_id, func.count()), viewer=viewer)
    with project.reading() as s:
        return dict(s.execute(q.group_by(Coding.code_id)).all())


def page_slice(items: list, page: int, size: int) -> tuple[list, int, int]:
    """``(items on page, page clamped to 1..pages, pages)`` for 1-based pages."""
    pages = max(1, -(-len(items) // size))
    page = max(1, min(page, pages))
    return items[(page - 1) * size:page * size], page, pages


def transcript_roles(project: Project) -> list[str]:
    """The roles of the people who speak (their cases) and the ``role`` attributes of the
    transcripts: what a role filter offers."""
    with project.reading() as s:
        cases = set(s.scalars(select(Case.role).where(Case.role.is_not(None)).distinct()))
    return sorted(cases | {str((attrs or {}).get("role")) for *_, attrs
                           in transcript_headers(project) if (attrs or {}).get("role")})


def speakers_fingerprint(project: Project) -> list:
    """What decides who said what: the cases (names, roles, attributes), which turn is whose,
    and whether interviewers' words count (for the caches' versions)."""
    from ..store.models import Meta

    with project.reading() as s:
        cases = s.execute(select(Case.id, Case.name, Case.role, Case.attributes)
                          .order_by(Case.id)).all()
        turns = s.execute(select(func.count(Turn.case_id),
                                 func.sum((Turn.id % 1024) * Turn.case_id))).one()
        choice = s.get(Meta, "setting.include_interviewer")
    return [[tuple(c) for c in cases], tuple(turns), choice.value if choice else None]


def project_version(project: Project, nodes: list[CodeNode] | None = None) -> str:
    """A fingerprint that changes whenever codings, codes or transcripts (their names,
    attributes and texts) change: the key for caches of derived tables (quote rows, matrix
    counts, chart specs)."""
    from .codes import code_tree

    nodes = code_tree(project) if nodes is None else nodes
    # aggregates per coder (a renamed coder changes them); the sums weighted by coding id catch
    # changes that cancel out in a plain sum (two codings swapping their codes); ``id % 1024``
    # keeps the sums far from 64-bit overflow
    weight = Coding.id % 1024
    with project.reading() as s:
        agg = s.execute(select(Coding.coder, func.count(), func.max(Coding.id),
                               func.sum(Coding.code_id), func.sum(Coding.start),
                               func.sum(Coding.end), func.sum(func.length(Coding.memo)),
                               func.sum(weight * Coding.code_id), func.sum(weight * Coding.start),
                               func.sum(weight * Coding.end),
                               func.sum(cast(Coding.code_id, BigInteger) * Coding.transcript_id))
                        .group_by(Coding.coder).order_by(Coding.coder)).all()
        # the transcripts' names, order and attributes, and their texts (a transcript deleted
        # and another ingested under its id and name: a new text)
        texts = s.execute(select(Transcript.id, Transcript.content_hash, Transcript.name,
                                 Transcript.interview_order, Transcript.attributes)
                          .order_by(Transcript.id)).all()
    h = hashlib.sha1(repr(([tuple(r) for r in agg], [tuple(t) for t in texts],
                           speakers_fingerprint(project))).encode())
    for n in nodes:
        h.update(f"{n.code.id}\x1f{n.path}\x1e".encode())
    return h.hexdigest()


def transcript_codings(project: Project, transcript_id: int, *, viewer: str | None = None):
    """The codings of a transcript as plain rows (``id, start, end, code_id, coder, memo``;
    the names of Coding's attributes) in text order: what the canvas needs, without building
    an ORM object per coding (1,500 of them cost tens of milliseconds per run)."""
    from .codings import coder_filter

    q = coder_filter(project, select(Coding.id, Coding.start, Coding.end, Coding.code_id,
                                     Coding.coder, Coding.memo)
                     .where(Coding.transcript_id == transcript_id), viewer=viewer)
    with project.reading() as s:
        return s.execute(q.order_by(Coding.start, Coding.end, Coding.id)).all()


_REFS: dict[str, tuple[str, list]] = {}
_REFS_LOCK = threading.Lock()


def cached_quote_refs(project: Project, version: str | None = None) -> list:
    """Every quote in light form (qualcode.coding.quotes.quote_refs) for the project's current
    version, computed once per version and process and shared read-only between sessions (the
    code browser filters and pages it; full rows are built only for the page on screen)."""
    from ..store.visibility import visible_scope
    from .quotes import quote_refs

    version = version or project_version(project)
    key = (project.url, visible_scope(project))  # blind coding: one set per visible coder
    with _REFS_LOCK:
        hit = _REFS.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        refs = quote_refs(project)
        _REFS[key] = (version, refs)
        return refs


_WARMING: dict[str, threading.Timer] = {}


def warm_quote_refs(project: Project, delay: float = 1.0) -> None:
    """Bring the cached quote refs up to date in the background, a moment after the last call
    (each Code page run calls it; codings added there make the refs stale), so that a visit
    to the code browser finds them ready. Nothing is recomputed while the version is the same."""
    pending = _WARMING.get(project.url)
    if pending is not None:
        pending.cancel()

    def build() -> None:
        first = not any(k[0] == project.url for k in _REFS)
        try:
            cached_quote_refs(project)
        except Exception:  # noqa: BLE001 - only a warm-up: the browser computes them itself
            return
        if first:
            # 20,000 long-lived tuples: keep them out of the collector's full scans, as the
            # old suggestion index did
            gc.collect()
            gc.freeze()

    timer = threading.Timer(delay, build)
    timer.daemon = True
    timer.name = "qualcode-quote-refs"
    _WARMING[project.url] = timer
    timer.start()
