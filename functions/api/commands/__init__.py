"""The API's use cases: load aggregates from the event store, decide, append all or nothing.

Each returns once its events are appended; the views catch up asynchronously.
"""
