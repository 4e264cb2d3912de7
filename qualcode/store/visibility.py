"""Blind coding, applied structurally: what the acting user may read.

While the project setting ``blind_coding`` is on, a logged-in user who is not an admin sees
only their own work: their codings (and through them quotes, coding memos and every analysis),
their memos, their matrix summaries, their undo history, the suggestions they asked for and,
of a relation between codes, only the quotes of their own that ground it. This is not left to callers: every
session of a project carries a ``do_orm_execute`` hook (installed by :func:`install`) that adds
``with_loader_criteria`` to every ORM SELECT of those tables — ``session.get``, column
selects, joins, subqueries and relationship loads alike — derived from ``project.user``. A
caller may narrow further (``viewer=`` on the reading functions) but can never widen it.

Who sees everything: nobody acting (the library itself), local mode (one researcher on their
own machine), admins, and the consensus view (which is refused while blind coding is on
anyway: see qualcode.coding.consensus).

The scope is read once per session (one small query on ``qualcode_meta``), so a change of
the setting made by another process is seen by the next session.
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session, with_loader_criteria

from .models import (Action, CodeShortcut, Coding, MatrixSummary, Memo, Meta,
                     RelationEvidence, SuggestedCoding)
from .permissions import ADMIN, Actor

BLIND_KEY = "setting.blind_coding"
_INFO = "qualcode_visible_coder"
_UNSET = object()


def forced_for(actor: Actor | None) -> bool:
    """Whether blind coding, when on, narrows what ``actor`` reads (a logged-in non-admin)."""
    return actor is not None and not actor.local and not actor.can(ADMIN)


def _blind_on(session: Session) -> bool:
    value = session.connection().execute(
        select(Meta.__table__.c.value).where(Meta.__table__.c.key == BLIND_KEY)).scalar()
    return value == "1"


def session_scope(project, session: Session) -> str | None:
    """The one coder whose work ``session`` may read (None: everything), from the project's
    acting user, computed once per session."""
    scope = session.info.get(_INFO, _UNSET)
    if scope is _UNSET:
        actor = project.user
        scope = actor.name if forced_for(actor) and _blind_on(session) else None
        session.info[_INFO] = scope
    return scope


def visible_scope(project) -> str | None:
    """The coder the acting user is limited to (None: they may read everything)."""
    actor = project.user
    if not forced_for(actor):
        return None
    with project._sessions() as s:  # noqa: SLF001 - the store's own sessions
        return session_scope(project, s)


def install(project, sessions) -> None:
    """Limit every ORM SELECT of the project's sessions to what the acting user may see."""

    @event.listens_for(sessions, "do_orm_execute")
    def _limit(state) -> None:
        if not state.is_select:
            return
        who = session_scope(project, state.session)
        if who is None:
            return
        state.statement = state.statement.options(
            with_loader_criteria(Coding, Coding.coder == who, include_aliases=True),
            with_loader_criteria(Memo, Memo.author == who, include_aliases=True),
            with_loader_criteria(MatrixSummary, MatrixSummary.author == who,
                                 include_aliases=True),
            with_loader_criteria(Action, Action.coder == who, include_aliases=True),
            with_loader_criteria(SuggestedCoding, SuggestedCoding.requested_by == who,
                                 include_aliases=True),
            with_loader_criteria(CodeShortcut, CodeShortcut.coder == who, include_aliases=True),
            # the quotes grounding a relation: only the viewer's own codings
            with_loader_criteria(RelationEvidence, RelationEvidence.coding_id.in_(
                select(Coding.id).where(Coding.coder == who)), include_aliases=True),
        )
