"""Save to Amazon: creating FBA inbound shipments from an order (Fulfillment Inbound
v2024-03-20)."""
