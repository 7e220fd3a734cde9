"""Bodies and answers of bills of materials (PUT /products/{id}/components) and of
/assembly-orders."""

from pydantic import Field

from domain.orders.assembly_order import MAX_QUANTITY, AssemblyOrderStatus
from domain.replenishment.assembly import MAX_COMPONENTS
from functions.api.models.common import ID_PATTERN, ApiModel, Integer, ReadModel
from functions.shared.views.assembly_models import AssemblyOrder


class ComponentRequest(ApiModel):
    product_id: str = Field(pattern=ID_PATTERN, description="One of your products")
    quantity: Integer = Field(
        ge=1, le=MAX_QUANTITY, description="Units of the component per unit of the assembly"
    )


class ComponentsSet(ApiModel):
    product_id: str
    version: int = Field(description="Unchanged when the bill was already so")


class CreateAssemblyOrderRequest(ApiModel):
    warehouse_id: str = Field(
        pattern=ID_PATTERN, description="One of your own or manual warehouses"
    )
    product_id: str = Field(pattern=ID_PATTERN, description="A product with components")
    quantity: Integer = Field(gt=0, le=MAX_QUANTITY, description="Assemblies to make")


class AssemblyReceiptRequest(ApiModel):
    quantity: Integer = Field(
        gt=0,
        le=MAX_QUANTITY,
        description="Assemblies made; at most what is left to receive on the order",
    )


class AssemblyOrderResult(ApiModel):
    assembly_order_id: str
    status: AssemblyOrderStatus = Field(description="The order's status after the command")
    version: int = Field(description="Unchanged when the request changed nothing")


class AssemblyOrderPage(ReadModel):
    items: list[AssemblyOrder]
    next_cursor: str | None = None


__all__ = [
    "MAX_COMPONENTS",
    "AssemblyOrder",
    "AssemblyOrderPage",
    "AssemblyOrderResult",
    "AssemblyReceiptRequest",
    "ComponentRequest",
    "ComponentsSet",
    "CreateAssemblyOrderRequest",
]
