"""At most one sync job waits per connection and kind (schedule, on demand, targeted re-poll).

Whoever queues a job first claims its kind's marker (a conditional put with a TTL); while the
marker stands, further requests of that kind are coalesced into the waiting job instead of
queued again, a targeted one adding its shipments to the marker. The worker takes the marker as
it starts the job (with the shipments added meanwhile), so a request made during a run queues
one more. A marker whose job was lost stops blocking after `TTL`. Continuations are never
coalesced: each carries its own run.
"""

from datetime import timedelta
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict

from functions.connection_state.keys import pending_pk
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.state_store import StaleRevision, StateTable

TTL: Final = timedelta(hours=1)
MAX_SHIPMENTS: Final = 999  # what one getShipments by id may name
_ATTEMPTS: Final = 5


class PendingJob(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    requested_at: AwareDatetime
    shipment_ids: tuple[str, ...] = ()


class PendingJobs:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def claim(self, job: SyncJob) -> bool:
        """True: no job of this kind waits, queue this one. False: one waits and now covers
        this request too."""
        if job.reason is SyncReason.CONTINUATION:
            return True
        pk, sk = pending_pk(job.tenant_id, job.connection_id), job.reason.value
        for _ in range(_ATTEMPTS):
            if self._claim_free(job, pk, sk):
                return True
            stored = self._table.get(pk, sk, PendingJob)
            if stored is None or self._expired(stored.expires_at, job.requested_at):
                continue  # taken or lapsed meanwhile: claim it afresh
            wanted = set(stored.doc.shipment_ids) | set(job.shipment_ids)
            if len(wanted) == len(stored.doc.shipment_ids):
                return False  # nothing new to add
            if len(wanted) > MAX_SHIPMENTS:
                return True  # the waiting job is full: this one goes on its own
            merged = stored.doc.model_copy(update={"shipment_ids": tuple(sorted(wanted))})
            try:
                self._table.put_at_revision(
                    pk, sk, merged, stored.rev, expires_at=stored.expires_at
                )
            except StaleRevision:
                continue
            return False
        return True  # contended beyond reason: queue it (the worker copes with one more)

    def release(self, job: SyncJob) -> None:
        """The job could not be queued after all: let the next request claim its kind."""
        self._table.delete(pending_pk(job.tenant_id, job.connection_id), job.reason.value)

    def take(self, job: SyncJob) -> tuple[str, ...]:
        """The worker starts `job`: its kind no longer waits. Returns the shipments targeted
        requests added to it meanwhile."""
        if job.reason is SyncReason.CONTINUATION:
            return ()
        taken = self._table.take(
            pending_pk(job.tenant_id, job.connection_id), job.reason.value, PendingJob
        )
        return () if taken is None else taken.doc.shipment_ids

    def _claim_free(self, job: SyncJob, pk: str, sk: str) -> bool:
        marker = PendingJob(requested_at=job.requested_at, shipment_ids=job.shipment_ids)
        now = job.requested_at
        return self._table.put_if_absent(
            pk, sk, marker, expires_at=int((now + TTL).timestamp()), now=int(now.timestamp())
        )

    @staticmethod
    def _expired(expires_at: int | None, now: AwareDatetime) -> bool:
        return expires_at is not None and expires_at < int(now.timestamp())
