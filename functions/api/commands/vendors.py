"""Vendors: creating them and changing their terms."""

from domain import vendor
from domain.streams import StreamKind
from domain.vendor import ChangeVendor, CreateVendor
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


def create_vendor(aggregates: Aggregates, caller: Caller, command: CreateVendor) -> int:
    """`command` names a new vendor id; returns the vendor's version."""
    key = (StreamKind.VENDOR.value, command.vendor_id)
    events = vendor.decide(command, None)
    return aggregates.save(event_context(caller, aggregates.clock), {key: events}, {})[key]


def change_vendor(aggregates: Aggregates, caller: Caller, command: ChangeVendor) -> int:
    """Returns the vendor's version (unchanged when nothing changed)."""
    key = (StreamKind.VENDOR.value, command.vendor_id)

    def attempt() -> int:
        loaded = aggregates.load(caller.tenant_id, StreamKind.VENDOR, command.vendor_id)
        events = vendor.decide(command, loaded.state)
        if not events:
            return loaded.version
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)
