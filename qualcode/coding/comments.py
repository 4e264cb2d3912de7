"""Word comments to codings: a common way to hand-code is a comment on a passage whose text
names the code. Each comment anchored in the text becomes a coding of its span:

* the comment text names the code(s): one per line, or separated by ``;`` (``Loyalty; Pay``);
  ``Parent / Child`` is a code path; a code that does not exist yet is created;
* the comment author is the coder;
* replies to a comment are discussion, not codes: they are counted and passed by.

The spans come from :mod:`qualcode.ingest.docx`, already mapped to code points of the canonical
text. Everything happens in the transaction that stores the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from .codes import PALETTE
from ..store.clean import clean
from .spans import trim_span
from ..store.models import Code, Coding

_SPLIT = re.compile(r"[;\n]+")
MAX_CODE_NAME = 255


@dataclass
class CommentImport:
    """What came in from Word comments (added up over the files of an ingest)."""
    comments: int = 0
    codings: int = 0
    codes_created: list[str] = field(default_factory=list)
    replies_skipped: int = 0
    empty_skipped: int = 0
    names_too_long: int = 0  # code names over 255 characters (a note, not a code?)
    coders: set[str] = field(default_factory=set)

    def add(self, other: "CommentImport") -> None:
        self.comments += other.comments
        self.codings += other.codings
        self.codes_created += [c for c in other.codes_created if c not in self.codes_created]
        self.replies_skipped += other.replies_skipped
        self.empty_skipped += other.empty_skipped
        self.names_too_long += other.names_too_long
        self.coders |= other.coders

    def summary(self) -> str:
        parts = [f"{self.comments} Word comment(s) → {self.codings} coding(s)"]
        if self.codes_created:
            shown = ", ".join(self.codes_created[:10]) + (" …" if len(self.codes_created) > 10 else "")
            parts.append(f"{len(self.codes_created)} new code(s): {shown}")
        if self.coders:
            parts.append("coders: " + ", ".join(sorted(c or "(no author)" for c in self.coders)))
        if self.replies_skipped:
            parts.append(f"{self.replies_skipped} repl(y/ies) skipped")
        if self.empty_skipped:
            parts.append(f"{self.empty_skipped} empty or unanchored comment(s) skipped")
        if self.names_too_long:
            parts.append(f"{self.names_too_long} code name(s) over {MAX_CODE_NAME} characters "
                         "skipped")
        return "; ".join(parts)


def code_names(comment_text: str) -> list[str]:
    """The code names a comment gives: one per line or ``;``-separated part, bullets removed."""
    names = []
    for part in _SPLIT.split(comment_text or ""):
        name = clean(part).strip().lstrip("-•*·").strip().rstrip(".,")
        if name and name not in names:
            names.append(name[:1000])
    return names


def _code_for(session, path: str, summary: CommentImport, cache: dict) -> Code | None:
    if path in cache:
        return cache[path]
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if not parts or any(len(p) > MAX_CODE_NAME for p in parts):
        summary.names_too_long += 1
        cache[path] = None
        return None
    code = None
    if len(parts) == 1:  # a bare name: a unique code of that name anywhere in the tree
        found = list(session.scalars(select(Code).where(Code.name == parts[0])))
        if len(found) == 1:
            code = found[0]
    if code is None:
        parent = None
        for i, name in enumerate(parts):
            code = session.scalar(select(Code).where(Code.parent_key == (parent.id if parent else 0),
                                                     Code.name == name))
            if code is None:
                count = session.query(Code).count()
                siblings = session.query(Code).filter(Code.parent_key == (parent.id if parent else 0)).count()
                code = Code(name=name, parent_id=parent.id if parent else None,
                            parent_key=parent.id if parent else 0, position=siblings,
                            color=PALETTE[count % len(PALETTE)],
                            description="Created from a Word comment.")
                session.add(code)
                session.flush()
                summary.codes_created.append(" / ".join(parts[: i + 1]))
            parent = code
    cache[path] = code
    return code


def apply_comments(session, transcript, comments) -> CommentImport:
    """Turn ``comments`` (ingest.docx.WordComment) into codings of ``transcript``."""
    summary = CommentImport()
    cache: dict = {}
    text = transcript.text
    have = set()
    for comment in comments:
        if comment.is_reply:
            summary.replies_skipped += 1
            continue
        names = code_names(comment.text)
        start, end = max(0, comment.start), min(len(text), comment.end)
        start, end = trim_span(text, start, end)
        if not names or start >= end:
            summary.empty_skipped += 1
            continue
        summary.comments += 1
        coder = clean(comment.author or "").strip()[:255]
        summary.coders.add(coder)
        for name in names:
            code = _code_for(session, name, summary, cache)
            if code is None:
                continue
            key = (code.id, start, end, coder)
            if key in have:
                continue
            have.add(key)
            session.add(Coding(transcript_id=transcript.id, code_id=code.id, start=start, end=end,
                               coder=coder, memo=""))
            summary.codings += 1
    session.flush()
    return summary
