"""A connection's action is keyed by its status's value (so rendering loads no domain code)."""

from domain.connection import ConnectionStatus
from functions.shared.views.setup_render import ACTIONS


def test_every_status_but_active_asks_for_an_action() -> None:
    assert set(ACTIONS) == {status.value for status in ConnectionStatus} - {"active"}
