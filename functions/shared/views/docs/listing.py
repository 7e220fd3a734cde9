"""A listing's doc: what its views are rendered from."""

from typing import Literal

from domain.products.listing import Listing
from functions.shared.views.docs import StreamDoc


class ListingDoc(StreamDoc):
    kind: Literal["listing"] = "listing"
    listing: Listing | None = None
