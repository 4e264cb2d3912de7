"""Roles and permissions, Taguette-style, checked on every write in the store.

Roles (one per user per project; a project is one database):

=================  ==========================================================================
``admin``          everything, including accounts, project settings, trash and the audit log
``manage-documents``  add, edit and delete transcripts; and everything a coder may do
``coder``          code (codings, memos) and edit the codebook, as in Taguette
``read-only``      read only
=================  ==========================================================================

Permissions (what library code asks for): ``read``, ``code``, ``edit-codebook``,
``manage-documents``, ``manage-codebook`` (import a whole codebook: document managers and
admins), ``admin``.

The check is central: a ``before_flush`` hook on the project's sessions (store/audit.py) maps
every inserted, updated or deleted row's table to the permission in ``TABLE_PERMISSIONS`` and
raises :class:`PermissionDenied` before anything reaches the database, so every library write
is checked without calling anything. Library code may also check explicitly with
``require(project, permission)``. A table not listed needs ``admin``: list new tables here.

Who is acting: ``project.user`` (an :class:`Actor` or ``None``). ``None`` is local mode (a
single researcher on their own machine): everything is allowed. Set it per block with
``with project.acting_as(actor):`` or for the whole process with ``project.default_actor =``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PermissionDenied

READ = "read"
CODE = "code"
EDIT_CODEBOOK = "edit-codebook"
MANAGE_DOCUMENTS = "manage-documents"
# Importing a whole codebook (YAML, REFI-QDA .qdc/.qdpx, Taguette) changes many codes at once:
# document managers and admins, not every coder (who may still edit codes one by one).
MANAGE_CODEBOOK = "manage-codebook"
ADMIN = "admin"
PERMISSIONS = (READ, CODE, EDIT_CODEBOOK, MANAGE_DOCUMENTS, MANAGE_CODEBOOK, ADMIN)

ROLE_ADMIN = "admin"
ROLE_MANAGE = "manage-documents"
ROLE_CODER = "coder"
ROLE_READER = "read-only"

ROLES: dict[str, frozenset[str]] = {
    ROLE_ADMIN: frozenset(PERMISSIONS),
    ROLE_MANAGE: frozenset({READ, CODE, EDIT_CODEBOOK, MANAGE_DOCUMENTS, MANAGE_CODEBOOK}),
    ROLE_CODER: frozenset({READ, CODE, EDIT_CODEBOOK}),
    ROLE_READER: frozenset({READ}),
}
ROLE_LABELS = {ROLE_ADMIN: "admin", ROLE_MANAGE: "manage documents", ROLE_CODER: "code",
               ROLE_READER: "read-only"}

# Which permission a write to each table needs. Tables not listed need ADMIN.
TABLE_PERMISSIONS: dict[str, str] = {
    "transcripts": MANAGE_DOCUMENTS,
    "turns": MANAGE_DOCUMENTS,
    "media": MANAGE_DOCUMENTS,  # a transcript's recording (qualcode.corpus.media)
    "cases": MANAGE_DOCUMENTS,
    "codings": CODE,
    "memos": CODE,
    "memo_links": CODE,
    "matrix_summaries": CODE,
    "code_shortcuts": CODE,  # a coder's number keys 1–9 (qualcode.coding.shortcuts)
    "actions": CODE,  # the undo history (qualcode.coding.history): written with the change it records
    "suggested_codings": CODE,  # the review queue (qualcode.coding.suggest_queue)
    "codes": EDIT_CODEBOOK,
    # axial / selective coding (qualcode.coding.relations): part of building the codebook
    "relation_types": EDIT_CODEBOOK,
    "code_relations": EDIT_CODEBOOK,
    "relation_evidence": EDIT_CODEBOOK,
    "network_views": EDIT_CODEBOOK,
    "core_category": EDIT_CODEBOOK,
    "code_sets": EDIT_CODEBOOK,
    "code_set_members": EDIT_CODEBOOK,
    "users": ADMIN,
    "qualcode_meta": ADMIN,
    "trash": ADMIN,
}

WHAT = {READ: "read this project", CODE: "code or write memos",
        EDIT_CODEBOOK: "edit the codebook", MANAGE_CODEBOOK: "import a codebook",
        MANAGE_DOCUMENTS: "add, edit or delete transcripts",
        ADMIN: "do this (admins only)"}


@dataclass(frozen=True)
class Actor:
    """Who is acting on a project: a logged-in user, the local researcher, or qualcode itself."""

    name: str
    role: str
    user_id: int | None = None
    local: bool = False  # local mode: no account; ``name`` is what they typed as coder

    def can(self, permission: str) -> bool:
        return permission in ROLES.get(self.role, frozenset())


SYSTEM = Actor("qualcode", ROLE_ADMIN, local=True)
NOBODY = Actor("(not logged in)", "none")


def local_actor(name: str = "") -> Actor:
    return Actor(name, ROLE_ADMIN, local=True)


def check_role(role: str) -> str:
    role = (role or "").strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {"manage-docs": ROLE_MANAGE, "manage": ROLE_MANAGE, "code": ROLE_CODER,
               "readonly": ROLE_READER, "read": ROLE_READER, "reader": ROLE_READER}
    role = aliases.get(role, role)
    if role not in ROLES:
        from ..errors import ValidationError
        raise ValidationError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def allowed(actor: Actor | None, permission: str) -> bool:
    return actor is None or actor.can(permission)


def deny_message(actor: Actor, permission: str, detail: str = "") -> str:
    if actor is NOBODY or actor.role == "none":
        return f"log in first: you need an account to {WHAT.get(permission, permission)}"
    label = ROLE_LABELS.get(actor.role, actor.role)
    return (f"{actor.name} ({label}) may not {WHAT.get(permission, permission)}"
            + (f": {detail}" if detail else ""))


def require(project, permission: str, detail: str = "") -> None:
    """Raise PermissionDenied unless the project's acting user has ``permission``."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    actor = project.user
    if not allowed(actor, permission):
        raise PermissionDenied(deny_message(actor, permission, detail))


# Updates that touch only these columns need less than their table: a coder marks the coding
# of an interview complete (transcripts.coding_status) without managing documents.
COLUMN_PERMISSIONS: dict[str, tuple[frozenset[str], str]] = {
    "transcripts": (frozenset({"coding_status", "version"}), CODE),
}


def table_permission(table_name: str, columns: set[str] | None = None) -> str:
    """The permission a write to ``table_name`` needs; for an update, ``columns`` are the
    changed columns (an update of only the columns in COLUMN_PERMISSIONS needs less)."""
    if columns:
        light = COLUMN_PERMISSIONS.get(table_name)
        if light is not None and columns <= light[0]:
            return light[1]
    return TABLE_PERMISSIONS.get(table_name, ADMIN)
