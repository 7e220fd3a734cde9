"""A vendor's doc: what its views are rendered from."""

from typing import Literal

from domain.vendor import Vendor
from functions.shared.views.docs import StreamDoc


class VendorDoc(StreamDoc):
    kind: Literal["vendor"] = "vendor"
    vendor: Vendor | None = None
