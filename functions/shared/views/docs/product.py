"""A product's doc: what its views are rendered from."""

from typing import Literal

from domain.products.product import Product
from functions.shared.views.docs import StreamDoc


class ProductDoc(StreamDoc):
    kind: Literal["product"] = "product"
    product: Product | None = None
