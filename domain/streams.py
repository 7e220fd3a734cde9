"""Stream identity: every event belongs to one stream, `{tenant}#{kind}#{id}`, tenant first."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator

SEPARATOR = "#"


class StreamKind(StrEnum):
    CONNECTION = "connection"
    WAREHOUSE = "warehouse"
    SHIPMENT = "shipment"
    TRANSFER_ORDER = "transfer_order"
    SALES_ORDER = "sales_order"
    PURCHASE_ORDER = "purchase_order"
    FBA_INVENTORY = "fba_inventory"
    VENDOR = "vendor"
    SETTINGS = "settings"  # a tenant's settings, one stream per topic (e.g. "planning")
    AMAZON_JOB = "amazon_job"  # a Save-to-Amazon job: its steps, as checkpoints
    AMAZON_ORDER = "amazon_order"  # a customer order at Amazon: what sold, cancelled, returned
    PRODUCT = "product"  # what the seller plans: one or more listings
    LISTING = "listing"  # a seller SKU in one marketplace and channel of a connection
    ASSEMBLY_ORDER = "assembly_order"  # assemblies made from their components at a warehouse


class StreamId(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    kind: StreamKind
    entity_id: str

    @field_validator("tenant_id", "entity_id")
    @classmethod
    def _no_separator(cls, value: str) -> str:
        if not value or SEPARATOR in value:
            raise ValueError(f"must be non-empty and must not contain {SEPARATOR!r}")
        return value

    def __str__(self) -> str:
        return SEPARATOR.join((self.tenant_id, self.kind.value, self.entity_id))

    @classmethod
    def parse(cls, text: str) -> "StreamId":
        tenant_id, kind, entity_id = text.split(SEPARATOR, 2)
        return cls(tenant_id=tenant_id, kind=StreamKind(kind), entity_id=entity_id)
