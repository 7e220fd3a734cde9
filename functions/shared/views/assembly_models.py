"""The read model of assembly orders, and the keys of their list rows.

assembly order row  pk=T#ASSEMBLY_ORDERS   sk=<created>#<id> (newest first)
                    filters: warehouse_id, status
"""

from pydantic import AwareDatetime, Field

from domain.orders.assembly_order import AssemblyOrderStatus
from functions.shared.views import keys
from functions.shared.views.models import View

ASSEMBLY_ORDER_ROW = "assembly_order"


def assembly_orders(tenant_id: str) -> str:
    return keys.join(tenant_id, "ASSEMBLY_ORDERS")


class AssemblyComponentView(View):
    product_id: str
    sku: str
    quantity: int = Field(description="Units of the component per assembly")


class AssemblyOrder(View):
    """Assemblies made at a warehouse from the components of the product's bill of materials
    (as it stood when the order was created)."""

    assembly_order_id: str
    warehouse_id: str
    product_id: str = Field(description="The assembly")
    sku: str = Field(description="The assembly's SKU")
    quantity: int = Field(description="Assemblies ordered")
    received: int = Field(description="Assemblies made so far (their components consumed)")
    on_assembly: int = Field(
        description="Assemblies still to make: on order for the assembly at the warehouse"
    )
    status: AssemblyOrderStatus
    components: list[AssemblyComponentView]
    created_at: AwareDatetime | None
    version: int
