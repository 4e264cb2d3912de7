"""Memos linked to codings (quotes), codes, transcripts and other memos; memo types
(theoretical, methodological, sampling); the memo browser's rows; export to Word and Markdown.

A memo's older single links (``Memo.code_id``/``Memo.transcript_id``) keep working and count as
links too; new links live in ``memo_links``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from .codes import code_tree
from ..errors import NotFound, ValidationError
from ..store.models import MEMO_TYPES, Code, Coding, Memo, MemoLink, Transcript
from ..store.clean import clean
from ..store.concurrency import check_version
from ..store.project import Project, get_row

KINDS = ("coding", "code", "transcript", "memo")
_COLUMN = {"coding": "coding_id", "code": "code_id", "transcript": "transcript_id",
           "memo": "target_memo_id"}
_MODEL = {"coding": Coding, "code": Code, "transcript": Transcript, "memo": Memo}


@dataclass(frozen=True)
class Link:
    kind: str  # coding | code | transcript | memo
    target_id: int
    label: str  # what the link points at, for people: a code path, "quote …", a title
    back: bool = False  # a memo that links to this one (made from the other memo)


@dataclass(frozen=True)
class MemoView:
    memo: Memo
    links: tuple[Link, ...]

    @property
    def id(self) -> int:
        return self.memo.id


def _check_type(memo_type: str | None) -> str | None:
    if memo_type in (None, ""):
        return None
    memo_type = memo_type.strip().lower()
    if memo_type not in MEMO_TYPES:
        raise ValidationError(f"memo type must be one of {', '.join(MEMO_TYPES)}, "
                              f"not {memo_type!r}")
    return memo_type


def _title(title: str | None) -> str:
    """A memo title without control characters or outer white space; never empty."""
    title = clean(title or "").strip()
    if not title:
        raise ValidationError("a memo needs a title")
    return title


def create_memo(project: Project, title: str, body: str = "", *, author: str = "",
                memo_type: str | None = None, links: list[tuple[str, int]] = (),
                transcript_id: int | None = None, code_id: int | None = None) -> Memo:
    """A new memo with its links, e.g. ``links=[("coding", 12), ("code", 3)]``.
    ``transcript_id``/``code_id`` set the older single links (``Memo.transcript_id``/``code_id``,
    as qualcode.coding.codings.add_memo stores them)."""
    title = _title(title)
    memo_type = _check_type(memo_type)
    with project.transaction() as s:
        if transcript_id is not None:
            get_row(s, Transcript, transcript_id, "transcript")
        if code_id is not None:
            get_row(s, Code, code_id, "code")
        actor = project.user
        if actor is not None and not actor.local:
            author = actor.name  # a logged-in user writes as themselves (blind coding, ownership)
        memo = Memo(title=title, body=body or "", author=author or "", memo_type=memo_type,
                    transcript_id=transcript_id, code_id=code_id)
        s.add(memo)
        s.flush()
        for kind, target in links:
            _link(s, memo, kind, target)
    return memo


def _link(s, memo: Memo, kind: str, target: int) -> bool:
    if kind not in KINDS:
        raise ValidationError(f"a memo links to a {', '.join(KINDS)}, not {kind!r}")
    get_row(s, _MODEL[kind], target, kind)
    if kind == "memo" and target == memo.id:
        raise ValidationError("a memo cannot link to itself")
    column = getattr(MemoLink, _COLUMN[kind])
    if s.scalar(select(MemoLink.id).where(MemoLink.memo_id == memo.id, column == target)):
        return False
    s.add(MemoLink(memo_id=memo.id, **{_COLUMN[kind]: target}))
    return True


def link_memo(project: Project, memo_id: int, kind: str, target_id: int) -> bool:
    """Link a memo to a coding, code, transcript or memo; False when the link was there."""
    with project.transaction() as s:
        return _link(s, get_row(s, Memo, memo_id, "memo"), kind, target_id)


def unlink_memo(project: Project, memo_id: int, kind: str, target_id: int) -> None:
    if kind not in KINDS:
        raise ValidationError(f"a memo links to a {', '.join(KINDS)}, not {kind!r}")
    with project.transaction() as s:
        memo = get_row(s, Memo, memo_id, "memo")
        column = getattr(MemoLink, _COLUMN[kind])
        s.query(MemoLink).filter(MemoLink.memo_id == memo_id, column == target_id).delete()
        if kind == "code" and memo.code_id == target_id:
            memo.code_id = None
        if kind == "transcript" and memo.transcript_id == target_id:
            memo.transcript_id = None


def update_memo(project: Project, memo_id: int, *, title: str | None = None,
                body: str | None = None, memo_type: str | None = "",
                expected_version: int | None = None) -> Memo:
    """Change title, body or type (``memo_type=None`` clears it; "" leaves it); with
    ``expected_version`` a save over a colleague's newer edit is refused."""
    with project.transaction() as s:
        memo = get_row(s, Memo, memo_id, "memo")
        check_version(s, memo, expected_version, f"memo '{memo.title}'")
        if title is not None:
            memo.title = _title(title)
        if body is not None:
            memo.body = body
        if memo_type != "":
            memo.memo_type = _check_type(memo_type)
    return memo


