"""Identifiers that look like Amazon's: shipment ids, FNSKUs, ASINs, tokens, codes.

FNSKUs and ASINs are derived from a hash so the same seller and SKU always get the same
values, across runs too: tests and demos can rely on them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
import uuid

_ALPHANUMERIC = string.ascii_uppercase + string.digits


def _stable_code(text: str, length: int) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:length]


def fnsku_for(seller_id: str, sku: str) -> str:
    """Amazon FNSKUs for labelled stock are 10 characters starting with X00."""
    return "X00" + _stable_code(f"fnsku/{seller_id}/{sku}", 7)


def asin_for(seller_id: str, sku: str) -> str:
    return "B0" + _stable_code(f"asin/{seller_id}/{sku}", 8)


def quantity_in_case_for(shipment_id: str, sku: str) -> int:
    """Amazon's QuantityInCase is unreliable (often 0 or 1): give consumers both, stably."""
    return hashlib.sha256(f"{shipment_id}/{sku}".encode()).digest()[0] % 2


def new_shipment_id() -> str:
    """`FBA` plus 9 upper-case alphanumerics, like FBA15DJ8KJZ1."""
    return "FBA" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(9))


def new_refresh_token(seller_id: str) -> str:
    return f"Atzr|sim-{seller_id}-{secrets.token_urlsafe(24)}"


def new_access_token() -> str:
    return "Atza|" + secrets.token_urlsafe(48)


def item_name_for(sku: str) -> str:
    """The product title notifications carry as `ItemName`: stable for a SKU."""
    return f"Simulated product {sku}"


def new_authorization_code() -> str:
    """An `spapi_oauth_code`: Amazon's are short opaque strings such as ANDRqhQyGfUJmDmxSNjB."""
    return "AN" + "".join(secrets.choice(string.ascii_letters) for _ in range(18))


def new_destination_id() -> str:
    return str(uuid.uuid4())


def new_subscription_id() -> str:
    return str(uuid.uuid4())


def new_next_token() -> str:
    # Amazon's tokens are long opaque strings; clients must not parse them.
    return secrets.token_urlsafe(36)
