"""The notifications consumer's items in the state table.

notification#{notification_id}  claim         dedupe marker (a lease while processing)
repoll#{tenant}#{connection}    {shipment_id} debounce of targeted re-polls (TTL one minute)
"""

from typing import Final

CLAIM_SK: Final = "claim"


def notification_pk(notification_id: str) -> str:
    return f"notification#{notification_id}"


def repoll_pk(tenant_id: str, connection_id: str) -> str:
    return f"repoll#{tenant_id}#{connection_id}"
