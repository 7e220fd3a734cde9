"""Every key of the views table, built in one place. Every key starts with the tenant.

Free-text parts (SKUs, ids) are escaped so that `#` always separates parts: no value can
make one key look like another (`a#b` + `c` never equals `a` + `b#c`).

Items and their key paths (T = tenant, time = fixed-width UTC, newest first where listed):
  stream doc      pk=T#<kind>#<id>            sk=DOC
    transfer order  gsi1=T#TRANSFER_ORDERS      / <created>#<id>
    warehouse       gsi1=T#WAREHOUSES           / <id>
    connection      gsi1=T#CONNECTIONS          / <id>
    vendor          gsi1=T#VENDORS              / <id>
  shipment list   pk=T#SHIPMENTS              sk=<discovered>#<id>
                  gsi1=T#SHIPMENTS#STATUS#<s>  gsi2=T#SHIPMENTS#RECONCILED#<yes|no>
  shipment list   pk=T#SHIPMENTS#CONNECTION#<c> gsi1=T#SHIPMENTS#MARKETPLACE#<m>
  stock row       pk=T#STOCK#<wh>             sk=<sku>
                  gsi1=T#STOCK / <wh>#<sku>    gsi2=T#STOCK_SKU#<sku> / <wh>
  ledger entry    pk=T#LEDGER#<wh>#<sku>      sk=<time>#<event id>
                  gsi1=T#LEDGER#<wh> / <time>#<event id>#<sku>
  sales day       pk=T#SALES#<wh>#<sku>       sk=<UTC day, YYYY-MM-DD>
  product doc     gsi1=T#PRODUCTS / <sku>
  listing row     pk=T#LISTINGS               sk=<connection>#<marketplace>#<channel>#<sku>
                  gsi1=T#PRODUCT_LISTINGS#<product> / <wh>#<sku>#<listing>
                  gsi2=T#LISTINGS_SKU#<sku> / <listing>
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Final

from domain.streams import StreamId

DOC: Final = "DOC"
SEP: Final = "#"
# Sorts after every "<time>#..." key of the same instant: the upper bound of an as-of query.
AFTER_INSTANT: Final = "$"


def part(value: str) -> str:
    if SEP not in value and "%" not in value:
        return value
    return value.replace("%", "%25").replace(SEP, "%23")


def unpart(value: str) -> str:
    return value.replace("%23", SEP).replace("%25", "%")


def join(*parts: str) -> str:
    return SEP.join([part(p) for p in parts])


def sortable_time(moment: datetime) -> str:
    """Fixed-width UTC, so that string order is time order."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def doc_pk(stream_id: StreamId) -> str:
    return str(stream_id)  # tenant first, and ids never contain the separator


def transfer_orders(tenant_id: str) -> str:
    return join(tenant_id, "TRANSFER_ORDERS")


def warehouses(tenant_id: str) -> str:
    return join(tenant_id, "WAREHOUSES")


def connections(tenant_id: str) -> str:
    return join(tenant_id, "CONNECTIONS")


def vendors(tenant_id: str) -> str:
    return join(tenant_id, "VENDORS")


def purchase_orders(tenant_id: str) -> str:
    return join(tenant_id, "PURCHASE_ORDERS")


def purchase_orders_by(tenant_id: str, facet: str, value: str) -> str:
    return join(tenant_id, "PURCHASE_ORDERS", facet, value)


def incoming(tenant_id: str, warehouse_id: str) -> str:
    """The open orders' units on their way into an FBA warehouse, by SKU then order."""
    return join(tenant_id, "INCOMING", warehouse_id)


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def shipments(tenant_id: str) -> str:
    return join(tenant_id, "SHIPMENTS")


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def shipments_by(tenant_id: str, facet: str, value: str) -> str:
    return join(tenant_id, "SHIPMENTS", facet, value)


@lru_cache(maxsize=4096)  # a stream's row key, rendered again at each of its events
def newest_first(moment: datetime, entity_id: str) -> str:
    return join(sortable_time(moment), entity_id)


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def stock(tenant_id: str, warehouse_id: str) -> str:
    return join(tenant_id, "STOCK", warehouse_id)


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def stock_all(tenant_id: str) -> str:
    return join(tenant_id, "STOCK")


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def stock_by_sku(tenant_id: str, sku: str) -> str:
    return join(tenant_id, "STOCK_SKU", sku)


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def ledger(tenant_id: str, warehouse_id: str, sku: str) -> str:
    return join(tenant_id, "LEDGER", warehouse_id, sku)


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def ledger_of_warehouse(tenant_id: str, warehouse_id: str) -> str:
    return join(tenant_id, "LEDGER", warehouse_id)


@lru_cache(maxsize=4096)  # a few keys per tenant, built for every event
def sales_days(tenant_id: str, warehouse_id: str, sku: str) -> str:
    """A listing's sales, one item per day it sold, cancelled or got returns."""
    return join(tenant_id, "SALES", warehouse_id, sku)


def sales_day(day: date) -> str:
    return day.isoformat()


def ledger_position(moment: datetime, event_id: str) -> str:
    return join(sortable_time(moment), event_id)


def until(moment: datetime) -> str:
    """Sort keys strictly below this are at or before `moment`."""
    return sortable_time(moment) + AFTER_INSTANT


def products(tenant_id: str) -> str:
    return join(tenant_id, "PRODUCTS")


def listings(tenant_id: str) -> str:
    return join(tenant_id, "LISTINGS")


def product_listings(tenant_id: str, product_id: str) -> str:
    return join(tenant_id, "PRODUCT_LISTINGS", product_id)


def listings_by_sku(tenant_id: str, sku: str) -> str:
    return join(tenant_id, "LISTINGS_SKU", sku)
