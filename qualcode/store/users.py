"""Accounts of a project: users with argon2id password hashes, a role each, login tokens.

Passwords are hashed with argon2id through ``argon2-cffi`` (the reference implementation's
maintained Python binding; the winner of the Password Hashing Competition and OWASP's first
choice); hashes are upgraded on login when the parameters change.

A login survives a page reload through a signed token (``itsdangerous``, HMAC-SHA256 with a
per-project secret kept in the database): it names the user and a fingerprint of their
password hash, so a password reset or a deactivation ends every session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..errors import DuplicateError, NotFound, PermissionDenied, ValidationError
from .models import Meta, User
from .permissions import ADMIN, ROLE_ADMIN, SYSTEM, Actor, check_role, require

MIN_PASSWORD = 8
TOKEN_MAX_AGE = 14 * 24 * 3600  # seconds a login lasts without logging in again
_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.name, user.role, bool(user.active), user.created_at)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError("a user needs a name")
    if len(name) > 255 or any(ch in name for ch in "\n\r\t"):
        raise ValidationError("a user name is one line of at most 255 characters")
    from .settings import CONSENSUS

    if name.casefold() == CONSENSUS:
        raise ValidationError(f"'{CONSENSUS}' is the reserved name of the agreed consensus "
                              "coder; choose another user name")
    return name


def _check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def actor_for(user: User | UserInfo) -> Actor:
    return Actor(user.name, user.role, user.id)


def add_user(project, name: str, password: str, role: str) -> UserInfo:
    """Add an account (admins only, or local mode, e.g. the CLI on the server)."""
    name, role = _check_name(name), check_role(role)
    _check_password(password)
    require(project, ADMIN)
    with project.transaction() as s:
        if s.scalar(select(User.id).where(User.name == name)) is not None:
            raise DuplicateError(f"a user called '{name}' already exists")
        user = User(name=name, password_hash=_hasher.hash(password), role=role, active=True)
        s.add(user)
        s.flush()
        return _info(user)


def list_users(project) -> list[UserInfo]:
    with project.reading() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.name))]


def has_users(project) -> bool:
    with project.reading() as s:
        return s.scalar(select(func.count()).select_from(User).where(User.active.is_(True))) > 0


def get_user(project, name: str) -> UserInfo:
    with project.reading() as s:
        user = s.scalar(select(User).where(User.name == (name or "").strip()))
        if user is None:
            raise NotFound(f"no user '{name}'")
        return _info(user)


def _user_row(s, name: str) -> User:
    user = s.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None:
        raise NotFound(f"no user '{name}'")
    return user


def _keep_an_admin(s, user: User, new_role: str | None, active: bool) -> None:
    if user.role != ROLE_ADMIN or (new_role == ROLE_ADMIN and active):
        return
    others = s.scalar(select(func.count()).select_from(User).where(
        User.role == ROLE_ADMIN, User.active.is_(True), User.id != user.id))
    if not others:
        raise ValidationError(f"'{user.name}' is the last admin; make someone else admin first")


def reset_password(project, name: str, password: str) -> None:
    """Set a new password (admins; ends the user's sessions)."""
    _check_password(password)
    require(project, ADMIN)
    with project.transaction() as s:
        user = _user_row(s, name)
        user.password_hash = _hasher.hash(password)
    end_sessions(project, name)


def change_password(project, name: str, old: str, new: str) -> None:
    """A user changes their own password (needs the old one)."""
    _check_password(new)
    if authenticate(project, name, old) is None:
        raise PermissionDenied("the current password is wrong")
    with project.acting_as(SYSTEM), project.transaction() as s:
        _user_row(s, name).password_hash = _hasher.hash(new)
    end_sessions(project, name)  # every other device logs in again


def set_role(project, name: str, role: str) -> UserInfo:
    role = check_role(role)
    require(project, ADMIN)
    with project.transaction() as s:
        user = _user_row(s, name)
        _keep_an_admin(s, user, role, bool(user.active))
        user.role = role
        return _info(user)


def set_active(project, name: str, active: bool) -> UserInfo:
    """Deactivate (or reactivate) an account; its codings and memos stay."""
    require(project, ADMIN)
    with project.transaction() as s:
        user = _user_row(s, name)
        if not active:
            _keep_an_admin(s, user, None, False)
        user.active = bool(active)
        info = _info(user)
    if not active:
        end_sessions(project, name)
    return info


def authenticate(project, name: str, password: str) -> UserInfo | None:
    """The user if ``name``/``password`` match an active account, else None."""
    with project.reading() as s:
        user = s.scalar(select(User).where(User.name == (name or "").strip()))
        if user is None or not user.active:
            _hasher.hash("timing-equaliser")  # same work whether or not the name exists
            return None
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        info, stale = _info(user), _hasher.check_needs_rehash(user.password_hash)
    if stale:
        with project.acting_as(SYSTEM), project.transaction() as s:
            _user_row(s, name).password_hash = _hasher.hash(password)
    return info


# --- login tokens -----------------------------------------------------------------------------

SECRET_KEY = "login_secret"


def _secret(project) -> str:
    with project.reading() as s:
        row = s.get(Meta, SECRET_KEY)
        if row is not None:
            return row.value
    try:
        with project.acting_as(SYSTEM), project.transaction() as s:
            s.add(Meta(key=SECRET_KEY, value=secrets.token_urlsafe(48)))
    except Exception:  # noqa: BLE001 - another process stored one at the same moment
        pass
    with project.reading() as s:
        return s.get(Meta, SECRET_KEY).value


def _serializer(project) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(project), salt="qualcode-login")


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# Server-side revocation: each user has a session generation (a ``qualcode_meta`` row, so no
# schema change); every token carries the generation it was issued in, and logging out,
# changing or resetting the password or deactivating the account moves it on, which ends
# every token issued before, on every device and every server process at once.
GENERATION = "login_generation.{}"


def _generation(s, user_id: int) -> int:
    row = s.get(Meta, GENERATION.format(user_id))
    try:
        return int(row.value) if row is not None else 0
    except ValueError:
        return 0


def _next_generation(s, user_id: int) -> None:
    key = GENERATION.format(user_id)
    row = s.get(Meta, key)
    value = str(_generation(s, user_id) + 1)
    if row is None:
        s.add(Meta(key=key, value=value))
    else:
        row.value = value


def end_sessions(project, name: str) -> None:
    """End every login token of ``name`` issued so far (logging out ends them everywhere)."""
    with project.acting_as(SYSTEM), project.transaction() as s:
        _next_generation(s, _user_row(s, name).id)


def login_token(project, name: str) -> str:
    """A signed token for a logged-in user (kept by the browser to survive a reload)."""
    with project.reading() as s:
        user = _user_row(s, name)
        return _serializer(project).dumps({"u": user.id, "f": _fingerprint(user.password_hash),
                                           "g": _generation(s, user.id)})


def user_from_token(project, token: str | None,
                    max_age: int = TOKEN_MAX_AGE) -> UserInfo | None:
    """The active user a token was made for, or None (bad, expired, password changed)."""
    if not token:
        return None
    try:
        data = _serializer(project).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    with project.reading() as s:
        user = s.get(User, data.get("u"))
        if user is None or not user.active or data.get("f") != _fingerprint(user.password_hash):
            return None
        if data.get("g") != _generation(s, user.id):
            return None  # logged out (or password changed) since the token was issued
        return _info(user)
