"""Typed domain errors. The API maps each family to one HTTP status."""


class DomainError(Exception):
    """A command was refused. `code` is stable; the message is for a person."""

    code = "domain_error"


class NotFound(DomainError):
    code = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"


class InvalidTransition(DomainError):
    """The aggregate is in a state where this command makes no sense (HTTP 409)."""

    code = "invalid_transition"


class InvalidCommand(DomainError):
    """The command itself is wrong whatever the state (HTTP 422)."""

    code = "invalid_command"


class ConcurrencyConflict(DomainError):
    """Someone appended to the stream since we read it."""

    code = "concurrency_conflict"
