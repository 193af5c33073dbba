"""Domain errors of the engine: one root, one-line subclasses, each with a stable code."""


class EngineError(Exception):
    code = "engine_error"


class InvalidNoteError(EngineError, ValueError):
    code = "invalid_note"


class NoteTooLongError(InvalidNoteError):
    code = "note_too_long"


class WorkAbandoned(EngineError):
    """The request's work budget ran out or its client left: the parse stopped between sentences."""

    code = "work_abandoned"
