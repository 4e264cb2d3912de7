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
