"""Products and listings: what the seller plans, and the seller SKUs Amazon knows it by.

A product (`product.py`) is what stock and sales are planned for. A listing (`listing.py`) is a
seller SKU in one marketplace and channel of a connection, discovered by every read from Amazon.
Each listing maps to one product; stock and sales per product are the sums over its listings,
resolved when read, so a remap re-derives every figure, past ones included.
"""
