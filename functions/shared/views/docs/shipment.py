"""An inbound shipment's doc: what its views are rendered from."""

from typing import Literal

from pydantic import AwareDatetime

from domain.inbound_shipment.state import InboundShipment
from functions.shared.views.docs import StreamDoc


class ShipmentDoc(StreamDoc):
    kind: Literal["shipment"] = "shipment"
    shipment: InboundShipment | None = None
    discovered_at: AwareDatetime | None = None
