"""Where the sync keeps its operational state: the state table's partition and sort keys.

registry#connections       {tenant}#{connection}   every connection the worker has run
subscription#{id}          {tenant}#{connection}   the connections a notifications
                                                   subscription serves
sync#{tenant}#{connection} status | checkpoint | cursor
watch#{tenant}#{connection} {shipment_id}          shipments whose items are re-read each run
ratelimit#{region}#{tenant}#{connection} {operation}  persisted token bucket
feed#{tenant}#{connection}  {run}#{marketplace}#{restarts}#{shipment}#{page}
                                                   a backfill's spooled items (with a TTL)
authorization#{state}       pending                a consent in progress (with a TTL)
pending#{tenant}#{connection} {reason}             the sync job of that kind waiting (TTL)
quota#{tenant}              connections            how many connections the tenant has
placing#{tenant}#{connection} {job}                a Save-to-Amazon job confirming a
                                                   placement, until it bound its shipments (TTL)
"""

from typing import Final

CONNECTIONS_REGISTRY_PK: Final = "registry#connections"
STATUS_SK: Final = "status"
CHECKPOINT_SK: Final = "checkpoint"
CURSOR_SK: Final = "cursor"


def connection_sk(tenant_id: str, connection_id: str) -> str:
    return f"{tenant_id}#{connection_id}"


def subscription_pk(subscription_id: str) -> str:
    return f"subscription#{subscription_id}"


def sync_pk(tenant_id: str, connection_id: str) -> str:
    return f"sync#{tenant_id}#{connection_id}"


def watch_pk(tenant_id: str, connection_id: str) -> str:
    return f"watch#{tenant_id}#{connection_id}"


def rate_limit_pk(region: str, tenant_id: str, connection_id: str) -> str:
    """Per connection, not per the seller id it names (anyone may type any seller id): one
    connection's syncs never spend another's budget."""
    return f"ratelimit#{region}#{tenant_id}#{connection_id}"


def feed_pk(tenant_id: str, connection_id: str) -> str:
    return f"feed#{tenant_id}#{connection_id}"


def authorization_pk(state: str) -> str:
    return f"authorization#{state}"


def quota_pk(tenant_id: str) -> str:
    return f"quota#{tenant_id}"


def pending_pk(tenant_id: str, connection_id: str) -> str:
    return f"pending#{tenant_id}#{connection_id}"


def placing_pk(tenant_id: str, connection_id: str) -> str:
    return f"placing#{tenant_id}#{connection_id}"
