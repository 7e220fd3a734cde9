"""Rendering a tenant's set-up from its docs (pure): warehouses, connections and vendors."""

from typing import TYPE_CHECKING, Final

from functions.shared.views.setup_models import Connection, Vendor, Warehouse

if TYPE_CHECKING:
    from functions.shared.views.docs.connection import ConnectionDoc
    from functions.shared.views.docs.vendor import VendorDoc
    from functions.shared.views.docs.warehouse import WarehouseDoc


def warehouse_view(doc: "WarehouseDoc") -> Warehouse | None:
    warehouse = doc.warehouse
    if warehouse is None:
        return None
    return Warehouse(**warehouse.model_dump(mode="json"), version=doc.version)


REAUTHORIZE: Final = (
    "Amazon no longer honours this connection's authorization (the seller revoked it, or it "
    "lapsed): authorize the app again in Seller Central and send the new refresh token with "
    "PUT /connections/{connection_id}/credentials; its syncs resume at once."
)


RECONNECT: Final = (
    "You disconnected this connection: its syncs stopped and its refresh token was deleted; its "
    "data stays. To sync it again, authorize the app in Seller Central and send the new refresh "
    "token with PUT /connections/{connection_id}/credentials."
)


# What a connection in each status asks of the seller, by `ConnectionStatus` value (its module
# loads with the first connection read, not with this one's).
ACTIONS: Final = {"authorization_lost": REAUTHORIZE, "disconnected": RECONNECT}


def connection_view(doc: "ConnectionDoc") -> Connection | None:
    connection = doc.connection
    if connection is None:
        return None
    action = ACTIONS.get(connection.status.value)
    return Connection(
        **connection.model_dump(mode="json", exclude={"order_rule"}),
        **connection.order_rule.model_dump(mode="json"),
        action=action.format(connection_id=connection.connection_id) if action else None,
        version=doc.version,
    )


def vendor_view(doc: "VendorDoc") -> Vendor | None:
    vendor = doc.vendor
    if vendor is None:
        return None
    return Vendor(**vendor.model_dump(), version=doc.version)
