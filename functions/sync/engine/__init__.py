"""The sync engine: what a sync job does (read Amazon, pace the calls, record what it finds,
checkpoint). Its entry points are `functions.sync.dispatcher` and `functions.sync.worker`."""
