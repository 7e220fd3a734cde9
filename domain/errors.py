"""Typed domain errors. The API maps each family to one HTTP status."""


class DomainError(Exception):
    """A command was refused. `code` is stable; the message is for a person; `field` names the
    part of the request at fault, when one is."""

    code = "domain_error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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


class OrderLocked(InvalidTransition):
    """Amazon owns the order (it is bound to an FBA shipment): it follows Amazon, not edits."""

    code = "order_locked"


class ReceivedByAmazon(InvalidTransition):
    """The order goes into an FBA warehouse: only Amazon's receipts move it."""

    code = "received_by_amazon"
