"""Errors raised by the simulator's state operations, each with the HTTP status it maps to."""

from __future__ import annotations


class SimulatorError(Exception):
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(SimulatorError):
    http_status = 400


class NotFound(SimulatorError):
    http_status = 404


class Conflict(SimulatorError):
    http_status = 409
