"""Adapters to what the functions run on: the event log on DynamoDB and its stream, the
operational state table, Amazon's SP-API, the system clock and ids."""