def delete_memo(project: Project, memo_id: int) -> None:
    """Delete a memo (its author, a document manager or an admin): it goes to the trash with
    its links, from where an admin restores it."""
    from ..store.audit import row_snapshot

    with project.transaction() as s:
        memo = get_row(s, Memo, memo_id, "memo")
        links = s.scalars(select(MemoLink).where(or_(MemoLink.memo_id == memo_id,
                                                     MemoLink.target_memo_id == memo_id))).all()
        s.info.setdefault("qc_memo_links", {})[memo_id] = [row_snapshot(x) for x in links]
        s.query(MemoLink).filter(or_(MemoLink.memo_id == memo_id,
                                     MemoLink.target_memo_id == memo_id)).delete()
        s.delete(memo)


def memo_views(project: Project, *, memo_type: str | None = None, kind: str | None = None,
               target_id: int | None = None, text: str = "") -> list[MemoView]:
    """The memo browser: memos (newest change first) with their links, optionally only one
    type, only those linked to one target, or only those containing ``text``."""
    with project.reading() as s:
        memos = list(s.scalars(select(Memo).order_by(Memo.updated_at.desc(), Memo.id.desc())))
        links = list(s.scalars(select(MemoLink).order_by(MemoLink.id)))
        coding_rows = {c.id: c for c in s.scalars(select(Coding).where(
            Coding.id.in_({ln.coding_id for ln in links if ln.coding_id})))}
        texts = dict(s.execute(select(Transcript.id, Transcript.name)).all())
        need_text = {c.transcript_id for c in coding_rows.values()}
        bodies = dict(s.execute(select(Transcript.id, Transcript.text).where(
            Transcript.id.in_(need_text))).all()) if need_text else {}
    paths = {n.code.id: n.path for n in code_tree(project)}
    titles = {m.id: m.title for m in memos}
    by_memo: dict[int, list[Link]] = {m.id: [] for m in memos}
    for m in memos:
        if m.code_id:
            by_memo[m.id].append(Link("code", m.code_id, paths.get(m.code_id, "?")))
        if m.transcript_id:
            by_memo[m.id].append(Link("transcript", m.transcript_id,
                                      texts.get(m.transcript_id, "?")))
    for ln in links:
        if ln.coding_id:
            c = coding_rows.get(ln.coding_id)
            quote = bodies.get(c.transcript_id, "")[c.start:c.end] if c else ""
            label = (f"“{one_line(quote)}” ({paths.get(c.code_id, '?')}, "
                     f"{texts.get(c.transcript_id, '?')})") if c else "?"
            link = Link("coding", ln.coding_id, label)
        elif ln.code_id:
            link = Link("code", ln.code_id, paths.get(ln.code_id, "?"))
        elif ln.transcript_id:
            link = Link("transcript", ln.transcript_id, texts.get(ln.transcript_id, "?"))
        else:
            link = Link("memo", ln.target_memo_id, titles.get(ln.target_memo_id, "?"))
        if link not in by_memo.setdefault(ln.memo_id, []):
            by_memo[ln.memo_id].append(link)
    # a memo linked from another shows that back-link too
    for ln in links:
        if ln.target_memo_id and ln.target_memo_id in by_memo:
            back = Link("memo", ln.memo_id, titles.get(ln.memo_id, "?"), back=True)
            if back not in by_memo[ln.target_memo_id]:
                by_memo[ln.target_memo_id].append(back)
    out = []
    needle = (text or "").casefold()
    for m in memos:
        view = MemoView(m, tuple(by_memo.get(m.id, ())))
        if memo_type is not None and (m.memo_type or "") != memo_type:
            continue
        if kind is not None and not any(ln.kind == kind and (target_id is None
                                                             or ln.target_id == target_id)
                                        for ln in view.links):
            continue
        if needle and needle not in f"{m.title}\n{m.body}".casefold():
            continue
        out.append(view)
    return out


def memos_for(project: Project, kind: str, target_id: int) -> list[MemoView]:
    return memo_views(project, kind=kind, target_id=target_id)


def get_memo(project: Project, memo_id: int) -> Memo:
    with project.reading() as s:
        memo = s.get(Memo, memo_id)
        if memo is None:
            raise NotFound(f"no memo with id {memo_id}")
        return memo


def one_line(text: str, n: int = 80) -> str:
    """``text`` on one line (white space runs as one space), cut to ``n`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"
