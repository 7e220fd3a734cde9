"""What the sync, the notifications consumer and the API share about each connection, in the
state table and the sync queue: the registry of connections by seller, the watch index of
shipments to re-read, the sync status, and how a sync job is queued."""
