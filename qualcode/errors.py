"""Errors that qualcode raises for bad input; each carries a message meant for a researcher."""


class QualcodeError(Exception):
    """Base class: anything the user can fix by changing their input."""


class NotFound(QualcodeError):
    pass


class ValidationError(QualcodeError):
    pass


class DuplicateError(QualcodeError):
    pass


class IngestError(QualcodeError):
    """A file could not be read into a transcript (unsupported, corrupt, empty, undecodable)."""

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class PermissionDenied(QualcodeError):
    """The acting user's role does not allow this change (store/permissions.py)."""


class ConflictError(QualcodeError):
    """A save was refused because someone else changed the same thing meanwhile, or because it
    clashes with what is stored (a unique name, a deleted row). Nothing was overwritten."""


class BusyError(QualcodeError):
    """The project stayed locked by other writers for too long; nothing was saved."""
